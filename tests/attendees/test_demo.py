import pytest
from django.core.management import call_command

from attendees import demo
from attendees.models import Agency, AgencyDomain, AgencyRequest, Region, User
from attendees.models.access import AccessState

pytestmark = pytest.mark.django_db


def _snapshot():
    users = User.objects.order_by("email").values_list(
        "email", "status", "vetted_at", "password", "is_focal_point", "agency_id"
    )
    return (
        list(users),
        list(Agency.objects.order_by("pk").values_list("pk", "name", "vetting_mode")),
        list(AgencyDomain.objects.order_by("pk").values_list("pk", "domain", "agency_id")),
        Region.objects.count(),
    )


def test_seed_is_idempotent():
    demo.seed()
    first = _snapshot()
    demo.seed()
    assert _snapshot() == first


def test_demo_covers_every_role_and_state():
    demo.seed()
    by_email = {u.email: u for u in User.objects.all()}
    assert by_email["pending@politie.example.nl"].access_state == AccessState.PENDING
    assert by_email["unconfirmed@spf.example.sg"].access_state == AccessState.UNCONFIRMED
    assert by_email["suspended@pj.example.pt"].access_state == AccessState.SUSPENDED
    assert by_email["officer@pf.example.br"].agency.region.slug == "americas"
    assert by_email["officer@pf.example.br"].has_program_access
    assert User.objects.filter(is_focal_point=True).count() == 2
    assert Region.objects.count() == 3 and Agency.objects.count() >= 10


def test_seed_demo_prints_one_line_per_account(capsys):
    call_command("seed_demo")
    out = capsys.readouterr().out
    for label, email, password, *_extra in demo.seed():
        assert any(
            label in line and email in line and password in line for line in out.splitlines()
        )


def test_demo_focal_points_have_profile_requests():
    demo.seed()
    demo.seed()
    requests = AgencyRequest.objects.select_related("requested_by", "decided_by", "officer")
    dutch = requests.filter(requested_by__email="focal@politie.example.nl")
    assert [(r.kind, r.status) for r in dutch] == [("add_domain", "pending")]
    singapore = {r.kind: r for r in requests.filter(requested_by__email="focal@spf.example.sg")}
    assert singapore["vetting_mode"].status == "approved"
    assert singapore["vetting_mode"].decided_by.email == "coord.apac@training.example.org"
    assert singapore["add_focal"].status == "pending"
    assert singapore["add_focal"].officer.email == "officer@spf.example.sg"
    assert AgencyRequest.objects.count() == 3
