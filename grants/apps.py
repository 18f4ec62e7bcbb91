from django.apps import AppConfig

from ovp.core.navigation import NavItem
from ovp.core.panels import HomePanel

OFFICE = ("admin", "staff")


class GrantsConfig(AppConfig):
    name = "grants"
    verbose_name = "Grants"
    # what its public pages show: a change renews them (ovp/core/public_cache.py)
    public_models = ("Award",)
    scorecard = "grants.selectors.scorecard.scorecard_figures"
    nav_items = (
        NavItem("Funds and rounds", "grants:round_list", OFFICE, "Grants"),
        NavItem("Awards and payments", "grants:award_list", OFFICE, "Grants"),
        NavItem("Report compliance", "grants:compliance", OFFICE, "Grants"),
        NavItem("Program performance", "grants:performance", OFFICE, "Grants"),
        NavItem("Metric library", "grants:metric_library", OFFICE, "Grants"),
        NavItem("My reviews", "grants:my_reviews", (*OFFICE, "board"), "Grants"),
        NavItem("Funding and applications", "grants:my_applications", ("grantee",)),
        NavItem("Awards and reports", "grants:my_awards", ("grantee",), also=("/portal/reports/",)),
        NavItem("Performance", "grants:my_performance", ("grantee",)),
    )
    # on the grantee's and the board member's home pages (ovp.core.panels)
    home_panels = (
        HomePanel(
            "grants/panels/grantee.html", "grants.selectors.home.grantee_panel", ("grantee",)
        ),
        HomePanel("grants/panels/board.html", "grants.selectors.home.board_panel", ("board",)),
    )
