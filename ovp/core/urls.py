from django.urls import path

from ovp.core import views

app_name = "core"

urlpatterns = [
    path("", views.root, name="root"),
    path("healthz/", views.healthz, name="healthz"),
    path("public/", views.public_index, name="public_index"),
    path("office/", views.office_home, name="office_home"),
    path("office/scorecard.json", views.scorecard_json, name="scorecard_json"),
    path("office/schedule/", views.schedule, name="schedule"),
    path("board/", views.board_home, name="board_home"),
]
