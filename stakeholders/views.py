from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ovp.accounts.permissions import grantee_required
from stakeholders.models import Organisation


@grantee_required
def grantee_home(request: HttpRequest) -> HttpResponse:
    organisations = Organisation.objects.for_member(request.user)
    return render(request, "stakeholders/grantee_home.html", {"organisations": organisations})
