"""The periods a section compares with (the one just before, the same one years before) and
the city's totals over a period."""

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from django.db.models import Sum

from ovp.areas.models import Area
from ovp.incidents.models import Period, PeriodCount


def _whole_months(begin: date, end: date) -> int | None:
    """The number of months when the period runs from a first to a last day of a month."""
    if begin.day != 1 or (end + timedelta(days=1)).day != 1:
        return None
    return (end.year - begin.year) * 12 + end.month - begin.month + 1


def previous_period(begin: date, end: date) -> tuple[date, date]:
    """The period of the same length just before (whole months when the period is)."""
    months = _whole_months(begin, end)
    if months:
        return begin - relativedelta(months=months), begin - timedelta(days=1)
    return begin - timedelta(days=(end - begin).days + 1), begin - timedelta(days=1)


def same_period_years_before(begin: date, end: date, years: int) -> tuple[date, date]:
    shifted_end = end - relativedelta(years=years)
    if _whole_months(begin, end):  # keep the month's last day (29 February and all)
        shifted_end = shifted_end + relativedelta(day=31)
    return begin - relativedelta(years=years), shifted_end


def covered(begin: date, first_week: date | None) -> bool:
    """Whether the incident data reach back to the day."""
    return first_week is not None and first_week <= begin


def city_totals_between(begin: date, end: date) -> dict[str, int]:
    """People shot and fatal in the whole city (placed in an area or not), over the parts of
    weeks that start between the two days: the city's own aggregate rows. One query."""
    sums = PeriodCount.objects.filter(
        period=Period.PART,
        area__isnull=True,
        area_kind="",
        period_start__gte=begin,
        period_start__lte=end,
    ).aggregate(victims=Sum("victims"), fatal=Sum("fatal"))
    return {"victims": int(sums["victims"] or 0), "fatal": int(sums["fatal"] or 0)}


def areas_of_kind(kind: str) -> list[Area]:
    return list(Area.objects.of_kind(kind).order_by("code").defer("boundary"))
