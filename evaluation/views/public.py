"""The public needs assessments (/public/assessments/, no login): each published assessment's
published version in its public edition (small counts hidden, programs outside the public
directory not named: evaluation/figures/public_edition.py), as the printable view shows it
and as its PDF. Anything else (a draft, one
under review or sent back, a version sent for review) answers 404."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path, reverse

from evaluation.selectors.assessments import (
    get_published_assessment,
    public_sections,
    published_assessments,
)
from evaluation.views.assessments import printed_pdf, shown_sections
from ovp.core.public_cache import public_page


@public_page
def assessment_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "evaluation/public_assessment_list.html", {"published": published_assessments()}
    )


def _printed(uuid: str) -> dict[str, object]:
    published = get_published_assessment(uuid)
    return {
        "assessment": published.assessment,
        "version": published.version,
        "sections": shown_sections(public_sections(published.version)),
        "printed_at": None,  # the page is the same for every visitor, whenever they ask
        "pdf_url": reverse("public_assessments:pdf", args=[published.assessment.uuid]),
        "back_url": reverse("public_assessments:list"),
        "public_threshold": settings.OVP_SUPPRESSION_THRESHOLD,
    }


@public_page
def assessment_detail(request: HttpRequest, uuid: str) -> HttpResponse:
    return render(request, "evaluation/assessment_print.html", _printed(uuid))


@public_page
def assessment_pdf(request: HttpRequest, uuid: str) -> HttpResponse:
    return printed_pdf(request, _printed(uuid))


routes: list[URLPattern] = [
    path("", assessment_list, name="list"),
    path("<uuid:uuid>/", assessment_detail, name="detail"),
    path("<uuid:uuid>/pdf/", assessment_pdf, name="pdf"),
]
