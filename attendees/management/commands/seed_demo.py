from importlib import import_module
from importlib.util import find_spec

from django.core.management.base import BaseCommand
from django.db import transaction

# Each app seeds its own demo data, in dependency order; every seed() is idempotent.
DEMO_MODULES = [
    "attendees.demo",
    "workshops.demo_curriculum",
    "workshops.demo",
    "attendees.demo_registrations",
    "invites.demo",
    "attendance.demo",
]


class Command(BaseCommand):
    help = "Load the demo program (idempotent) and print the demo logins."

    @transaction.atomic
    def handle(self, *args, **options):
        logins = []
        for path in DEMO_MODULES:
            if find_spec(path) is None:
                continue
            logins += import_module(path).seed() or []
        self.stdout.write(
            self.style.SUCCESS("Demo data loaded. Demo logins (role, e-mail, password):")
        )
        for label, email, password, *extra in logins:
            line = f"  {label:<40} {email:<40} {password}"
            if extra:
                line += "  " + " ".join(extra)
            self.stdout.write(line)
