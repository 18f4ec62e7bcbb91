from django.urls import path

from ovp.incidents import views

app_name = "incidents"

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/<slug:chart>.csv", views.dashboard_csv, name="dashboard_csv"),
    path("targets/", views.targets, name="targets"),
    path("targets/<int:pk>/delete/", views.target_delete, name="target_delete"),
    path("data/", views.imports, name="imports"),
    path("data/imports/<uuid:uuid>/", views.import_detail, name="import_detail"),
    path("data/imports/<uuid:uuid>/rejected.csv", views.import_rejected, name="import_rejected"),
    path("data/sources/", views.sources, name="sources"),
    path("data/sources/new/", views.source_edit, name="source_new"),
    path("data/sources/<uuid:uuid>/", views.source_edit, name="source_edit"),
    path("data/sources/<uuid:uuid>/pull/", views.source_pull, name="source_pull"),
    path("data/mapping/", views.mapping_builder, name="mapping_builder"),
    path("data/mapping/mapping.json", views.mapping_download, name="mapping_download"),
    path("data/mapping/reset/", views.mapping_reset, name="mapping_reset"),
]

public_urlpatterns = [
    path("", views.public_dashboard, name="public"),
    path("<slug:chart>.csv", views.public_csv, name="public_csv"),
]
