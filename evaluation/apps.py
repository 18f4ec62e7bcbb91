from django.apps import AppConfig

from ovp.core.navigation import NavItem
from ovp.core.panels import HomePanel
from ovp.core.public import PublicPage


class EvaluationConfig(AppConfig):
    name = "evaluation"
    verbose_name = "Evaluation"
    # on /public/ and in the bar anonymous visitors see (ovp/core/public.py)
    public_pages = (
        PublicPage(
            "public_assessments:list",
            "Needs assessments",
            "The city's published needs assessments, reviewed by its advisory board, to read "
            "online or download as PDF.",
            order=40,
        ),
    )
    # what its public pages show: a change renews them (ovp/core/public_cache.py)
    public_models = ("NeedsAssessment", "AssessmentVersion")
    scorecard = "evaluation.selectors.runs.scorecard_figures"
    nav_items = (
        NavItem("Impact evaluations", "evaluation:run_list", ("admin", "staff"), "Evaluation"),
        NavItem("Evaluate a panel", "evaluation:panel", ("admin", "staff"), "Evaluation"),
        NavItem(
            "Needs assessments", "evaluation:assessment_list", ("admin", "staff"), "Evaluation"
        ),
        NavItem("Needs assessments", "evaluation:board_assessment_list", ("board",)),
    )
    home_panels = (
        HomePanel(
            "evaluation/panels/board.html",
            "evaluation.selectors.assessments.board_panel",
            ("board",),
        ),
    )
