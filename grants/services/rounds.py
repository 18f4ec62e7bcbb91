"""Writes to funds and funding rounds: a round is saved with its rubric in one transaction."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms import BaseInlineFormSet, ModelForm

from grants.models import Fund, FundingRound, Score, total


@transaction.atomic
def fund_save(*, form: "ModelForm[Fund]") -> Fund:
    """Create or change a fund. Its budget cannot fall below what its rounds already plan to
    grant or what its awards already commit."""
    if not form.is_valid():
        raise ValidationError("The fund has errors.")
    fund: Fund = form.save(commit=False)
    if fund.pk:
        planned = total(FundingRound.objects.filter(fund=fund), "budget")
        if fund.total_budget < planned:
            raise ValidationError(
                {
                    "total_budget": f"The fund's rounds already plan ${planned:,}: the budget "
                    "cannot be less."
                }
            )
        if fund.total_budget < fund.obligated:
            raise ValidationError(
                {
                    "total_budget": f"Awards already commit ${fund.obligated:,} of this fund: "
                    "the budget cannot be less."
                }
            )
    fund.full_clean()
    fund.save()
    return fund


def _check_round_budget(funding_round: FundingRound) -> None:
    others = FundingRound.objects.filter(fund=funding_round.fund_id).exclude(pk=funding_round.pk)
    planned = total(others, "budget")
    room = funding_round.fund.total_budget - planned
    if funding_round.budget > room:
        raise ValidationError(
            {
                "budget": f"{funding_round.fund} has ${room:,} left for new rounds "
                f"(${planned:,} of ${funding_round.fund.total_budget:,} is planned in its "
                "other rounds)."
            }
        )
    if funding_round.max_award is not None and funding_round.max_award > funding_round.budget:
        raise ValidationError({"max_award": "The largest award cannot exceed the round's budget."})


@transaction.atomic
def round_save(
    *, form: "ModelForm[FundingRound]", criteria: "BaseInlineFormSet[Any, Any, Any]"
) -> FundingRound:
    """Create or change a funding round and its rubric together. The round's budget must fit
    in what its fund has not given to other rounds. Once reviewers have scored, the rubric is
    fixed: changing a weight or a maximum would change the meaning of the scores given."""
    if not (form.is_valid() and criteria.is_valid()):
        raise ValidationError("The round or its rubric has errors.")
    funding_round: FundingRound = form.save(commit=False)
    funding_round.full_clean()
    _check_round_budget(funding_round)
    if (
        funding_round.pk
        and criteria.has_changed()
        and Score.objects.filter(criterion__funding_round=funding_round).exists()
    ):
        raise ValidationError(
            "Reviewers have already scored applications of this round: the rubric can no "
            "longer change."
        )
    funding_round.save()
    form.save_m2m()
    criteria.instance = funding_round
    for position, criterion_form in enumerate(criteria.forms):
        criterion_form.instance.position = position
    criteria.save()
    return funding_round
