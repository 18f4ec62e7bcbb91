"""Writes of the office's own campaigns: a campaign with what it is tied to, and its
outputs and spending."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from inventory.models import Campaign, CampaignOutput, CampaignSpending
from ovp.accounts.models import User
from ovp.areas.models import Area, AreaKind
from stakeholders.models import ActionItem, Goal, Organisation

CAMPAIGN_FIELDS = (
    "name", "kind", "description", "strategy", "started_on", "ended_on", "covers_whole_city",
    "budget",
)  # fmt: skip


@dataclass
class CampaignLinks:
    """What a campaign is tied to: where it works, with whom, and what it serves."""

    areas: list[Area] = field(default_factory=list)
    partners: list[Organisation] = field(default_factory=list)
    goals: list[Goal] = field(default_factory=list)
    action_items: list[ActionItem] = field(default_factory=list)


def _campaign_area_problems(campaign: Campaign, areas: list[Area]) -> dict[str, str]:
    """A campaign covers the whole city or listed areas, one or the other; listed areas are
    of one kind, so its treated areas in an evaluation and its place on a map are clear."""
    if campaign.covers_whole_city and areas:
        return {"areas": "A campaign of the whole city lists no areas: untick one or the other."}
    if not campaign.covers_whole_city and not areas:
        return {"areas": "List the areas the campaign covers, or tick the whole city."}
    kinds = {area.kind for area in areas}
    if len(kinds) > 1:
        labels = dict(AreaKind.choices)
        return {
            "areas": "List areas of one kind only (here "
            + " and ".join(sorted(str(labels.get(kind, kind)) for kind in kinds))
            + ")."
        }
    return {}


def _outputs_outside(campaign: Campaign) -> int:
    """Outputs already logged on days the campaign's new dates leave out."""
    outside = Q(on__lt=campaign.started_on)
    if campaign.ended_on is not None:
        outside |= Q(on__gt=campaign.ended_on)
    return campaign.outputs.filter(outside).count()


def _campaign_save(campaign: Campaign, values: dict[str, Any], links: CampaignLinks) -> Campaign:
    for name in CAMPAIGN_FIELDS:
        if name in values:
            setattr(campaign, name, values[name])
    problems: dict[str, list[str]] = {}
    try:
        campaign.full_clean()
    except ValidationError as error:
        problems.update(error.message_dict)
    for name, message in _campaign_area_problems(campaign, links.areas).items():
        problems.setdefault(name, []).append(message)
    if campaign.pk and not problems and (count := _outputs_outside(campaign)):
        problems.setdefault("started_on", []).append(
            f"{count} output(s) already logged fall outside these dates: move or delete them first."
        )
    if problems:
        raise ValidationError(problems)
    campaign.save()
    campaign.areas.set(links.areas)
    campaign.partners.set(links.partners)
    campaign.goals.set(links.goals)
    campaign.action_items.set(links.action_items)
    return campaign


@transaction.atomic
def campaign_create(*, user: User | None, values: dict[str, Any], links: CampaignLinks) -> Campaign:
    """Start recording one of the office's campaigns. `values` holds its own fields
    (CAMPAIGN_FIELDS). Raises ValidationError naming each field in fault."""
    return _campaign_save(Campaign(created_by=user), values, links)


@transaction.atomic
def campaign_update(
    *, campaign: Campaign, values: dict[str, Any], links: CampaignLinks
) -> Campaign:
    """Change a campaign; its outputs must still fall within its dates."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    return _campaign_save(campaign, values, links)


@transaction.atomic
def campaign_output_log(
    *,
    campaign: Campaign,
    user: User | None,
    on: date,
    kind: str,
    quantity: int,
    note: str = "",
    today: date | None = None,
) -> CampaignOutput:
    """Log what a campaign produced on a day: a day within the campaign, not yet to come."""
    today = today or timezone.localdate()
    output = CampaignOutput(
        campaign=campaign, on=on, kind=kind, quantity=quantity, note=note, created_by=user
    )
    output.full_clean()
    if not campaign.holds(on):
        raise ValidationError(
            {"on": f"The date falls outside the campaign ({campaign.dates_text})."}
        )
    if on > today:
        raise ValidationError({"on": "An output is logged once it happened: not a future date."})
    output.save()
    return output


@transaction.atomic
def campaign_spending_log(
    *,
    campaign: Campaign,
    user: User | None,
    spent_on: date,
    amount: Decimal,
    description: str,
    today: date | None = None,
) -> CampaignSpending:
    """Log money spent on a campaign. Going over the budget is allowed (the campaign's page
    shows it as over); a future date is not."""
    today = today or timezone.localdate()
    spending = CampaignSpending(
        campaign=campaign,
        spent_on=spent_on,
        amount=amount,
        description=description.strip(),
        created_by=user,
    )
    spending.full_clean()
    if spent_on > today:
        raise ValidationError({"spent_on": "Spending is logged once made: not a future date."})
    spending.save()
    return spending


@transaction.atomic
def campaign_output_delete(*, output: CampaignOutput) -> Campaign:
    """Remove an output logged by mistake; returns its campaign."""
    campaign = output.campaign
    output.delete()
    return campaign


@transaction.atomic
def campaign_spending_delete(*, spending: CampaignSpending) -> Campaign:
    """Remove a spending entry logged by mistake; returns its campaign."""
    campaign = spending.campaign
    spending.delete()
    return campaign
