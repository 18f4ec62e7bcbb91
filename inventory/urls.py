"""The inventory app's URLs: each views module lists its own routes."""

from inventory.views import (
    campaigns,
    gaps,
    programs,
    public_programs,
    public_resources,
    resources,
)

app_name = "inventory"

urlpatterns = [
    *programs.routes,
    *gaps.routes,
    *resources.routes,
    *campaigns.routes,
]

# /public/programs/ (namespace public_programs): the public directory, no login
public_urlpatterns = [*public_programs.routes]

# /public/resources/ (namespace public_resources): the library's public pages, no login
public_resource_urlpatterns = [*public_resources.routes]
