"""Recording a round's allocation: the amounts staff settle on, with who decided."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from grants.models import (
    ZERO,
    Allocation,
    AllocationLine,
    Application,
    ApplicationStatus,
    Award,
    FundingRound,
)
from grants.selectors.allocation import METHOD
from ovp.accounts.models import User


@transaction.atomic
def allocation_record(
    *,
    funding_round: FundingRound,
    amounts: dict[int, Decimal],
    proposed: dict[int, Decimal],
    user: User,
    note: str = "",
) -> Allocation:
    """Record the final amount for each approved application of the round (0 for none).
    Each amount lies between what is already awarded for the application (an award made
    from it) and the amount approved; together they fit the round's budget. Recording again
    replaces the amounts; the history keeps every version."""
    funding_round = FundingRound.objects.select_for_update().get(pk=funding_round.pk)
    approved = {
        application.pk: application
        for application in Application.objects.filter(
            funding_round=funding_round, status=ApplicationStatus.APPROVED
        )
    }
    awarded = dict(
        Award.objects.filter(application__in=approved.values()).values_list(
            "application_id", "amount"
        )
    )
    problems = []
    unknown = set(amounts) - set(approved)
    if unknown:
        problems.append("Only approved applications of this round can be allocated money.")
    for application_id, amount in amounts.items():
        application = approved.get(application_id)
        if application is None:
            continue
        cap = application.approved_amount or ZERO
        if amount < 0:
            problems.append(f"{application.title}: the amount cannot be negative.")
        elif amount > cap:
            problems.append(
                f"{application.title}: ${amount:,.2f} is more than the ${cap:,.2f} approved."
            )
    for application_id, already in awarded.items():
        # an application left out gets 0, which is below its award too
        amount = amounts.get(application_id, ZERO)
        if amount < already:
            problems.append(
                f"{approved[application_id].title}: ${amount:,.2f} is less than the "
                f"${already:,.2f} already awarded for it."
            )
    allocated = sum(amounts.values(), ZERO)
    if allocated > funding_round.budget:
        problems.append(
            f"The amounts add up to ${allocated:,.2f}, more than the round's budget of "
            f"${funding_round.budget:,.2f}."
        )
    if problems:
        raise ValidationError(problems)
    allocation, _ = Allocation.objects.get_or_create(
        funding_round=funding_round, defaults={"method": "\n".join(METHOD)}
    )
    allocation.method = "\n".join(METHOD)
    allocation.decided_by = user
    allocation.decided_at = timezone.now()
    allocation.note = note
    allocation.full_clean()
    allocation.save()
    for application_id, application in approved.items():
        line = AllocationLine.objects.filter(application=application).first() or AllocationLine(
            allocation=allocation, application=application
        )
        line.proposed_amount = proposed.get(application_id, ZERO)
        line.final_amount = amounts.get(application_id, ZERO)
        line.full_clean()
        line.save()
    return allocation
