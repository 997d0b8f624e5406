"""The embedded default (`make run`: SQLite, eager Celery, no Redis) does what production does.

CI runs the suite on PostgreSQL, so SQL that only PostgreSQL knows (now(), unnest(), …) would
break `make run` unnoticed: this runs migrations, the demo data and a registration with its
e-mail and calendar invites on a fresh SQLite file, in a clean subprocess."""

import json

import pytest

from tests.test_settings import _run

SCRIPT = r"""
import json, django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
call_command("seed_demo", verbosity=0)
from django.test import Client
from django.utils import timezone
from attendees.models import User
from registrations.models import Registration
from invites.models import InviteDelivery
from workshops.models import Workshop

officer = User.objects.filter(agency__isnull=False, status="verified").order_by("pk").first()
now = timezone.now()
candidates = (
    Workshop.objects.filter(
        status="published", registration_opens_at__lte=now, registration_closes_at__gte=now,
        requires_approval=False, requires_nomination=False,
    )
    .exclude(registrations__officer=officer)
    .order_by("pk")
)
client = Client()
client.force_login(officer)
from django.contrib.messages import get_messages
said = []
for workshop in candidates:  # the demo officer's own workshops may clash with some
    response = client.post(f"/workshops/{workshop.pk}/register/", HTTP_HOST="127.0.0.1")
    said += [str(m) for m in get_messages(response.wsgi_request)]
    state = Registration.objects.filter(officer=officer, workshop=workshop).values_list(
        "state", flat=True).first()
    if state:
        break
invites = InviteDelivery.objects.filter(
    user=officer, session__workshop=workshop, sent_at__isnull=False
).count()
print(json.dumps({"status": response.status_code, "state": state, "said": said, "invites": invites,
                  "sessions": workshop.sessions.count()}))
"""


@pytest.mark.slow
def test_make_run_defaults_register_and_send_invites(tmp_path):
    result = _run(
        ["-c", SCRIPT],
        # `make run` with its database in the test's folder (a database URL alone turns DEBUG
        # off: the embedded default is asked for explicitly).
        DEBUG="1",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        MEDIA_ROOT=str(tmp_path / "media"),
    )
    assert result.returncode == 0, result.stderr[-3000:]
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out["status"] == 302
    assert out["state"] in {"confirmed", "waitlisted"}, out
    if out["state"] == "confirmed":
        assert out["invites"] == out["sessions"] > 0
