"""The grants app's URLs: each views module lists its own routes."""

from grants.views import (
    allocation,
    applications,
    awards,
    performance,
    public_funding,
    reports,
    review,
    rounds,
)

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

# /public/funding/ (namespace public_funding): no login
public_urlpatterns = [*public_funding.routes]
