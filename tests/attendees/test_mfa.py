import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from attendees.mfa import enrol_totp
from tests.totp import current_code

from ..factories import PASSWORD, CoordinatorFactory, TrainerFactory

pytestmark = pytest.mark.django_db


def _current_code(secret: str) -> str:

    return current_code(secret)


@pytest.mark.parametrize("factory", [TrainerFactory, CoordinatorFactory])
def test_staff_without_totp_must_enrol_first(client_for, factory):
    user = factory(mfa=False)
    response = client_for(user).get(reverse("dashboard"))
    assert response.status_code == 302
    # Enrolling starts with the link mailed to the account's address (attendees/mfa.py).
    assert response.url == reverse("two_factor_setup")


def test_staff_with_totp_reach_their_pages(client_for, coordinator):
    assert client_for(coordinator).get(reverse("dashboard")).status_code == 200


def test_officers_are_not_forced_to_enrol(client_for, officer):
    assert client_for(officer).get(reverse("dashboard")).status_code == 200


def test_staff_login_asks_for_a_totp_code(client):
    trainer = TrainerFactory(mfa=False)
    secret = enrol_totp(trainer)
    response = client.post(reverse("account_login"), {"login": trainer.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("mfa_authenticate")
    assert client.get(reverse("dashboard")).status_code == 302  # not signed in yet
    wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert wrong.status_code == 200
    response = client.post(reverse("mfa_authenticate"), {"code": _current_code(secret)})
    assert response.status_code == 302
    assert client.get(reverse("dashboard")).status_code == 200


def test_enrol_totp_is_idempotent(trainer):
    assert enrol_totp(trainer) == enrol_totp(trainer)


def test_seed_demo_prints_a_totp_secret_per_staff_login(capsys):
    call_command("seed_demo")
    first = capsys.readouterr().out
    call_command("seed_demo")
    second = capsys.readouterr().out
    staff_lines = [line for line in first.splitlines() if "@training.example.org" in line]
    assert staff_lines
    assert all(re.search(r"TOTP secret: [A-Z2-7]{32}", line) for line in staff_lines)
    officer_lines = [line for line in first.splitlines() if "@spf.example.sg" in line]
    assert officer_lines and "TOTP" not in officer_lines[0]
    assert first == second  # idempotent: same accounts, same secrets


def test_removing_totp_sends_staff_back_to_enrolment(client_for, trainer):
    from allauth.mfa.models import Authenticator
    from allauth.mfa.signals import authenticator_removed

    client = client_for(trainer)
    assert client.get(reverse("dashboard")).status_code == 200  # enrolment remembered
    totp = Authenticator.objects.get(user=trainer, type=Authenticator.Type.TOTP)
    request = type("R", (), {"session": client.session})()
    totp.delete()
    authenticator_removed.send(
        sender=Authenticator, request=request, user=trainer, authenticator=totp
    )
    request.session.save()
    response = client.get(reverse("dashboard"))
    assert response.url == reverse("two_factor_setup")
