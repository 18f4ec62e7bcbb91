"""The public funding page (/public/funding/): where the office's money goes in a year, from
awards only (an award is made once an application is agreed; applications, drafts and
allocations still being worked out are never shown), against the benchmark of annual funding
per homicide.

What counts:
- An award counts in a year for the part of its period that falls in it: its obligated
  amount (what close-out did not give back) x its days in the year / its days. A whole-year
  award counts in full; one running July to June counts half in each year.
- By area: an award's part shared evenly between the areas it serves, in the kind of area
  the year's awards name most; an award naming none of them is "Across the city".
- The benchmark (OVP_FUNDING_PER_HOMICIDE, $30,000 by default): the annual funding the
  research literature finds can cut homicides by about a tenth a year, per homicide. The
  homicides are the people killed in shootings as the public shootings page publishes them
  (the year so far at its latest release, with the same suppression): when that page hides
  the count, this page shows no benchmark. Over a part of a year, the funding counted is the
  same part (1 January to the release's last day), so the two stay comparable.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings

from grants.models import ZERO, Award, AwardStatus
from inventory.models import Strategy
from ovp.areas.models import Area

DOLLAR = Decimal("1")
ACROSS_THE_CITY = "Across the city"
PUBLIC_STATUSES = (AwardStatus.ACTIVE, AwardStatus.CLOSED)


@dataclass(frozen=True)
class PublicAward:
    grantee: str
    title: str
    strategy: str  # its label
    starts_on: date
    ends_on: date
    amount: Decimal  # as awarded
    in_year: Decimal  # its part of the year (obligated, by days)


@dataclass(frozen=True)
class Benchmark:
    """The year's funding per homicide against the benchmark, over 1 January to `through`."""

    through: date
    homicides: int
    per_homicide: Decimal  # the benchmark's figure
    needed: Decimal  # homicides x per_homicide
    funded: Decimal  # awards over the same days

    @property
    def funded_per_homicide(self) -> Decimal:
        return (self.funded / self.homicides).quantize(DOLLAR, ROUND_HALF_UP)

    @property
    def share(self) -> int:
        """The funding as a percent of the benchmark."""
        return int((self.funded * 100 / self.needed).quantize(DOLLAR, ROUND_HALF_UP))

    @property
    def whole_year(self) -> bool:
        return (self.through.month, self.through.day) == (12, 31)


@dataclass(frozen=True)
class PublicFunding:
    year: int
    years: list[int]  # with awards, newest first
    awards: list[PublicAward]  # the largest part of the year first
    by_strategy: list[tuple[str, Decimal]]  # the most money first
    by_area: list[tuple[str, Decimal]]  # the most money first; ACROSS_THE_CITY last
    area_kind: str
    per_homicide: Decimal
    benchmark: Benchmark | None  # None: no published count of homicides to set it against
    homicides_hidden: bool  # the shootings page hides the year's count

    @property
    def total(self) -> Decimal:
        return sum((a.in_year for a in self.awards), ZERO)


def _days(begin: date, end: date) -> int:
    return (end - begin).days + 1


def part_between(award: Award, begin: date, end: date) -> Decimal:
    """The award's obligated amount for its days between begin and end, by days."""
    first, last = max(award.starts_on, begin), min(award.ends_on, end)
    if last < first:
        return ZERO
    whole = _days(award.starts_on, award.ends_on)
    return award.obligated * Decimal(_days(first, last)) / Decimal(whole)


def public_awards() -> list[Award]:
    """Every award (agreed: active or closed out), with what the page names of it."""
    return list(
        Award.objects.filter(status__in=PUBLIC_STATUSES)
        .select_related("organisation", "application", "program")
        .prefetch_related("areas")
        .order_by("organisation__name", "title")
    )


def funding_years(awards: list[Award], today: date) -> list[int]:
    """The years any award runs in, up to this one, newest first."""
    years: set[int] = set()
    for award in awards:
        years.update(range(award.starts_on.year, min(award.ends_on.year, today.year) + 1))
    return sorted(years, reverse=True)


def strategy_of(award: Award) -> str:
    """The strategy the application named; else its program's; else Other."""
    code = (award.application.strategy if award.application else "") or (
        award.program.strategy if award.program else ""
    )
    labels = dict(Strategy.choices)
    return str(labels.get(code, labels[Strategy.OTHER]))


def _area_kind(awards: list[Award]) -> str:
    counts: dict[str, int] = defaultdict(int)
    for award in awards:
        for area in award.areas.all():
            counts[area.kind] += 1
    return max(sorted(counts), key=lambda kind: counts[kind]) if counts else ""


def _by_area(awards: list[Award], kind: str, begin: date, end: date) -> list[tuple[str, Decimal]]:
    money: dict[str, Decimal] = defaultdict(Decimal)
    for award in awards:
        part = part_between(award, begin, end)
        served: list[Area] = [a for a in award.areas.all() if a.kind == kind]
        if not served:
            money[ACROSS_THE_CITY] += part
            continue
        for area in served:
            money[area.name] += part / Decimal(len(served))
    rows = [(name, value.quantize(DOLLAR, ROUND_HALF_UP)) for name, value in money.items() if value]
    rows.sort(key=lambda row: (row[0] == ACROSS_THE_CITY, -row[1], row[0]))
    return rows


def _by_strategy(awards: list[PublicAward]) -> list[tuple[str, Decimal]]:
    money: dict[str, Decimal] = defaultdict(Decimal)
    for award in awards:
        money[award.strategy] += award.in_year
    return sorted(((k, v) for k, v in money.items() if v), key=lambda row: (-row[1], row[0]))


def _published_homicides(year: int) -> tuple[date | None, int | None]:
    """The shootings page's latest release of the year: its last day and the people killed
    (None where it hides them); (None, None) before any release."""
    from ovp.incidents import publication
    from ovp.incidents.selectors import data_range

    if year not in data_range().years:
        return None, None
    page = publication.public_year_cached(year)
    return page.through, page.killed


def _benchmark(
    awards: list[Award], year: int, per_homicide: Decimal
) -> tuple[Benchmark | None, bool]:
    """The benchmark over the year's published months, and whether the count is hidden."""
    through, killed = _published_homicides(year)
    if through is None:
        return None, False
    if not killed:  # hidden (None) or none: nothing to measure against
        return None, killed is None
    funded = sum((part_between(a, date(year, 1, 1), through) for a in awards), ZERO)
    benchmark = Benchmark(
        through=through,
        homicides=killed,
        per_homicide=per_homicide,
        needed=per_homicide * killed,
        funded=funded.quantize(DOLLAR, ROUND_HALF_UP),
    )
    return benchmark, False


def public_funding(*, year: int | None, today: date) -> PublicFunding:
    """The year's awards (the latest year with any when `year` is None or has none)."""
    every = public_awards()
    years = funding_years(every, today)
    if year not in years:
        year = years[0] if years else today.year
    begin, end = date(year, 1, 1), date(year, 12, 31)
    running = [a for a in every if a.starts_on <= end and a.ends_on >= begin]
    shown = [
        PublicAward(
            grantee=award.organisation.name,
            title=award.title,
            strategy=strategy_of(award),
            starts_on=award.starts_on,
            ends_on=award.ends_on,
            amount=award.amount,
            in_year=part_between(award, begin, end).quantize(DOLLAR, ROUND_HALF_UP),
        )
        for award in running
    ]
    shown.sort(key=lambda a: (-a.in_year, a.grantee, a.title))
    kind = _area_kind(running)
    per_homicide = Decimal(settings.OVP_FUNDING_PER_HOMICIDE)
    benchmark, hidden = _benchmark(running, year, per_homicide)
    return PublicFunding(
        year=year,
        years=years,
        awards=shown,
        by_strategy=_by_strategy(shown),
        by_area=_by_area(running, kind, begin, end),
        area_kind=kind,
        per_homicide=per_homicide,
        benchmark=benchmark,
        homicides_hidden=hidden,
    )
