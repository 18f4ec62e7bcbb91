"""Forms for quarterly reports: the grantee's report, attachments, and the office's review."""

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString

from grants.models import BudgetLine, QuarterlyReport
from grants.selectors.metrics import (
    AskedMetric,
    award_metrics,
    metric_guidance,
    previous_report,
    quarter_targets,
    report_values,
)
from inventory.models import Resource
from ovp.accounts.models import User


def guidance_link(resource: Resource | None) -> SafeString | str:
    """The link from a metric's definition to its data-collection guidance in the library."""
    if resource is None:
        return ""
    url = reverse("inventory:library_resource", kwargs={"uuid": resource.uuid})
    return format_html(
        ' <a href="{}" target="_blank" rel="noopener" data-testid="guidance">'
        "How to collect it: {}</a>",
        url,
        resource.title,
    )


class QuarterlyReportForm(forms.Form):
    """The award's metrics (those its round asks for), spending per budget line (`line_<id>`)
    and narrative. Each metric shows its definition, last quarter's figure and the quarter's
    target. Fields are optional here: the services check ranges and consistency, and
    completeness on submit."""

    narrative = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="What happened this quarter: activities, challenges, changes. No names or "
        "other details of participants.",
    )

    def __init__(
        self,
        *args: Any,
        report: QuarterlyReport,
        budget_lines: list[BudgetLine],
        left: dict[int, Decimal],
        viewer: User | AnonymousUser | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.budget_lines = budget_lines
        self.asked: list[AskedMetric] = award_metrics(report.award)
        guidance = metric_guidance((asked.metric for asked in self.asked), viewer)
        spent = {s.budget_line_id: s.amount for s in report.spending.all()}
        current = report_values(report, self.asked)
        before = previous_report(report)
        last = report_values(before, self.asked) if before else {}
        targets = quarter_targets(report.award)
        metric_fields: dict[str, forms.Field] = {}
        for asked in self.asked:
            notes = [asked.metric.definition]
            if before is not None and last.get(asked.field) is not None:
                notes.append(f"Last quarter ({before.quarter_label}): {last[asked.field]:,}.")
            target = targets.get(asked.metric.pk)
            if target is not None:
                notes.append(f"Target this quarter: {target:,.0f}.")
            if not asked.required:
                notes.append("Optional.")
            metric_fields[asked.field] = forms.IntegerField(
                label=asked.metric.name,
                required=False,
                initial=current.get(asked.field),
                # crispy marks help text safe: a definition staff wrote is escaped here
                help_text=format_html(
                    "{}{}",
                    conditional_escape(" ".join(notes)),
                    guidance_link(guidance.get(asked.metric.pk)),
                ),
                # the limits themselves, with their messages, are the services' (report_problems)
                widget=forms.NumberInput(
                    attrs={"min": asked.minimum, "max": asked.maximum, "step": 1}
                ),
            )
        for line in budget_lines:
            metric_fields[f"line_{line.pk}"] = forms.DecimalField(
                label=f"Spent on {line.name} (dollars)",
                required=False,
                max_digits=14,
                decimal_places=2,
                initial=spent.get(line.pk),
                help_text=f"Budgeted ${line.amount:,.2f}; ${left[line.pk]:,.2f} left after "
                "other quarters.",
            )
        self.fields = {**metric_fields, "narrative": self.fields["narrative"]}
        self.fields["narrative"].initial = report.narrative

    def metric_fields(self) -> list[forms.BoundField]:
        return [self[asked.field] for asked in self.asked]

    def spending_fields(self) -> list[forms.BoundField]:
        return [self[f"line_{line.pk}"] for line in self.budget_lines]

    def values(self) -> dict[str, Any]:
        """The cleaned figures as the report services take them."""
        return {
            "metrics": {a.field: self.cleaned_data.get(a.field) for a in self.asked},
            "spending": {
                line.pk: self.cleaned_data.get(f"line_{line.pk}") for line in self.budget_lines
            },
            "narrative": self.cleaned_data.get("narrative") or "",
        }


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label="Attach a file",
        # the report form's (grants/report_edit.html): its upload button sends both
        widget=forms.ClearableFileInput(attrs={"form": "report-form"}),
        error_messages={"required": "Choose a file to attach.", "empty": "The file is empty."},
        help_text="PDF, Word (docx), Excel (xlsx), CSV, PNG or JPG.",
    )


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", "Approve"), ("return", "Return for revision")],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required when returning: say what to change. The grantee sees it.",
    )
