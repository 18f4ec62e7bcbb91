from django.urls import path

from inventory import views

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
]

# /public/programs/ (namespace public_programs): the public directory, no login
public_urlpatterns = [
    path("", views.public_program_list, name="list"),
    path("<uuid:uuid>/", views.public_program_detail, name="detail"),
]
