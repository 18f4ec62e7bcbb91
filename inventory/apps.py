from django.apps import AppConfig

from ovp.core.navigation import NavItem
from ovp.core.public import PublicPage


class InventoryConfig(AppConfig):
    name = "inventory"
    verbose_name = "Program inventory"
    # on /public/ and in the bar anonymous visitors see (ovp/core/public.py)
    public_pages = (
        PublicPage(
            "public_programs:list",
            "Programs",
            "Prevention programs that chose to be listed: what they offer, who can take part, the "
            "areas they work in and how to reach them.",
            order=20,
        ),
        PublicPage(
            "public_resources:list",
            "Resources",
            "The office's guides, toolkits and flyers for residents, free to read and download.",
            order=50,
        ),
    )
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
