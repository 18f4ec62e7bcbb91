"""Forms for quarterly reports: the grantee's report, attachments, and the office's review."""

from decimal import Decimal
from typing import Any

from django import forms

from grants.models import METRIC_MAX, REPORT_METRICS, BudgetLine, QuarterlyReport


class QuarterlyReportForm(forms.Form):
    """The typed metrics, spending per budget line (`line_<id>`) and narrative. Fields are
    optional here: the services check consistency, and completeness on submit."""

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
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.budget_lines = budget_lines
        spent = {s.budget_line_id: s.amount for s in report.spending.all()}
        metric_fields: dict[str, forms.Field] = {}
        for name, label in REPORT_METRICS:
            metric_fields[name] = forms.IntegerField(
                label=label,
                required=False,
                initial=getattr(report, name),
                # the limit itself, with its message, is the services' (report_problems)
                widget=forms.NumberInput(attrs={"min": 0, "max": METRIC_MAX, "step": 1}),
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
        return [self[name] for name, _ in REPORT_METRICS]

    def spending_fields(self) -> list[forms.BoundField]:
        return [self[f"line_{line.pk}"] for line in self.budget_lines]

    def values(self) -> dict[str, Any]:
        """The cleaned figures as the report services take them."""
        return {
            "metrics": {name: self.cleaned_data.get(name) for name, _ in REPORT_METRICS},
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
