from django.urls import path

from evaluation import views, views_assessments

app_name = "evaluation"

urlpatterns = [
    path("", views.run_list, name="run_list"),
    path("new/", views.run_create, name="run_create"),
    path("panel/", views.panel_upload, name="panel"),
    path("runs/<uuid:uuid>/", views.run_detail, name="run_detail"),
    path("runs/<uuid:uuid>/<slug:chart>.csv", views.run_chart_csv, name="run_chart_csv"),
    # needs assessments: the office
    path("assessments/", views_assessments.assessment_list, name="assessment_list"),
    path("assessments/new/", views_assessments.assessment_create, name="assessment_create"),
    path("assessments/<uuid:uuid>/", views_assessments.assessment_detail, name="assessment_detail"),
    path(
        "assessments/<uuid:uuid>/sections/<slug:key>/",
        views_assessments.assessment_section_edit,
        name="assessment_section_edit",
    ),
    path(
        "assessments/<uuid:uuid>/send/", views_assessments.assessment_send, name="assessment_send"
    ),
    path(
        "assessments/<uuid:uuid>/publish/",
        views_assessments.assessment_publish,
        name="assessment_publish",
    ),
    path(
        "assessments/<uuid:uuid>/comments/<uuid:comment>/answer/",
        views_assessments.assessment_comment_answer,
        name="assessment_comment_answer",
    ),
    # the office and the board's members
    path(
        "assessments/<uuid:uuid>/versions/<int:number>/",
        views_assessments.assessment_version,
        name="assessment_version",
    ),
    path(
        "assessments/<uuid:uuid>/print/",
        views_assessments.assessment_print,
        name="assessment_print",
    ),
    path("assessments/<uuid:uuid>/pdf/", views_assessments.assessment_pdf, name="assessment_pdf"),
    # the board's members
    path(
        "board/assessments/",
        views_assessments.board_assessment_list,
        name="board_assessment_list",
    ),
    path(
        "board/assessments/<uuid:uuid>/",
        views_assessments.board_assessment_detail,
        name="board_assessment_detail",
    ),
    path(
        "board/assessments/<uuid:uuid>/sections/<slug:key>/comment/",
        views_assessments.board_assessment_comment,
        name="board_assessment_comment",
    ),
    path(
        "board/assessments/<uuid:uuid>/decide/",
        views_assessments.board_assessment_decide,
        name="board_assessment_decide",
    ),
]
