from django.apps import AppConfig

from ovp.core.navigation import NavItem
from ovp.core.public import PublicPage


class StakeholdersConfig(AppConfig):
    name = "stakeholders"
    verbose_name = "Stakeholders"
    # on /public/ and in the bar anonymous visitors see (ovp/core/public.py)
    public_pages = (
        PublicPage(
            "public_input:have_your_say",
            "Have your say",
            "Tell the office what your area needs, without giving your name. Staff read every "
            "comment, and what residents say counts in the next needs assessment.",
            order=60,
        ),
    )
    # what its public pages show: a change renews them (ovp/core/public_cache.py)
    public_models = ("Organisation",)
    scorecard = "stakeholders.selectors.scorecard_figures"
    nav_items = (
        NavItem("My organisations", "stakeholders:grantee_home", ("grantee",)),
        NavItem("Registry", "stakeholders:organisation_list", ("admin", "staff"), "Partners"),
        NavItem("Accountability", "stakeholders:accountability", ("admin", "staff"), "Partners"),
        NavItem(
            "Community input",
            "stakeholders:community_input_queue",
            ("admin", "staff"),
            "Partners",
        ),
        NavItem("My boards", "stakeholders:board_list", ("board",)),
    )
