from django.apps import AppConfig

from ovp.core.navigation import NavItem


class AreasConfig(AppConfig):
    name = "ovp.areas"
    label = "areas"
    verbose_name = "Areas"
    nav_items = (NavItem("Areas", "areas:list", ("admin", "staff"), "Data"),)
