from django.apps import AppConfig

from ovp.core.navigation import NavItem


class CoreConfig(AppConfig):
    """Besides the frame's own menu entries: every app's `public_models` (the models its
    public pages show) renew the cached public pages when one of their rows is saved or
    deleted, or a many-to-many link of theirs changes (ovp/core/public_cache.py)."""

    name = "ovp.core"
    label = "core"
    verbose_name = "Portal frame"
    nav_items = (
        NavItem("Office home", "core:office_home", ("admin", "staff")),
        NavItem("Board home", "core:board_home", ("board",)),
        NavItem("Scheduled jobs", "core:schedule", ("admin", "staff"), "Data"),
    )

    def ready(self) -> None:
        from django.apps import apps

        from ovp.core.public_cache import renew_on_change

        for config in apps.get_app_configs():
            for name in getattr(config, "public_models", ()):
                renew_on_change(config.get_model(name))
