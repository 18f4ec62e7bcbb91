from django.apps import AppConfig

from ovp.core.navigation import NavItem


class InventoryConfig(AppConfig):
    name = "inventory"
    verbose_name = "Program inventory"
    # what its public pages show: a change renews them (ovp/core/public_cache.py)
    public_models = ("Program", "ServiceArea", "Resource", "ResourceVersion")
    nav_items = (
        NavItem("Inventory", "inventory:program_list", ("admin", "staff"), "Programs"),
        NavItem("Campaigns", "inventory:campaign_list", ("admin", "staff"), "Programs"),
        NavItem("Strengths and gaps", "inventory:gaps", ("admin", "staff"), "Programs"),
        NavItem("Resource library", "inventory:resource_list", ("admin", "staff"), "Programs"),
        NavItem("My programs", "inventory:my_programs", ("grantee",)),
        NavItem("Resources", "inventory:library", ("grantee", "board")),
    )
