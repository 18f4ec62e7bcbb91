"""The stakeholders app's URLs: each views module lists its own routes."""

from stakeholders.views import accountability, boards, community_input, public_input, registry

app_name = "stakeholders"

urlpatterns = [
    *registry.routes,
    *boards.routes,
    *accountability.routes,
    *community_input.routes,
]

# the public form, under /public/have-your-say/ (namespace public_input, ovp/urls.py)
public_input_urlpatterns = [*public_input.routes]
