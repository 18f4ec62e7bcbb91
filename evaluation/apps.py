from django.apps import AppConfig

from ovp.core.navigation import NavItem
from ovp.core.panels import HomePanel


class EvaluationConfig(AppConfig):
    name = "evaluation"
    verbose_name = "Evaluation"
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
