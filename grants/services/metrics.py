"""Writes to the metric library, a round's metric set and an award's targets."""

from typing import Any

from django.db import transaction

from grants.models import Award, AwardTarget, FundingRound, Metric


def metric_save(*, form: Any) -> Metric:
    metric: Metric = form.save()
    return metric


@transaction.atomic
def round_metrics_save(*, funding_round: FundingRound, formset: Any) -> None:
    """A round's metric set: the rows kept, in the order of the form."""
    formset.instance = funding_round
    formset.save(commit=False)  # sorts out what was deleted
    for deleted in formset.deleted_objects:
        deleted.delete()
    position = 0
    for form in formset.forms:
        row = form.instance
        if form in formset.deleted_forms or (not row.pk and not form.has_changed()):
            continue
        row.funding_round = funding_round
        row.position = position
        row.save()
        position += 1


@transaction.atomic
def award_targets_save(*, award: Award, targets: dict[int, tuple[str, int | None]]) -> None:
    """An award's targets: one per metric given a value; a blank value takes it away."""
    for metric_id, (period, value) in targets.items():
        if value is None:
            AwardTarget.objects.filter(award=award, metric_id=metric_id).delete()
        else:
            AwardTarget.objects.update_or_create(
                award=award, metric_id=metric_id, defaults={"period": period, "value": value}
            )
