"""Review: staff assign reviewers; reviewers (staff or board members) declare conflicts of
interest and score; staff see the scores and decide. A reviewer reaches only their own
assignments (any other answers 404) and sees only what scoring needs."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.views.decorators.http import require_POST

from grants.forms.review import AssignReviewersForm, ConflictForm, DecisionForm, ScoreForm
from grants.models import ReviewAssignment
from grants.permissions import get_assignment_for_reviewer
from grants.selectors.review import EMPTY, application_reviews, application_scores
from grants.services.review import (
    UNDER_REVIEW,
    Decision,
    application_decide,
    assignment_remove,
    conflict_declare,
    review_submit,
    reviewers_assign,
)
from grants.views.applications import _submitted_application, download
from ovp.accounts.models import OFFICE_ROLES, Role
from ovp.accounts.permissions import office_required, role_required
from ovp.core.actions import AuthedRequest, form_action, post_action

reviewer_required = role_required(*OFFICE_ROLES, Role.BOARD)


# ------------------------------------------------------------------------------ the office


@office_required
@require_POST
def application_assign(request: AuthedRequest, uuid: str) -> HttpResponse:
    application = _submitted_application(uuid)
    form = AssignReviewersForm(request.POST, application=application)
    if form.is_valid():
        return post_action(
            request,
            lambda: reviewers_assign(
                application=application,
                reviewers=form.cleaned_data["reviewers"],
                assigned_by=request.user,
            ),
            done=lambda created: f"Assigned {len(created)} reviewer(s).",
            then=f"{application_detail_url(application.uuid)}#reviewers",
        )
    messages.error(request, "Choose at least one reviewer.")
    return redirect(f"{application_detail_url(application.uuid)}#reviewers")


def application_detail_url(uuid: object) -> str:
    return reverse("grants:application_detail", kwargs={"uuid": uuid})


@office_required
@require_POST
def assignment_remove_view(request: AuthedRequest, uuid: str) -> HttpResponse:
    assignment = get_object_or_404(
        ReviewAssignment.objects.select_related("application", "reviewer"), uuid=uuid
    )
    return post_action(
        request,
        lambda: assignment_remove(assignment=assignment, user=request.user),
        done=f"{assignment.reviewer} no longer reviews this application.",
        then=f"{application_detail_url(assignment.application.uuid)}#reviewers",
    )


@office_required
def application_decide_view(request: AuthedRequest, uuid: str) -> HttpResponse:
    application = _submitted_application(uuid)
    criteria, reviews = application_reviews(application)
    form = DecisionForm(request.POST or None, initial={"amount": application.requested_amount})
    if (
        request.method == "POST"
        and form.is_valid()
        and form_action(
            form,
            lambda: application_decide(
                application=application,
                user=request.user,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
                amount=form.cleaned_data["amount"],
            ),
        )
    ):
        messages.success(request, "Decision recorded.")
        return redirect("grants:round_detail", uuid=application.funding_round.uuid)
    return render(
        request,
        "grants/review_decide.html",
        {
            "application": application,
            "criteria": criteria,
            "reviews": reviews,
            "summary": application_scores([application]).get(application.pk, EMPTY),
            "form": form,
            "decidable": application.status in UNDER_REVIEW,
            "decisions": Decision,
        },
    )


# ---------------------------------------------------------------------------- the reviewer


@reviewer_required
def my_reviews(request: AuthedRequest) -> HttpResponse:
    assignments = ReviewAssignment.objects.filter(reviewer_id=request.user.pk).select_related(
        "application", "application__funding_round", "application__organisation"
    )
    return render(
        request,
        "grants/review_mine.html",
        {
            "waiting": [a for a in assignments if not a.submitted_at],
            "done": [a for a in assignments if a.submitted_at],
        },
    )


@reviewer_required
def review_detail(request: AuthedRequest, uuid: str) -> HttpResponse:
    assignment = get_assignment_for_reviewer(request, uuid)
    return _review_page(request, assignment)


def _review_page(
    request: HttpRequest,
    assignment: ReviewAssignment,
    conflict_form: ConflictForm | None = None,
    score_form: ScoreForm | None = None,
) -> HttpResponse:
    application = assignment.application
    criteria = list(application.funding_round.criteria.all())
    saved = {score.criterion_id: score for score in assignment.scores.all()}
    return render(
        request,
        "grants/review_detail.html",
        {
            "assignment": assignment,
            "application": application,
            # only what scoring needs, and only once the reviewer has declared no conflict: no
            # contact details or other records of the organisation
            "areas": application.areas.all() if assignment.may_score else [],
            "documents": application.documents.all() if assignment.may_score else [],
            "criteria": criteria,
            "saved": [(criterion, saved.get(criterion.pk)) for criterion in criteria],
            "conflict_form": conflict_form
            or ConflictForm(
                initial={
                    "has_conflict": {True: "yes", False: "no"}.get(assignment.has_conflict),  # type: ignore[arg-type]
                    "conflict_note": assignment.conflict_note,
                }
            ),
            "score_form": score_form or ScoreForm(criteria=criteria),
            "open": application.status in UNDER_REVIEW and not assignment.submitted_at,
        },
    )


@reviewer_required
@require_POST
def review_conflict(request: AuthedRequest, uuid: str) -> HttpResponse:
    assignment = get_assignment_for_reviewer(request, uuid)
    form = ConflictForm(request.POST)
    if form.is_valid() and form_action(
        form,
        lambda: conflict_declare(
            assignment=assignment,
            user=request.user,
            has_conflict=form.cleaned_data["has_conflict"],
            note=form.cleaned_data["conflict_note"],
        ),
    ):
        if form.cleaned_data["has_conflict"]:
            messages.success(
                request, "Conflict of interest recorded: you will not score this application."
            )
            return redirect("grants:my_reviews")
        messages.success(request, "No conflict recorded: you can now score the application.")
        return redirect("grants:review_detail", uuid=assignment.uuid)
    return _review_page(request, assignment, conflict_form=form)


@reviewer_required
@require_POST
def review_score(request: AuthedRequest, uuid: str) -> HttpResponse:
    assignment = get_assignment_for_reviewer(request, uuid)
    criteria = list(assignment.application.funding_round.criteria.all())
    form = ScoreForm(request.POST, criteria=criteria)
    if assignment.has_conflict:
        # checked before the form, so a conflicted reviewer is told why whatever they sent
        messages.error(
            request,
            "You declared a conflict of interest with this application: you cannot score it.",
        )
        return redirect("grants:review_detail", uuid=assignment.uuid)
    if form.is_valid() and form_action(
        form, lambda: review_submit(assignment=assignment, user=request.user, scores=form.scores())
    ):
        messages.success(request, "Your review is submitted. Thank you.")
        return redirect("grants:my_reviews")
    return _review_page(request, assignment, score_form=form)


@reviewer_required
def review_document(request: AuthedRequest, uuid: str, document_uuid: str) -> HttpResponse:
    assignment = get_assignment_for_reviewer(request, uuid)
    if not assignment.may_score:
        # declared a conflict, or not declared yet: the documents open only after a "no"
        raise Http404("Declare that you have no conflict of interest first.")
    return download(get_object_or_404(assignment.application.documents, uuid=document_uuid))


routes: list[URLPattern] = [
    path(
        "grants/applications/<uuid:uuid>/reviewers/", application_assign, name="application_assign"
    ),
    path(
        "grants/applications/<uuid:uuid>/decide/",
        application_decide_view,
        name="application_decide",
    ),
    path("grants/reviews/", my_reviews, name="my_reviews"),
    path("grants/reviews/<uuid:uuid>/", review_detail, name="review_detail"),
    path("grants/reviews/<uuid:uuid>/conflict/", review_conflict, name="review_conflict"),
    path("grants/reviews/<uuid:uuid>/score/", review_score, name="review_score"),
    path("grants/reviews/<uuid:uuid>/remove/", assignment_remove_view, name="assignment_remove"),
    path(
        "grants/reviews/<uuid:uuid>/documents/<uuid:document_uuid>/",
        review_document,
        name="review_document",
    ),
]
