from django.apps import AppConfig

from ovp.core.navigation import NavItem
from ovp.core.public import PublicPage


class IncidentsConfig(AppConfig):
    name = "ovp.incidents"
    label = "incidents"
    verbose_name = "Incident data"
    # on /public/ and in the bar anonymous visitors see (ovp/core/public.py)
    public_pages = (
        PublicPage(
            "public:public",
            "Shootings",
            "How many people were shot in the city this year, month by month and by area, "
            "published at the end of each quarter.",
            order=10,
        ),
    )
    scorecard = "ovp.incidents.targets.scorecard_figures"
    nav_items = (
        NavItem("Violence dashboard", "incidents:dashboard", ("admin", "staff")),
        NavItem("Incident data", "incidents:imports", ("admin", "staff"), "Data"),
    )
