from django.apps import AppConfig

from ovp.core.navigation import NavItem


class CoreConfig(AppConfig):
    name = "ovp.core"
    label = "core"
    verbose_name = "Portal frame"
    nav_items = (
        NavItem("Office home", "core:office_home", ("admin", "staff")),
        NavItem("Board home", "core:board_home", ("board",)),
        NavItem("Scheduled jobs", "core:schedule", ("admin", "staff"), "Data"),
    )
