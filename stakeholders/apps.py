from django.apps import AppConfig

from ovp.core.navigation import NavItem


class StakeholdersConfig(AppConfig):
    name = "stakeholders"
    verbose_name = "Stakeholders"
    nav_items = (NavItem("My organisations", "stakeholders:grantee_home", ("grantee",)),)
