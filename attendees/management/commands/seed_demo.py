from importlib import import_module

from django.core.management.base import BaseCommand
from django.db import transaction

# Each app seeds its own demo data, in dependency order; every seed() is idempotent.
DEMO_MODULES = [
    "attendees.demo",
    "workshops.demo_curriculum",
    "workshops.demo_questions",
    "workshops.demo",
    "registrations.demo",
    "assessments.demo",
    "assessments.demo_results",
    "attendance.demo",
    "credentials.demo",
    "surveys.demo",
    "api.demo",
    "webhooks.demo",
    # Last: every demo officer the modules above added gets a calendar feed.
    "invites.demo",
]


class Command(BaseCommand):
    help = "Load the demo program (idempotent) and print the demo logins."

    @transaction.atomic
    def handle(self, *args, **options):
        # One line per account: a later module may add extras (a TOTP secret) to an e-mail
        # an earlier one listed.
        logins: dict[str, list[str]] = {}
        for path in DEMO_MODULES:
            for label, email, password, *extra in import_module(path).seed() or []:
                logins.setdefault(email, [label, email, password]).extend(extra)
        self.stdout.write(
            self.style.SUCCESS("Demo data loaded. Demo logins (role, e-mail, password):")
        )
        for label, email, password, *extra in logins.values():
            line = f"  {label:<38} {email:<36} {password}  {' '.join(extra)}"
            self.stdout.write(line.rstrip())
