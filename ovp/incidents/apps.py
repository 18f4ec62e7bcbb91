from django.apps import AppConfig

from ovp.core.navigation import NavItem


class IncidentsConfig(AppConfig):
    name = "ovp.incidents"
    label = "incidents"
    verbose_name = "Incident data"
    scorecard = "ovp.incidents.targets.scorecard_figures"
    nav_items = (
        NavItem("Violence dashboard", "incidents:dashboard", ("admin", "staff")),
        NavItem("Incident data", "incidents:imports", ("admin", "staff"), "Data"),
    )
