"""Reads of awards and money: each fund's obligated, disbursed and available; each award's
paid and remaining. Sums are done by the database, in Decimal."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import DecimalField, F, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from grants.models import ZERO, Award, Fund, Tranche

MONEY = DecimalField(max_digits=14, decimal_places=2)


def _zero() -> Value:
    return Value(ZERO, output_field=MONEY)


def awards_with_money(awards: QuerySet[Award] | None = None) -> QuerySet[Award]:
    """Awards with `paid_total` (released tranches) and `remaining_total` (what is still to
    pay: the amount, less what close-out gave back, less what was paid) annotated."""
    paid = (
        Tranche.objects.filter(award=OuterRef("pk"), released_at__isnull=False)
        .values("award")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    queryset = awards if awards is not None else Award.objects.all()
    return queryset.select_related("fund", "organisation").annotate(
        paid_total=Coalesce(Subquery(paid, output_field=MONEY), _zero()),
        remaining_total=F("amount") - F("deobligated") - F("paid_total"),
    )


@dataclass
class FundMoney:
    fund: Fund
    obligated: Decimal
    disbursed: Decimal

    @property
    def available(self) -> Decimal:
        return self.fund.total_budget - self.obligated


@dataclass
class MoneyOverview:
    funds: list[FundMoney]
    awards: list[Award]

    @property
    def total_budget(self) -> Decimal:
        return sum((row.fund.total_budget for row in self.funds), ZERO)

    @property
    def obligated(self) -> Decimal:
        return sum((row.obligated for row in self.funds), ZERO)

    @property
    def disbursed(self) -> Decimal:
        return sum((row.disbursed for row in self.funds), ZERO)

    @property
    def available(self) -> Decimal:
        return sum((row.available for row in self.funds), ZERO)

    @property
    def amounts(self) -> Decimal:
        """The awards' amounts as made."""
        return sum((award.amount for award in self.awards), ZERO)

    @property
    def deobligated(self) -> Decimal:
        """Given back to the funds at close-out."""
        return sum((award.deobligated for award in self.awards), ZERO)

    @property
    def awarded(self) -> Decimal:
        """What the awards hold: their amounts less what close-outs gave back."""
        return sum((award.obligated for award in self.awards), ZERO)

    @property
    def paid(self) -> Decimal:
        return sum((award.paid_total for award in self.awards), ZERO)  # type: ignore[attr-defined]

    @property
    def remaining(self) -> Decimal:
        return sum((award.remaining_total for award in self.awards), ZERO)  # type: ignore[attr-defined]


def money_overview() -> MoneyOverview:
    """Every fund with its money, and every award with its own, in three queries. The fund
    totals and the award totals are the same sums seen two ways, so they reconcile:
    obligated = awarded (amounts less what close-outs gave back), disbursed = paid."""
    obligated = (
        Award.objects.filter(fund=OuterRef("pk"))
        .values("fund")
        .annotate(total=Sum(F("amount") - F("deobligated")))
        .values("total")
    )
    disbursed = (
        Tranche.objects.filter(award__fund=OuterRef("pk"), released_at__isnull=False)
        .values("award__fund")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    funds = Fund.objects.annotate(
        obligated_total=Coalesce(Subquery(obligated, output_field=MONEY), _zero()),
        disbursed_total=Coalesce(Subquery(disbursed, output_field=MONEY), _zero()),
    )
    awards = awards_with_money().order_by("fund__name", "-starts_on", "title")
    return MoneyOverview(
        funds=[
            FundMoney(fund=fund, obligated=fund.obligated_total, disbursed=fund.disbursed_total)
            for fund in funds
        ],
        awards=list(awards),
    )
