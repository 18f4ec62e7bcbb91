"""Pages of the needs assessments: the office drafts, edits, sends and publishes; the
board's members read, comment and sign off; both print and download the PDF.

Every view checks the role first (anonymous to login, other roles 403), then fetches the
assessment scoped to the user (another board's assessment is 404)."""

import io
from datetime import date
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from evaluation.forms import AnswerForm, AssessmentForm, CommentForm, DecisionForm, SectionTextForm
from evaluation.models import (
    AssessmentSection,
    AssessmentStatus,
    AssessmentVersion,
    NeedsAssessment,
    SectionComment,
    SignOff,
)
from evaluation.selectors.assessments import (
    assessments_for_user,
    get_assessment_for_user,
    publish_readiness,
)
from evaluation.services.assessments import (
    PUBLISH_RULE,
    assessment_comment,
    assessment_comment_answer,
    assessment_decide,
    assessment_draft,
    assessment_publish,
    assessment_section_edit,
    assessment_section_refresh,
    assessment_send,
)
from ovp.accounts.models import OFFICE_ROLES, Role
from ovp.accounts.permissions import board_required, can_use_office, office_required, role_required
from ovp.areas.models import AreaKind
from ovp.core.actions import AuthedRequest, form_action, post_action
from ovp.core.jsonscript import script_json
from ovp.incidents.selectors import area_kinds

office_or_board_required = role_required(*OFFICE_ROLES, Role.BOARD)


def _today() -> date:
    return timezone.localdate()


def _kinds() -> list[tuple[str, str]]:
    labels = dict(AreaKind.choices)
    return [(kind, labels.get(kind, kind)) for kind in area_kinds()]


def shown_sections(sections: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Sections (a version's snapshot, or the live sections as dicts) ready for a page:
    each chart with its figure as script-safe JSON."""
    shown = []
    for section in sections:
        figures = section.get("figures") or {}
        shown.append(
            {
                **section,
                "tables": figures.get("tables", []),
                "notes": figures.get("notes", []),
                "summary": figures.get("summary", ""),
                "charts": [
                    {**chart, "figure_json": script_json(chart["figure"])}
                    for chart in figures.get("charts", [])
                ],
            }
        )
    return shown


def _live(assessment: NeedsAssessment) -> list[dict[str, Any]]:
    return [
        {"key": s.key, "title": s.title, "text": s.text, "figures": s.figures, "section": s}
        for s in assessment.sections.order_by("position")
    ]


def _comments_by_key(assessment: NeedsAssessment) -> dict[str, list[SectionComment]]:
    comments: dict[str, list[SectionComment]] = {}
    for comment in SectionComment.objects.filter(section__assessment=assessment).select_related(
        "section", "version", "author", "replied_by"
    ):
        comments.setdefault(comment.section.key, []).append(comment)
    return comments


def _with_comments(
    sections: list[dict[str, Any]], assessment: NeedsAssessment
) -> list[dict[str, Any]]:
    comments = _comments_by_key(assessment)
    return [{**s, "comments": comments.get(s["key"], [])} for s in sections]


def _signoffs(version: AssessmentVersion | None) -> list[SignOff]:
    if version is None:
        return []
    return list(version.signoffs.select_related("member").order_by("decided_at"))


# -- the office --------------------------------------------------------------------------------


@office_required
def assessment_list(request: AuthedRequest) -> HttpResponse:
    assessments = assessments_for_user(request.user, _today()).select_related("created_by")
    return render(request, "evaluation/assessment_list.html", {"assessments": assessments})


@office_required
def assessment_create(request: AuthedRequest) -> HttpResponse:
    kinds = _kinds()
    form = AssessmentForm(request.POST or None, area_kinds=kinds)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        assessment = form_action(
            form,
            lambda: assessment_draft(
                title=data["title"],
                period_start=data["period_start"],
                period_end=data["period_end"],
                board=data["board"],
                user=request.user,
                area_kind=data["area_kind"],
            ),
        ).value
        if assessment is not None:
            messages.success(request, "The assessment was drafted from the data. Edit its text.")
            return redirect("evaluation:assessment_detail", uuid=assessment.uuid)
    return render(
        request, "evaluation/assessment_form.html", {"form": form, "has_areas": bool(kinds)}
    )


@office_required
def assessment_detail(request: AuthedRequest, uuid: str) -> HttpResponse:
    assessment = get_assessment_for_user(request.user, uuid, _today())
    readiness = publish_readiness(assessment)
    return render(
        request,
        "evaluation/assessment_detail.html",
        {
            "assessment": assessment,
            "sections": _with_comments(shown_sections(_live(assessment)), assessment),
            "versions": assessment.versions.select_related("created_by").order_by("-number"),
            "readiness": readiness,
            "signoffs": _signoffs(readiness.version),
            "publish_rule": PUBLISH_RULE,
            "answer_form": AnswerForm(),
        },
    )


@office_required
def assessment_section_edit_view(request: AuthedRequest, uuid: str, key: str) -> HttpResponse:
    assessment = get_assessment_for_user(request.user, uuid, _today())
    section = get_object_or_404(AssessmentSection, assessment=assessment, key=key)
    if request.method == "POST" and "refresh" in request.POST:
        return post_action(
            request,
            lambda: assessment_section_refresh(section=section, user=request.user),
            done="The figures were drafted again from the data.",
            then=reverse("evaluation:assessment_section_edit", args=[assessment.uuid, key]),
        )
    form = SectionTextForm(request.POST or None, initial={"text": section.text})
    if (
        request.method == "POST"
        and form.is_valid()
        and form_action(
            form,
            lambda: assessment_section_edit(
                section=section, text=form.cleaned_data["text"], user=request.user
            ),
        )
    ):
        messages.success(request, f"\u201c{section.title}\u201d was saved.")
        return redirect("evaluation:assessment_detail", uuid=assessment.uuid)
    shown = shown_sections(
        [
            {
                "key": section.key,
                "title": section.title,
                "text": section.text,
                "figures": section.figures,
            }
        ]
    )[0]
    return render(
        request,
        "evaluation/assessment_section_form.html",
        {"assessment": assessment, "section": section, "shown": shown, "form": form},
    )


@office_required
@require_POST
def assessment_send_view(request: AuthedRequest, uuid: str) -> HttpResponse:
    assessment = get_assessment_for_user(request.user, uuid, _today())
    return post_action(
        request,
        lambda: assessment_send(assessment=assessment, user=request.user),
        done=lambda version: f"Version {version.number} was sent to {assessment.board} for review.",
        then=assessment_url(assessment),
    )


@office_required
@require_POST
def assessment_publish_view(request: AuthedRequest, uuid: str) -> HttpResponse:
    assessment = get_assessment_for_user(request.user, uuid, _today())
    return post_action(
        request,
        lambda: assessment_publish(assessment=assessment, user=request.user),
        done=lambda version: f"Published as version {version.number}.",
        then=assessment_url(assessment),
    )


@office_required
@require_POST
def assessment_comment_answer_view(request: AuthedRequest, uuid: str, comment: str) -> HttpResponse:
    assessment = get_assessment_for_user(request.user, uuid, _today())
    found = get_object_or_404(
        SectionComment.objects.select_related("section"),
        uuid=comment,
        section__assessment=assessment,
    )
    then = f"{assessment_url(assessment)}#section-{found.section.key}"
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Write the answer before sending it (at most 4,000 characters).")
        return redirect(then)
    return post_action(
        request,
        lambda: assessment_comment_answer(
            comment=found, user=request.user, reply=form.cleaned_data["reply"]
        ),
        done="Your answer was saved; the board sees it beside the comment.",
        then=then,
    )


def assessment_url(assessment: NeedsAssessment) -> str:
    return reverse("evaluation:assessment_detail", args=[assessment.uuid])


# -- the board ---------------------------------------------------------------------------------


@board_required
def board_assessment_list(request: AuthedRequest) -> HttpResponse:
    assessments = assessments_for_user(request.user, _today())
    return render(request, "evaluation/assessment_board_list.html", {"assessments": assessments})


VERSION_MISSING = "Reload the page and try again: it did not say which version you read."


@board_required
def board_assessment_detail(request: AuthedRequest, uuid: str) -> HttpResponse:
    assessment = get_assessment_for_user(request.user, uuid, _today())
    version = assessment.latest_version
    under_review = assessment.status == AssessmentStatus.UNDER_REVIEW
    review_version = assessment.latest_review_version
    mine = (
        SignOff.objects.filter(version=review_version, member_id=request.user.pk).first()
        if review_version
        else None
    )
    return render(
        request,
        "evaluation/assessment_board_detail.html",
        {
            "assessment": assessment,
            "version": version,
            "sections": _with_comments(
                shown_sections(version.sections if version else []), assessment
            ),
            "versions": assessment.versions.order_by("-number"),
            "under_review": under_review,
            "signoffs": _signoffs(review_version),
            "my_decision": mine,
            "review_version": review_version,
            "comment_form": CommentForm(),
            "decision_form": DecisionForm(
                initial={"decision": mine.decision, "note": mine.note} if mine else None
            ),
        },
    )


@board_required
@require_POST
def board_assessment_comment(request: AuthedRequest, uuid: str, key: str) -> HttpResponse:
    assessment = get_assessment_for_user(request.user, uuid, _today())
    section = get_object_or_404(AssessmentSection, assessment=assessment, key=key)
    then = f"{_board_url(assessment)}#section-{section.key}"
    form = CommentForm(request.POST)
    if "version" in form.errors:
        messages.error(request, VERSION_MISSING)
        return redirect(then)
    if not form.is_valid():
        messages.error(request, "Write your comment before sending it (at most 4,000 characters).")
        return redirect(then)
    return post_action(
        request,
        lambda: assessment_comment(
            section=section,
            user=request.user,
            body=form.cleaned_data["body"],
            version_read=form.cleaned_data["version"],
        ),
        done=f"Your comment on \u201c{section.title}\u201d was sent to the office.",
        then=then,
    )


def _board_url(assessment: NeedsAssessment) -> str:
    return reverse("evaluation:board_assessment_detail", args=[assessment.uuid])


@board_required
@require_POST
def board_assessment_decide(request: AuthedRequest, uuid: str) -> HttpResponse:
    assessment = get_assessment_for_user(request.user, uuid, _today())
    form = DecisionForm(request.POST)
    if "version" in form.errors:
        messages.error(request, VERSION_MISSING)
        return redirect(_board_url(assessment))
    if not form.is_valid():
        messages.error(request, "Choose to sign it off or to ask for changes.")
        return redirect(_board_url(assessment))
    return post_action(
        request,
        lambda: assessment_decide(
            assessment=assessment,
            user=request.user,
            decision=form.cleaned_data["decision"],
            note=form.cleaned_data["note"],
            version_read=form.cleaned_data["version"],
        ),
        done=lambda signoff: (
            f"Recorded: {signoff.get_decision_display().lower()} on version "
            f"{signoff.version.number}."
        ),
        then=_board_url(assessment),
    )


# -- both: versions, the printable view and the PDF --------------------------------------------


def _version_for(assessment: NeedsAssessment, number: int) -> AssessmentVersion:
    version = assessment.versions.filter(number=number).first()
    if version is None:
        raise Http404("No such version.")
    return version


@office_or_board_required
def assessment_version(request: AuthedRequest, uuid: str, number: int) -> HttpResponse:
    assessment = get_assessment_for_user(request.user, uuid, _today())
    version = _version_for(assessment, number)
    return render(
        request,
        "evaluation/assessment_version.html",
        {
            "assessment": assessment,
            "version": version,
            "sections": shown_sections(version.sections),
            "signoffs": _signoffs(version),
            "is_office": can_use_office(request.user),
        },
    )


def _printed(request: AuthedRequest, uuid: str) -> dict[str, Any]:
    """What the printable view and the PDF show: a version when asked for (`?version=N`);
    otherwise the office sees the sections as they are now, the board the latest version."""
    assessment = get_assessment_for_user(request.user, uuid, _today())
    number = request.GET.get("version", "")
    version = None
    if number:
        if not number.isdigit():
            raise Http404("No such version.")
        version = _version_for(assessment, int(number))
    elif not can_use_office(request.user):
        version = assessment.latest_version
    sections = version.sections if version else _live(assessment)
    return {
        "assessment": assessment,
        "version": version,
        "sections": shown_sections(sections),
        "printed_at": timezone.localtime(),
    }


@office_or_board_required
def assessment_print(request: AuthedRequest, uuid: str) -> HttpResponse:
    return render(request, "evaluation/assessment_print.html", _printed(request, uuid))


@office_or_board_required
def assessment_pdf(request: AuthedRequest, uuid: str) -> HttpResponse:
    return printed_pdf(request, _printed(request, uuid))


def printed_pdf(request: HttpRequest, printed: dict[str, Any]) -> HttpResponse:
    """The printable view's page as a PDF download (the public assessment pages use it too)."""
    from xhtml2pdf import pisa

    context = {**printed, "pdf": True}
    html = render_to_string("evaluation/assessment_print.html", context, request=request)
    output = io.BytesIO()
    result = pisa.CreatePDF(html, dest=output, encoding="utf-8")
    if result.err:
        raise RuntimeError("The PDF could not be made from the printable view.")
    assessment = context["assessment"]
    suffix = f"-v{context['version'].number}" if context["version"] else ""
    filename = f"{slugify(assessment.title) or 'needs-assessment'}{suffix}.pdf"
    response = HttpResponse(output.getvalue(), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


routes: list[URLPattern] = [
    # the office
    path("assessments/", assessment_list, name="assessment_list"),
    path("assessments/new/", assessment_create, name="assessment_create"),
    path("assessments/<uuid:uuid>/", assessment_detail, name="assessment_detail"),
    path(
        "assessments/<uuid:uuid>/sections/<slug:key>/",
        assessment_section_edit_view,
        name="assessment_section_edit",
    ),
    path("assessments/<uuid:uuid>/send/", assessment_send_view, name="assessment_send"),
    path("assessments/<uuid:uuid>/publish/", assessment_publish_view, name="assessment_publish"),
    path(
        "assessments/<uuid:uuid>/comments/<uuid:comment>/answer/",
        assessment_comment_answer_view,
        name="assessment_comment_answer",
    ),
    # the office and the board's members
    path(
        "assessments/<uuid:uuid>/versions/<int:number>/",
        assessment_version,
        name="assessment_version",
    ),
    path("assessments/<uuid:uuid>/print/", assessment_print, name="assessment_print"),
    path("assessments/<uuid:uuid>/pdf/", assessment_pdf, name="assessment_pdf"),
    # the board's members
    path("board/assessments/", board_assessment_list, name="board_assessment_list"),
    path(
        "board/assessments/<uuid:uuid>/",
        board_assessment_detail,
        name="board_assessment_detail",
    ),
    path(
        "board/assessments/<uuid:uuid>/sections/<slug:key>/comment/",
        board_assessment_comment,
        name="board_assessment_comment",
    ),
    path(
        "board/assessments/<uuid:uuid>/decide/",
        board_assessment_decide,
        name="board_assessment_decide",
    ),
]
