"""What the stakeholders' pages share: the check of pages a board member may open too, and
the page of a form."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ovp.accounts.models import OFFICE_ROLES, Role
from ovp.accounts.permissions import role_required

# pages a board member may open too; the scoped selectors narrow what they find (else 404)
office_or_board_required = role_required(*OFFICE_ROLES, Role.BOARD)


def _form_page(
    request: HttpRequest, form: Any, *, title: str, back_url: str, back_label: str, intro: str = ""
) -> HttpResponse:
    return render(
        request,
        "stakeholders/form.html",
        {
            "form": form,
            "title": title,
            "intro": intro,
            "back_url": back_url,
            "back_label": back_label,
        },
    )
