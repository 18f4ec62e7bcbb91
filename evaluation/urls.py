"""The evaluation app's URLs: each views module lists its own routes."""

from evaluation.views import assessments, runs

app_name = "evaluation"

urlpatterns = [
    *runs.routes,
    *assessments.routes,
]
