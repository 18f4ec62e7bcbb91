from django.urls import path

from inventory import views
from inventory.resources.views import urlpatterns as resource_urls

app_name = "inventory"

urlpatterns = [
    path("", views.program_list, name="program_list"),
    path("programs/new/", views.program_edit, name="program_create"),
    path("programs/<uuid:uuid>/", views.program_detail, name="program_detail"),
    path("programs/<uuid:uuid>/edit/", views.program_edit, name="program_edit"),
    path("programs/<uuid:uuid>/history/", views.program_history, name="program_history"),
    path("survey/template.csv", views.survey_template, name="survey_template"),
    path("survey/", views.survey_upload, name="survey_upload"),
    path("proposals/", views.proposals, name="proposals"),
    path("proposals/<uuid:uuid>/", views.proposal_detail, name="proposal_detail"),
    path("gaps/", views.gaps, name="gaps"),
    path("mine/", views.my_programs, name="my_programs"),
    path("mine/<uuid:uuid>/propose/", views.propose_update, name="propose_update"),
    *resource_urls,
    path("campaigns/", views.campaign_list, name="campaign_list"),
    path("campaigns/new/", views.campaign_edit, name="campaign_create"),
    path("campaigns/<uuid:uuid>/", views.campaign_detail, name="campaign_detail"),
    path("campaigns/<uuid:uuid>/edit/", views.campaign_edit, name="campaign_edit"),
    path(
        "campaigns/<uuid:uuid>/outputs/new/", views.campaign_output_log, name="campaign_output_log"
    ),
    path(
        "campaigns/<uuid:uuid>/spending/new/",
        views.campaign_spending_log,
        name="campaign_spending_log",
    ),
    path(
        "campaigns/outputs/<uuid:uuid>/delete/",
        views.campaign_output_delete,
        name="campaign_output_delete",
    ),
    path(
        "campaigns/spending/<uuid:uuid>/delete/",
        views.campaign_spending_delete,
        name="campaign_spending_delete",
    ),
]

# /public/programs/ (namespace public_programs): the public directory, no login
public_urlpatterns = [
    path("", views.public_program_list, name="list"),
    path("<uuid:uuid>/", views.public_program_detail, name="detail"),
]
