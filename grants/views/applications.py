"""Applications: the grantee's portal pages (apply, draft, documents, submit, messages) and
the office's view of a submitted application. A grantee reaches only its own
organisations' applications: any other answers 404."""

from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from grants.forms.applications import ApplicationForm, DocumentForm, MessageForm
from grants.forms.review import AssignReviewersForm
from grants.models import (
    Application,
    ApplicationDocument,
    ApplicationMessage,
    FundingRound,
)
from grants.permissions import get_application_for_grantee
from grants.selectors.review import EMPTY, application_scores
from grants.services.applications import (
    application_create,
    application_document_add,
    application_document_remove,
    application_message_post,
    application_submit,
    application_update,
)
from ovp.accounts.permissions import grantee_required, office_required
from ovp.core.actions import AuthedRequest, form_action, post_action
from ovp.core.uploads import MB, megabytes, too_large, upload_limit
from stakeholders.models import Organisation


def download(document: ApplicationDocument) -> HttpResponse:
    """An uploaded document, always as an attachment (never shown inline by the browser)."""
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404("The file is missing from storage.") from None
    # streamed; typed as the HttpResponse that the role decorators expect of views
    return cast(HttpResponse, FileResponse(handle, as_attachment=True, filename=document.name))


# ------------------------------------------------------------------------------- the grantee


@grantee_required
def my_applications(request: AuthedRequest) -> HttpResponse:
    now = timezone.now()
    applications = (
        Application.objects.for_organisations_of(request.user)
        .select_related("funding_round", "organisation")
        .prefetch_related(
            Prefetch(
                "messages",
                queryset=ApplicationMessage.objects.filter(from_office=True).order_by(
                    "-created_at"
                ),
                to_attr="office_messages",
            )
        )
        .distinct()
    )
    return render(
        request,
        "grants/application_mine.html",
        {
            "open_rounds": FundingRound.objects.open_on(now)
            .select_related("fund")
            .order_by("closes_at"),
            "applications": applications,
        },
    )


@grantee_required
def application_create_view(request: AuthedRequest, round_uuid: str) -> HttpResponse:
    funding_round = get_object_or_404(FundingRound, uuid=round_uuid)
    if not funding_round.is_open():
        messages.error(request, f"{funding_round} is not open for applications.")
        return redirect("grants:my_applications")
    organisations = Organisation.objects.for_member(request.user).order_by("name")
    form = ApplicationForm(
        request.POST or None,
        organisations=organisations,
        max_award=funding_round.max_award,
        initial={"organisation": organisations.first()},
    )
    if request.method == "POST" and form.is_valid():
        organisation = form.cleaned_data["organisation"] or organisations.first()
        if organisation is None:
            form.add_error(None, "Your account is not linked to an organisation yet.")
        elif application := form_action(
            form,
            lambda: application_create(
                funding_round=funding_round,
                organisation=organisation,
                user=request.user,
                **_content(form),
            ),
        ).value:
            messages.success(
                request,
                "Your draft is saved. Attach your documents, then submit it before the deadline.",
            )
            return redirect("grants:application_view", uuid=application.uuid)
    return render(
        request,
        "grants/application_form.html",
        {"form": form, "funding_round": funding_round, "application": None},
    )


def _content(form: ApplicationForm) -> dict[str, Any]:
    return {
        name: form.cleaned_data[name]
        for name in ("title", "summary", "strategy", "requested_amount", "areas", "program")
    }


@grantee_required
def application_view(request: AuthedRequest, uuid: str) -> HttpResponse:
    application = get_application_for_grantee(request, uuid)
    return render(
        request,
        "grants/application_view.html",
        {
            "application": application,
            "documents": application.documents.all(),
            "thread": application.messages.select_related("author"),
            "document_form": DocumentForm(limit_mb=settings.OVP_GRANT_UPLOAD_MAX_MB),
            "message_form": MessageForm(),
            "round_open": application.funding_round.is_open(),
        },
    )


@grantee_required
def application_edit(request: AuthedRequest, uuid: str) -> HttpResponse:
    application = get_application_for_grantee(request, uuid)
    if not application.is_editable:
        messages.error(request, "This application is submitted: it can no longer be changed.")
        return redirect("grants:application_view", uuid=application.uuid)
    form = ApplicationForm(
        request.POST or None,
        organisations=Organisation.objects.filter(pk=application.organisation_id),
        max_award=application.funding_round.max_award,
        ask_organisation=False,
        initial={
            "title": application.title,
            "summary": application.summary,
            "strategy": application.strategy,
            "requested_amount": application.requested_amount,
            "areas": list(application.areas.all()),
            "program": application.program,
        },
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and form_action(
            form,
            lambda: application_update(
                application=application, user=request.user, **_content(form)
            ),
        )
    ):
        messages.success(request, "Saved.")
        return redirect("grants:application_view", uuid=application.uuid)
    return render(
        request,
        "grants/application_form.html",
        {"form": form, "funding_round": application.funding_round, "application": application},
    )


@upload_limit(
    limit_bytes=megabytes(lambda: settings.OVP_GRANT_UPLOAD_MAX_MB),
    message=lambda: too_large(settings.OVP_GRANT_UPLOAD_MAX_MB * MB),
    back="grants:application_view",
)
@grantee_required
@require_POST
def application_document_add_view(request: AuthedRequest, uuid: str) -> HttpResponse:
    application = get_application_for_grantee(request, uuid)
    form = DocumentForm(request.POST, request.FILES, limit_mb=settings.OVP_GRANT_UPLOAD_MAX_MB)
    if form.is_valid():
        return post_action(
            request,
            lambda: application_document_add(
                application=application,
                user=request.user,
                kind=form.cleaned_data["kind"],
                upload=form.cleaned_data["file"],
            ),
            done=lambda document: f"Attached {document.name}.",
            then=reverse("grants:application_view", kwargs={"uuid": application.uuid}),
        )
    problems = [
        f"{form.fields[f].label}: {' '.join(str(e) for e in errors)}"
        for f, errors in form.errors.items()
    ]
    messages.error(request, "The document was not attached. " + " ".join(problems))
    return redirect("grants:application_view", uuid=application.uuid)


@grantee_required
def application_document_download(
    request: AuthedRequest, uuid: str, document_uuid: str
) -> HttpResponse:
    application = get_application_for_grantee(request, uuid)
    return download(get_object_or_404(application.documents, uuid=document_uuid))


@grantee_required
@require_POST
def application_document_remove_view(
    request: AuthedRequest, uuid: str, document_uuid: str
) -> HttpResponse:
    application = get_application_for_grantee(request, uuid)
    document = get_object_or_404(application.documents, uuid=document_uuid)
    return post_action(
        request,
        lambda: application_document_remove(document=document, user=request.user),
        done=f"Removed {document.name}.",
        then=reverse("grants:application_view", kwargs={"uuid": application.uuid}),
    )


@grantee_required
@require_POST
def application_submit_view(request: AuthedRequest, uuid: str) -> HttpResponse:
    application = get_application_for_grantee(request, uuid)
    return post_action(
        request,
        lambda: application_submit(application=application, user=request.user),
        done="Your application is submitted. The office will tell you its decision.",
        then=reverse("grants:application_view", kwargs={"uuid": application.uuid}),
    )


@grantee_required
@require_POST
def application_message_view(request: AuthedRequest, uuid: str) -> HttpResponse:
    application = get_application_for_grantee(request, uuid)
    form = MessageForm(request.POST)
    if form.is_valid():
        return post_action(
            request,
            lambda: application_message_post(
                application=application,
                author=request.user,
                body=form.cleaned_data["body"],
                from_office=False,
            ),
            done="Message sent to the office.",
            then=reverse("grants:application_view", kwargs={"uuid": application.uuid}),
        )
    messages.error(request, "Write a message first.")
    return redirect("grants:application_view", uuid=application.uuid)


# -------------------------------------------------------------------------------- the office


def _submitted_application(uuid: str) -> Application:
    """Drafts stay the organisation's own until submitted: the office sees the rest."""
    return get_object_or_404(
        Application.objects.submitted().select_related(
            "funding_round", "organisation", "program", "decided_by", "created_by"
        ),
        uuid=uuid,
    )


@office_required
def application_detail(request: AuthedRequest, uuid: str) -> HttpResponse:
    application = _submitted_application(uuid)
    return render(
        request,
        "grants/application_detail.html",
        {
            "application": application,
            "documents": application.documents.all(),
            "thread": application.messages.select_related("author"),
            "message_form": MessageForm(),
            "assignments": application.assignments.select_related("reviewer"),
            "assign_form": AssignReviewersForm(application=application),
            "summary": application_scores([application]).get(application.pk, EMPTY),
        },
    )


@office_required
def application_document_office(
    request: AuthedRequest, uuid: str, document_uuid: str
) -> HttpResponse:
    application = _submitted_application(uuid)
    return download(get_object_or_404(application.documents, uuid=document_uuid))


@office_required
@require_POST
def application_message_office(request: AuthedRequest, uuid: str) -> HttpResponse:
    application = _submitted_application(uuid)
    form = MessageForm(request.POST)
    if form.is_valid():
        application_message_post(
            application=application,
            author=request.user,
            body=form.cleaned_data["body"],
            from_office=True,
        )
        messages.success(request, "Message sent to the organisation.")
    else:
        messages.error(request, "Write a message first.")
    return redirect("grants:application_detail", uuid=application.uuid)


PORTAL = "portal/funding/applications/<uuid:uuid>/"
OFFICE = "grants/applications/<uuid:uuid>/"

routes: list[URLPattern] = [
    path("portal/funding/", my_applications, name="my_applications"),
    path(
        "portal/funding/rounds/<uuid:round_uuid>/apply/",
        application_create_view,
        name="application_create",
    ),
    path(PORTAL, application_view, name="application_view"),
    path(f"{PORTAL}edit/", application_edit, name="application_edit"),
    path(f"{PORTAL}documents/", application_document_add_view, name="application_document_add"),
    path(
        f"{PORTAL}documents/<uuid:document_uuid>/",
        application_document_download,
        name="application_document",
    ),
    path(
        f"{PORTAL}documents/<uuid:document_uuid>/remove/",
        application_document_remove_view,
        name="application_document_remove",
    ),
    path(f"{PORTAL}submit/", application_submit_view, name="application_submit"),
    path(f"{PORTAL}messages/", application_message_view, name="application_message"),
    path(OFFICE, application_detail, name="application_detail"),
    path(
        f"{OFFICE}documents/<uuid:document_uuid>/",
        application_document_office,
        name="application_document_office",
    ),
    path(f"{OFFICE}messages/", application_message_office, name="application_message_office"),
]
