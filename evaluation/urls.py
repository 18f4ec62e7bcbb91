"""The evaluation app's URLs: each views module lists its own routes."""

from evaluation.views import assessments, public, runs

app_name = "evaluation"

urlpatterns = [
    *runs.routes,
    *assessments.routes,
]

# /public/assessments/ (namespace public_assessments): no login
public_urlpatterns = [*public.routes]
