from django.apps import AppConfig

from ovp.core.navigation import NavItem


class StakeholdersConfig(AppConfig):
    name = "stakeholders"
    verbose_name = "Stakeholders"
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
