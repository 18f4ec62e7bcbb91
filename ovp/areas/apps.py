from django.apps import AppConfig

from ovp.core.navigation import NavItem


class AreasConfig(AppConfig):
    name = "ovp.areas"
    label = "areas"
    verbose_name = "Areas"
    # what its public pages show: a change renews them (ovp/core/public_cache.py)
    public_models = ("Area",)
    nav_items = (NavItem("Areas", "areas:list", ("admin", "staff"), "Data"),)
