"""The demo city: a deterministic synthetic city that each app adds its own objects to.

An app contributes by defining `<app>/demo.py` with a function decorated `@demo_seeder`.
Seeders run in INSTALLED_APPS order (lower apps first), inside one transaction, and must
be idempotent: running the demo twice leaves the same city.
"""

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils.module_loading import autodiscover_modules

DEMO_SEED = 20_261_125


@dataclass
class DemoCity:
    log: Callable[[str], None] = print
    seed: int = DEMO_SEED
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # (email, password, role)

    def rng(self, purpose: str) -> random.Random:
        """A random generator of its own for each purpose, so seeders don't disturb each other."""
        return random.Random(f"{self.seed}:{purpose}")  # noqa: S311  # nosec B311  # synthetic data, not secrets


Seeder = Callable[[DemoCity], None]
_seeders: list[Seeder] = []


def demo_seeder(function: Seeder) -> Seeder:
    if function not in _seeders:
        _seeders.append(function)
    return function


def _app_position(seeder: Seeder) -> int:
    """Seeders run in INSTALLED_APPS order, whichever module was imported first."""
    config = apps.get_containing_app_config(seeder.__module__)
    return list(apps.get_app_configs()).index(config) if config else len(settings.INSTALLED_APPS)


def seed_demo_city(*, log: Callable[[str], None] = print) -> DemoCity:
    """Build (or rebuild in place) the demo city. Refuses where demo data is not allowed."""
    if not settings.OVP_DEMO_ALLOWED:
        raise ImproperlyConfigured("Demo data is not allowed with these settings (production).")
    autodiscover_modules("demo")
    city = DemoCity(log=log)
    with transaction.atomic():
        for seeder in sorted(_seeders, key=_app_position):
            seeder(city)
    return city
