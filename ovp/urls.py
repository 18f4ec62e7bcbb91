from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from evaluation.urls import public_urlpatterns as public_assessment_urls
from grants.urls import public_urlpatterns as public_funding_urls
from inventory.urls import public_resource_urlpatterns as public_resource_urls
from inventory.urls import public_urlpatterns as public_program_urls
from ovp.incidents.urls import public_urlpatterns as public_incident_urls
from stakeholders.urls import public_input_urlpatterns

admin.site.site_header = f"OVP administration: {settings.OVP_OFFICE_NAME}"
admin.site.site_title = "OVP administration"

urlpatterns = [
    path("", include("ovp.core.urls")),
    path("accounts/", include("ovp.accounts.urls")),
    path("areas/", include("ovp.areas.urls")),
    path("incidents/", include("ovp.incidents.urls")),
    path("public/shootings/", include((public_incident_urls, "public"))),
    path("public/have-your-say/", include((public_input_urlpatterns, "public_input"))),
    path("public/programs/", include((public_program_urls, "public_programs"))),
    path("public/funding/", include((public_funding_urls, "public_funding"))),
    path("public/assessments/", include((public_assessment_urls, "public_assessments"))),
    path("", include("stakeholders.urls")),
    path("inventory/", include("inventory.urls")),
    path("public/resources/", include((public_resource_urls, "public_resources"))),
    path("", include("grants.urls")),
    path("evaluation/", include("evaluation.urls")),
    path("admin/", admin.site.urls),
]
