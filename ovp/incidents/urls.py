from django.urls import path

from ovp.incidents import views

app_name = "incidents"

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/<slug:chart>.csv", views.dashboard_csv, name="dashboard_csv"),
    path("data/", views.imports, name="imports"),
    path("data/imports/<uuid:uuid>/", views.import_detail, name="import_detail"),
    path("data/imports/<uuid:uuid>/rejected.csv", views.import_rejected, name="import_rejected"),
]

public_urlpatterns = [
    path("", views.public_dashboard, name="public"),
    path("<slug:chart>.csv", views.public_csv, name="public_csv"),
]
