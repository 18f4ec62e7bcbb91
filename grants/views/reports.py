"""Quarterly reports: the grantee's form, the office's review, attachments, compliance."""

import mimetypes
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from grants.forms.reports import AttachmentForm, QuarterlyReportForm, ReviewForm
from grants.models import REPORT_METRICS, QuarterlyReport, ReportAttachment, ReportVersion
from grants.permissions import get_attachment_for_user, get_report_for_grantee
from grants.selectors.compliance import (
    CATEGORY_LABELS,
    CSV_HEADER,
    LATE_RULE,
    compliance,
    compliance_csv_rows,
)
from grants.selectors.metrics import award_metrics, report_values
from grants.services.reports import (
    report_approve,
    report_attachment_add,
    report_attachment_remove,
    report_return,
    report_save_draft,
    report_submit,
    spending_left,
)
from ovp.accounts.models import Role
from ovp.accounts.permissions import grantee_required, office_required, role_required
from ovp.core.actions import AuthedRequest, form_action, post_action
from ovp.core.exports import csv_response
from ovp.core.forms import add_service_errors
from ovp.core.uploads import MB, megabytes, too_large, upload_limit


def _figures(report: QuarterlyReport) -> dict[str, Any]:
    """A report's current figures, for reading: metrics by label, spending by line."""
    asked = award_metrics(report.award)
    values = report_values(report, asked)
    return {
        "metrics": [(a.metric.name, values[a.field]) for a in asked],
        "spending": list(report.spending.select_related("budget_line").order_by("budget_line_id")),
    }


def _versions(report: QuarterlyReport) -> list[dict[str, Any]]:
    """Every submitted version, newest first, as it was submitted, with its attachments."""
    rows = []
    versions = (
        report.versions.select_related("submitted_by")
        .prefetch_related(Prefetch("attachments", queryset=ReportAttachment.objects.order_by("id")))
        .order_by("-number")
    )
    for version in versions:
        content = version.content or {}
        metrics = content.get("metrics", {})
        # the labels it was submitted with (versions before metric sets: the built-in ones)
        labels = content.get("metric_labels") or REPORT_METRICS
        rows.append(
            {
                "version": version,
                "metrics": [(label, metrics.get(name)) for name, label in labels],
                "spending": content.get("spending", []),
                "narrative": content.get("narrative", ""),
                "attachments": list(version.attachments.all()),
                "caption": f"Metrics as submitted in version {version.number}",
            }
        )
    return rows


def _attachments(report: QuarterlyReport) -> list[ReportAttachment]:
    """The report's attachments, each marked `submitted` when a version included it (then
    it is kept for good)."""
    return list(
        report.attachments.annotate(
            submitted=Exists(
                ReportVersion.attachments.through.objects.filter(reportattachment_id=OuterRef("pk"))
            )
        ).order_by("uploaded_at")
    )


# ----------------------------------------------------------------------------------- grantee


@grantee_required
def report_edit(request: AuthedRequest, uuid: str) -> HttpResponse:
    """The grantee's report: a form while it may be changed, the submitted text otherwise."""
    report = get_report_for_grantee(request, uuid)
    form = _report_form(request, report)
    if request.method == "POST" and form.is_valid():
        submit = request.POST.get("action") == "submit"
        service = report_submit if submit else report_save_draft
        try:
            service(report=report, user=request.user, **form.values())
        # not form_action: a refusal with nothing to correct in the form is a message instead
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                # nothing to correct in the form: the report is locked
                messages.error(request, " ".join(error.messages))
                return redirect("grants:report_edit", uuid=report.uuid)
            add_service_errors(form, error)
        else:
            if submit:
                messages.success(request, f"Report {report.quarter_label} submitted to the office.")
                return redirect("grants:my_awards")
            messages.success(request, "Draft saved. You can come back to it any time.")
            return redirect("grants:report_edit", uuid=report.uuid)
    return _edit_page(request, report, form)


def _report_form(request: HttpRequest, report: QuarterlyReport) -> QuarterlyReportForm:
    return QuarterlyReportForm(
        request.POST if request.method == "POST" else None,
        report=report,
        budget_lines=list(report.award.budget_lines.all()),
        left=spending_left(report),
        viewer=request.user,
    )


def _edit_page(
    request: HttpRequest, report: QuarterlyReport, form: QuarterlyReportForm
) -> HttpResponse:
    today = timezone.localdate()
    return render(
        request,
        "grants/report_edit.html",
        {
            "report": report,
            "editable": report.is_editable and report.award.status == "active",
            "form": form,
            "attachment_form": AttachmentForm(),
            "attachments": _attachments(report),
            "figures": _figures(report),
            "versions": _versions(report),
            "today": today,
            "can_submit": report.is_open(today),
            "opens_on": report.opens_on,
        },
    )


@upload_limit(
    limit_bytes=megabytes(lambda: settings.OVP_GRANT_UPLOAD_MAX_MB),
    message=lambda: too_large(settings.OVP_GRANT_UPLOAD_MAX_MB * MB),
    back="grants:report_edit",
)
@grantee_required
@require_POST
def report_attachment_add_view(request: AuthedRequest, uuid: str) -> HttpResponse:
    """Attach a file. The upload button is the report form's, so what the grantee typed
    comes along: it is saved as a draft first (an upload never throws figures away), and
    when it cannot be, the page comes back with them and their errors, the file unattached."""
    report = get_report_for_grantee(request, uuid)
    if "narrative" in request.POST and report.is_editable:
        instead = _save_typed(request, report, _report_form(request, report))
        if instead is not None:
            return instead
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        return post_action(
            request,
            lambda: report_attachment_add(
                report=report, upload=form.cleaned_data["file"], user=request.user
            ),
            done=lambda attachment: f"Attached {attachment.name}.",
            then=reverse("grants:report_edit", kwargs={"uuid": report.uuid}),
        )
    problems = [str(problem) for problem in form.errors.get("file", [])]
    messages.error(request, " ".join(problems or ["Choose a file to attach."]))
    return redirect("grants:report_edit", uuid=report.uuid)


def _save_typed(
    request: AuthedRequest, report: QuarterlyReport, typed: QuarterlyReportForm
) -> HttpResponse | None:
    """Save what the grantee typed as a draft; the page to show instead when it cannot be."""
    if typed.is_valid():
        try:
            report_save_draft(report=report, user=request.user, **typed.values())
        # not form_action: a refusal with nothing to correct in the form is a message instead
        except ValidationError as error:
            if not hasattr(error, "error_dict"):  # nothing to correct: the report is locked
                messages.error(request, " ".join(error.messages))
                return redirect("grants:report_edit", uuid=report.uuid)
            add_service_errors(typed, error)
        else:
            return None
    messages.error(request, "The file was not attached: correct the figures first.")
    return _edit_page(request, report, typed)


@grantee_required
@require_POST
def report_attachment_remove_view(request: AuthedRequest, uuid: str) -> HttpResponse:
    attachment = get_attachment_for_user(request, uuid)
    return post_action(
        request,
        lambda: report_attachment_remove(attachment=attachment, user=request.user),
        done=f"Removed {attachment.name}.",
        then=reverse("grants:report_edit", kwargs={"uuid": attachment.report.uuid}),
    )


@role_required(Role.ADMIN, Role.STAFF, Role.GRANTEE)
def report_attachment_download(request: AuthedRequest, uuid: str) -> HttpResponse:
    """An attachment, for the office or the report's own organisation; never a public URL."""
    attachment: ReportAttachment = get_attachment_for_user(request, uuid)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404("The file is missing from storage.") from None
    content_type = mimetypes.guess_type(attachment.name)[0] or "application/octet-stream"
    # a streaming response: the decorators' type wants an HttpResponse
    return FileResponse(  # type: ignore[return-value]
        handle,
        as_attachment=True,
        filename=PurePath(attachment.name).name,
        content_type=content_type,
    )


# ------------------------------------------------------------------------------------ office


@office_required
def report_review(request: AuthedRequest, uuid: str) -> HttpResponse:
    report = get_object_or_404(
        QuarterlyReport.objects.select_related("award", "award__organisation", "submitted_by"),
        uuid=uuid,
    )
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        decide = report_approve if approve else report_return
        if form_action(
            form,
            lambda: decide(report=report, user=request.user, comment=form.cleaned_data["comment"]),
        ):
            messages.success(
                request,
                f"Report {report.quarter_label} "
                f"{'approved' if approve else 'returned to the grantee'}.",
            )
            return redirect("grants:award_detail", uuid=report.award.uuid)
    return render(
        request,
        "grants/report_review.html",
        {
            "report": report,
            "form": form,
            "figures": _figures(report),
            "attachments": _attachments(report),
            "versions": _versions(report),
            "today": timezone.localdate(),
        },
    )


@office_required
def compliance_view(request: AuthedRequest) -> HttpResponse:
    today = timezone.localdate()
    result = compliance(today=today)
    if request.GET.get("format") == "csv":
        return csv_response(
            f"ovp-report-compliance-{today.isoformat()}", CSV_HEADER, compliance_csv_rows(result)
        )
    return render(
        request,
        "grants/compliance.html",
        {"result": result, "labels": CATEGORY_LABELS, "late_rule": LATE_RULE},
    )


routes: list[URLPattern] = [
    path("grants/compliance/", compliance_view, name="compliance"),
    path("grants/reports/<uuid:uuid>/", report_review, name="report_review"),
    path("portal/reports/<uuid:uuid>/", report_edit, name="report_edit"),
    path(
        "portal/reports/<uuid:uuid>/attachments/",
        report_attachment_add_view,
        name="report_attachment_add",
    ),
    path(
        "portal/report-attachments/<uuid:uuid>/remove/",
        report_attachment_remove_view,
        name="report_attachment_remove",
    ),
    path(
        "grants/report-attachments/<uuid:uuid>/",
        report_attachment_download,
        name="report_attachment_download",
    ),
]
