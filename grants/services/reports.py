"""Writes to quarterly reports: drafts, submission, review, attachments and reminders."""

import logging
from datetime import date, timedelta
from decimal import Decimal
from smtplib import SMTPException
from typing import Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q, Sum
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from grants.models import (
    METRIC_MAX,
    REPORT_METRICS,
    ZERO,
    AwardStatus,
    BudgetLine,
    QuarterlyReport,
    ReportAttachment,
    ReportFigure,
    ReportStatus,
    ReportVersion,
    Spending,
)
from grants.selectors.metrics import AskedMetric, award_metrics, report_values
from grants.uploads import ALLOWED_UPLOADS, content_matches, extension_of, kept_name, too_large
from ovp.accounts.models import User
from ovp.core.uploads import MB
from ovp.core.uploads import too_large as too_large_message

logger = logging.getLogger(__name__)

METRIC_LABELS = dict(REPORT_METRICS)
# (smaller, larger): the first count can never exceed the second, as the library defines
# them (grants/library.py): enrolled counts new enrolments only, active everyone enrolled
# who was seen in the quarter, so active may be more than enrolled; re-injured are among the
# active ones
METRIC_LIMITS = [
    ("referrals_completed", "referrals_made"),
    ("participants_reinjured", "participants_active"),
]
# the first bytes each allowed type starts with; CSV is checked as text instead
REMINDER_DAYS_BEFORE = 7
OVERDUE_REMINDER_EVERY_DAYS = 7


def _money(amount: Decimal) -> str:
    return f"${amount:,.2f}"


# ------------------------------------------------------------------------ checks and saving


def _locked_message(report: QuarterlyReport) -> str:
    if report.award.status != AwardStatus.ACTIVE:
        return "The award is closed out: its reports can no longer be changed."
    if report.status == ReportStatus.APPROVED:
        return "This report is approved and can no longer be changed."
    when = (
        timezone.localtime(report.submitted_at).strftime("%Y-%m-%d") if report.submitted_at else ""
    )
    return (
        f"This report was submitted{' on ' + when if when else ''} and is locked while the "
        "office reviews it."
    )


def _lock(report: QuarterlyReport) -> QuarterlyReport:
    """The report, locked for this transaction; refused unless the grantee may change it."""
    report = QuarterlyReport.objects.select_for_update().select_related("award").get(pk=report.pk)
    if not report.is_editable or report.award.status != AwardStatus.ACTIVE:
        raise ValidationError(_locked_message(report))
    return report


def spending_left(report: QuarterlyReport) -> dict[int, Decimal]:
    """For each budget line of the report's award, what is left to spend on it after what the
    award's other reports say they spent."""
    lines = BudgetLine.objects.filter(award_id=report.award_id).annotate(
        spent_elsewhere=Sum("spending__amount", filter=~Q(spending__report_id=report.pk))
    )
    return {line.pk: line.amount - (line.spent_elsewhere or ZERO) for line in lines}


def report_problems(
    *,
    report: QuarterlyReport,
    metrics: dict[str, int | None],
    spending: dict[int, Decimal | None],
    complete: bool,
    asked: list[AskedMetric] | None = None,
) -> dict[str, list[str]]:
    """Every consistency problem of a report's figures, by field (`line_<id>` for spending).
    A draft may leave figures blank (`complete=False`); a submission may not. `asked`: the
    award's metrics, when the caller has them already."""
    problems: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        problems.setdefault(field, []).append(message)

    asked = award_metrics(report.award) if asked is None else asked
    if set(metrics) - {a.field for a in asked}:
        add("__all__", "Figures were given for metrics this award does not report.")
    for metric in asked:
        name, label, value = metric.field, metric.metric.name, metrics.get(metric.field)
        if value is None:
            if complete and metric.required:
                add(name, f"{label}: required to submit the report (0 if none).")
        elif value < 0:
            add(name, f"{label} cannot be negative.")
        elif value > METRIC_MAX:
            add(
                name,
                f"{label} ({value:,}) is more than a quarter's report can count "
                f"({METRIC_MAX:,}): check the figure.",
            )
        elif not metric.minimum <= value <= metric.maximum:
            add(
                name,
                f"{label} ({value:,}) is outside what this round allows: from "
                f"{metric.minimum:,} to {metric.maximum:,}.",
            )
    for smaller, larger in METRIC_LIMITS:
        low, high = metrics.get(smaller), metrics.get(larger)
        if (
            low is not None
            and high is not None
            and high >= 0
            and 0 <= low <= METRIC_MAX
            and low > high
        ):
            add(
                smaller,
                f"{METRIC_LABELS[smaller]} ({low}) cannot be more than "
                f"{METRIC_LABELS[larger].lower()} ({high}).",
            )
    lines = {line.pk: line for line in BudgetLine.objects.filter(award_id=report.award_id)}
    left = spending_left(report)
    for line_id, amount in spending.items():
        line = lines.get(line_id)
        if line is None:
            add("__all__", "Spending was given for a budget line of another award.")
            continue
        if amount is None:
            continue
        if amount < ZERO:
            add(f"line_{line_id}", f"Spending on {line.name} cannot be negative.")
        elif amount > left[line_id]:
            add(
                f"line_{line_id}",
                f"Spending on {line.name} ({_money(amount)}) is more than the "
                f"{_money(left[line_id])} left on that line ({_money(line.amount)} budgeted, "
                f"{_money(line.amount - left[line_id])} reported in other quarters).",
            )
    return problems


def _write(
    report: QuarterlyReport,
    metrics: dict[str, int | None],
    spending: dict[int, Decimal | None],
    narrative: str,
    complete: bool,
    asked: list[AskedMetric],
) -> None:
    problems = report_problems(
        report=report, metrics=metrics, spending=spending, complete=complete, asked=asked
    )
    if complete and not narrative.strip():
        problems.setdefault("narrative", []).append(
            "Narrative: required to submit the report: say what happened this quarter."
        )
    if problems:
        raise ValidationError(problems)
    for metric in asked:
        value = metrics.get(metric.field)
        if metric.metric.column:
            setattr(report, metric.metric.column, value)
        elif value is None:
            ReportFigure.objects.filter(report=report, metric=metric.metric).delete()
        else:
            ReportFigure.objects.update_or_create(
                report=report, metric=metric.metric, defaults={"value": value}
            )
    report.narrative = narrative
    for line_id, amount in spending.items():
        if amount is None:
            Spending.objects.filter(report=report, budget_line_id=line_id).delete()
        else:
            Spending.objects.update_or_create(
                report=report, budget_line_id=line_id, defaults={"amount": amount}
            )


@transaction.atomic
def report_save_draft(
    *,
    report: QuarterlyReport,
    metrics: dict[str, int | None],
    spending: dict[int, Decimal | None],
    narrative: str,
    user: User,
) -> QuarterlyReport:
    """Keep what the grantee has filled in so far; blanks are allowed, inconsistent figures
    are not. A returned report stays returned until it is submitted again."""
    report = _lock(report)
    _write(report, metrics, spending, narrative, complete=False, asked=award_metrics(report.award))
    if report.status == ReportStatus.NOT_STARTED:
        report.status = ReportStatus.DRAFT
    report.full_clean()
    report.save()
    return report


def _content(report: QuarterlyReport, asked: list[AskedMetric]) -> dict[str, Any]:
    """A report as submitted, for its ReportVersion: plain JSON (money as strings)."""
    return {
        "metrics": report_values(report, asked),
        # a list: JSON objects come back from Postgres in an order of their own
        "metric_labels": [[a.field, a.metric.name] for a in asked],
        "spending": [
            {"budget_line": spending.budget_line.name, "amount": str(spending.amount)}
            for spending in report.spending.select_related("budget_line").order_by("budget_line_id")
        ],
        "narrative": report.narrative,
        "attachments": [attachment.name for attachment in report.attachments.order_by("id")],
    }


@transaction.atomic
def report_submit(
    *,
    report: QuarterlyReport,
    metrics: dict[str, int | None],
    spending: dict[int, Decimal | None],
    narrative: str,
    user: User,
    today: date | None = None,
) -> ReportVersion:
    """Submit a report to the office: every metric and the narrative are required, and the
    quarter must be over (`today`, the office's date by default, after the period's end;
    drafts may be saved before). The report is locked and kept as a new ReportVersion, with
    the attachments it has then (those stay for good)."""
    report = _lock(report)
    today = today or timezone.localdate()
    if not report.is_open(today):
        # by field, so the form shows it beside the figures typed in rather than losing them
        raise ValidationError(
            {
                NON_FIELD_ERRORS: f"The {report.quarter_label} report can be submitted from "
                f"{report.opens_on.isoformat()}, once its quarter is over; save a draft until "
                "then."
            }
        )
    asked = award_metrics(report.award)
    _write(report, metrics, spending, narrative, complete=True, asked=asked)
    now = timezone.now()
    report.status = ReportStatus.SUBMITTED
    report.submitted_at = now
    report.submitted_by = user
    report.full_clean()
    report.save()
    version = ReportVersion(
        report=report,
        number=report.versions.count() + 1,
        content=_content(report, asked),
        submitted_at=now,
        submitted_by=user,
    )
    version.full_clean()
    version.save()
    version.attachments.set(report.attachments.all())
    return version


def _review(report: QuarterlyReport, user: User, outcome: str, comment: str) -> QuarterlyReport:
    report = QuarterlyReport.objects.select_for_update().get(pk=report.pk)
    if report.status != ReportStatus.SUBMITTED:
        raise ValidationError(
            f"Only a submitted report can be reviewed; this one is "
            f"{report.get_status_display().lower()}."
        )
    report.status = outcome
    report.reviewed_at = timezone.now()
    report.reviewed_by = user
    report.review_comment = comment
    report.full_clean()
    report.save()
    report.versions.filter(number=report.versions.count()).update(
        outcome=outcome, review_comment=comment
    )
    return report


@transaction.atomic
def report_approve(*, report: QuarterlyReport, user: User, comment: str = "") -> QuarterlyReport:
    """Approve a submitted report: its metrics count as program data (on the performance
    page at once; in ProgramQuarter at the nightly job), and tranches waiting for it may be
    released."""
    from grants.services.program_data import metric_quarters_rebuild

    report = _review(report, user, ReportStatus.APPROVED, comment.strip())
    metric_quarters_rebuild(award_id=report.award_id)
    return report


@transaction.atomic
def report_return(*, report: QuarterlyReport, user: User, comment: str) -> QuarterlyReport:
    """Return a submitted report to the grantee for revision, saying what to change."""
    if not comment.strip():
        raise ValidationError({"comment": "Say what the grantee should change."})
    return _review(report, user, ReportStatus.RETURNED, comment.strip())


# ------------------------------------------------------------------------------ attachments


def upload_problem(upload: UploadedFile) -> str | None:
    """Why an uploaded file is refused (type, size or content; grants.uploads), or None."""
    name = upload.name or ""
    extension = extension_of(name)
    if extension not in ALLOWED_UPLOADS:
        allowed = ", ".join(sorted(set(ALLOWED_UPLOADS) - {"jpeg"}))
        return f"{name}: this type of file is not accepted; send one of: {allowed}."
    if too_large(upload):
        return too_large_message(settings.OVP_GRANT_UPLOAD_MAX_MB * MB, name)
    if upload.size == 0:
        return f"{name} is empty."
    if not content_matches(upload, extension):
        if not ALLOWED_UPLOADS[extension]:
            return f"{name} does not look like a CSV file (it holds binary data)."
        return f"{name} does not look like a {extension.upper()} file."
    return None


@transaction.atomic
def report_attachment_add(
    *, report: QuarterlyReport, upload: UploadedFile, user: User
) -> ReportAttachment:
    """Attach a file to a report the grantee may still change (allowed types, size limit)."""
    report = _lock(report)
    problem = upload_problem(upload)
    if problem:
        raise ValidationError({"file": problem})
    name = kept_name(upload.name or "attachment")
    attachment = ReportAttachment(report=report, name=name, size=upload.size or 0, uploaded_by=user)
    # every check before the file is stored, so a refused upload leaves no file behind
    attachment.full_clean(exclude=["file"])
    attachment.file.save(name, upload, save=False)
    stored = attachment.file.name or ""
    try:
        attachment.save()
    except Exception:
        attachment.file.storage.delete(stored)
        raise
    return attachment


@transaction.atomic
def report_attachment_remove(*, attachment: ReportAttachment, user: User) -> None:
    """Remove an attachment from a report the grantee may still change. An attachment that a
    submitted version included is kept, as the office reviewed it: the grantee adds a
    corrected file instead."""
    _lock(attachment.report)
    versions = sorted(attachment.versions.values_list("number", flat=True))
    if versions:
        listed = ", ".join(str(number) for number in versions)
        raise ValidationError(
            f"{attachment.name} was submitted with version {listed} of the report, so it is "
            "kept as the office saw it. Attach a corrected file instead."
        )
    stored = attachment.file.name or ""
    storage = attachment.file.storage
    attachment.delete()
    # the file goes only once the row is gone for good
    transaction.on_commit(lambda: storage.delete(stored))


# -------------------------------------------------------------------------------- reminders


def _reminder_kind(report: QuarterlyReport, today: date) -> str | None:
    """'due' a week before the due date, 'overdue' the day after it and weekly from then on;
    None when no reminder is owed today."""
    if report.reminded_on == today:
        return None
    if report.due_on < today:
        last = report.reminded_on
        if last is None or last <= report.due_on:
            return "overdue"
        if (today - last).days >= OVERDUE_REMINDER_EVERY_DAYS:
            return "overdue"
        return None
    opens = report.due_on - timedelta(days=REMINDER_DAYS_BEFORE)
    if opens <= today and (report.reminded_on is None or report.reminded_on < opens):
        return "due"
    return None


class RemindersNotSent(Exception):
    """Some reminders could not be sent (the mail server refused or was unreachable); every
    other reminder went out. Running the reminders again sends only the missing ones."""

    def __init__(self, reports: list[QuarterlyReport]) -> None:
        self.reports = reports
        super().__init__(
            f"{len(reports)} reminder(s) not sent: " + ", ".join(str(r) for r in reports)
        )


def _remind(report_id: int, today: date) -> bool:
    """Send one report's reminder if one is owed today; True when it was sent. Sending
    happens inside the transaction that records `reminded_on`, so a failure leaves the
    report as it was (reminded_on not set) and the error goes to the caller."""
    with transaction.atomic():
        report = (
            QuarterlyReport.objects.select_for_update(of=("self",))
            .select_related("award", "award__organisation")
            .get(pk=report_id)
        )
        kind = _reminder_kind(report, today)
        if kind is None or not report.is_editable:
            return False
        organisation = report.award.organisation
        recipients = sorted(
            organisation.members.filter(is_active=True)
            .exclude(email="")
            .values_list("email", flat=True)
        )
        if not recipients:
            logger.warning("No one to remind of %s: %s has no members", report, organisation)
            return False
        context = {
            "report": report,
            "award": report.award,
            "organisation": organisation,
            "kind": kind,
            "days_late": (today - report.due_on).days,
            "office_name": settings.OVP_OFFICE_NAME,
            "url": settings.OVP_SITE_URL.rstrip("/")
            + reverse("grants:report_edit", args=[report.uuid]),
        }
        subject = render_to_string("grants/email/report_reminder_subject.txt", context)
        body = render_to_string("grants/email/report_reminder_body.txt", context)
        report.reminded_on = today
        report.save(update_fields=["reminded_on"])
        # sent last: if sending fails, this report's transaction rolls back
        send_mail(" ".join(subject.split()), body, None, recipients)
        return True


def reports_send_reminders(*, today: date) -> int:
    """Email the members of each organisation whose report is due within a week or overdue;
    at most one reminder a day per report (`reminded_on`), so running twice sends nothing
    more. A report whose mail fails is logged and left unreminded while the others go out;
    then RemindersNotSent is raised (the task retries it). Returns how many reports were
    reminded."""
    reminded = 0
    failed: list[QuarterlyReport] = []
    candidates = (
        QuarterlyReport.objects.awaiting_grantee()
        .filter(award__status=AwardStatus.ACTIVE)
        .filter(due_on__lte=today + timedelta(days=REMINDER_DAYS_BEFORE))
        .exclude(reminded_on=today)
        .select_related("award", "award__organisation")
        .order_by("due_on", "pk")
    )
    for candidate in candidates:
        try:
            sent = _remind(candidate.pk, today)
        except (OSError, SMTPException):
            # OSError covers refused and dropped connections, timeouts and DNS failures
            logger.exception("The reminder of %s could not be sent", candidate)
            failed.append(candidate)
            continue
        reminded += sent
    if failed:
        raise RemindersNotSent(failed)
    return reminded
