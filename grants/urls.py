"""The grants app's URLs: each views module lists its own routes."""

from grants.views import allocation, applications, awards, performance, reports, review, rounds

app_name = "grants"

urlpatterns = [
    *rounds.routes,
    *applications.routes,
    *review.routes,
    *allocation.routes,
    *awards.routes,
    *reports.routes,
    *performance.routes,
]
