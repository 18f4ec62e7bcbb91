"""Report compliance: which grantees owe the office what, as of a day."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Q

from grants.models import AwardStatus, QuarterlyReport, ReportStatus
from stakeholders.models import Organisation

DUE_SOON_DAYS = 14
CSV_HEADER = [
    "organisation",
    "award",
    "quarter",
    "period_start",
    "period_end",
    "due_on",
    "status",
    "category",
    "days_late",
]
# each report is listed in one category only: a returned report is with the grantee for
# revision, whatever its due date; the others are late once past due, or due soon within 14
# days. The late *count* is every report past due that the office does not have: a returned
# report past its due date counts there too (and shows its days late)
LATE, RETURNED, DUE_SOON = "late", "returned", "due_soon"
LATE_RULE = (
    "Late: past its due date and not with the office: not started, a draft, or returned for "
    "revision (a returned report past due is listed as returned and counted as late too)."
)
CATEGORY_LABELS = {LATE: "Late", RETURNED: "Returned for revision", DUE_SOON: "Due soon"}


def days_late(report: QuarterlyReport, today: date) -> int:
    return max((today - report.due_on).days, 0)


@dataclass
class OrganisationCompliance:
    organisation: Organisation
    today: date
    late: list[QuarterlyReport] = field(default_factory=list)
    returned: list[QuarterlyReport] = field(default_factory=list)
    due_soon: list[QuarterlyReport] = field(default_factory=list)

    @property
    def returned_late(self) -> list[QuarterlyReport]:
        """Returned reports past their due date: listed as returned, counted as late."""
        return [report for report in self.returned if report.due_on < self.today]

    @property
    def late_count(self) -> int:
        return len(self.late) + len(self.returned_late)

    @property
    def reports(self) -> list[tuple[str, QuarterlyReport, int]]:
        """(category, report, days late) for each report, late ones first."""
        return [
            (kind, report, days_late(report, self.today))
            for kind, reports in ((LATE, self.late), (RETURNED, self.returned),
                                  (DUE_SOON, self.due_soon))
            for report in reports
        ]  # fmt: skip


@dataclass
class Compliance:
    today: date
    organisations: list[OrganisationCompliance]

    @property
    def late(self) -> int:
        """Every report past due that the office does not have, returned ones included."""
        return sum(row.late_count for row in self.organisations)

    @property
    def returned(self) -> int:
        return sum(len(row.returned) for row in self.organisations)

    @property
    def due_soon(self) -> int:
        return sum(len(row.due_soon) for row in self.organisations)


def category(report: QuarterlyReport, today: date) -> str | None:
    if report.status == ReportStatus.RETURNED:
        return RETURNED
    if report.status in (ReportStatus.NOT_STARTED, ReportStatus.DRAFT):
        if report.due_on < today:
            return LATE
        if report.due_on <= today + timedelta(days=DUE_SOON_DAYS):
            return DUE_SOON
    return None


def compliance(*, today: date) -> Compliance:
    """Late, returned and due-soon reports of active awards, grouped by organisation; the
    organisations with the most late reports first (returned ones past due count as late;
    on a tie, those with more reports not submitted at all)."""
    reports = (
        QuarterlyReport.objects.awaiting_grantee()
        .filter(award__status=AwardStatus.ACTIVE)
        .filter(
            Q(status=ReportStatus.RETURNED) | Q(due_on__lte=today + timedelta(days=DUE_SOON_DAYS))
        )
        .select_related("award", "award__organisation")
        .order_by("due_on", "award__title")
    )
    by_organisation: dict[int, OrganisationCompliance] = {}
    for report in reports:
        kind = category(report, today)
        if kind is None:
            continue
        organisation = report.award.organisation
        row = by_organisation.setdefault(
            organisation.pk, OrganisationCompliance(organisation=organisation, today=today)
        )
        getattr(row, kind).append(report)
    rows = sorted(
        by_organisation.values(),
        key=lambda row: (
            -row.late_count,
            -len(row.late),
            -len(row.returned),
            row.organisation.name,
        ),
    )
    return Compliance(today=today, organisations=rows)


def compliance_csv_rows(result: Compliance) -> list[list[object]]:
    return [
        [
            row.organisation.name,
            report.award.title,
            report.quarter_label,
            report.period_start.isoformat(),
            report.period_end.isoformat(),
            report.due_on.isoformat(),
            report.get_status_display(),
            CATEGORY_LABELS[kind],
            late_by,
        ]
        for row in result.organisations
        for kind, report, late_by in row.reports
    ]
