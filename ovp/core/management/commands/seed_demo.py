from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from ovp.accounts.demo import DEMO_LOGINS, DEMO_PASSWORD
from ovp.accounts.models import User
from ovp.core.demo import seed_demo_city


class Command(BaseCommand):
    requires_system_checks: list[str] = []  # data commands: the URLconf need not load
    help = "Build the deterministic demo city (areas, organisations, users, and each app's data)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing if the demo has been loaded before (used by `make run`)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.OVP_DEMO_ALLOWED:
            raise CommandError("Demo data is not allowed with these settings (production).")
        already = User.objects.filter(email=DEMO_LOGINS[0][0]).exists()
        if options["if_empty"] and already:
            self.stdout.write("Demo city already loaded.")
        else:
            try:
                seed_demo_city(log=self.stdout.write)
            except ImproperlyConfigured as error:
                raise CommandError(str(error)) from error
            self.stdout.write(self.style.SUCCESS("Demo city ready."))
        self.stdout.write(f"\nDemo logins (password {DEMO_PASSWORD}):")
        for email, role_label in DEMO_LOGINS:
            self.stdout.write(f"  {email:<22} {role_label}")
