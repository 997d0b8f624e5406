"""Low-severity findings of the penetration test: each test states the rule that now holds."""

import datetime as dt
import io
import json
import zipfile

import pytest
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from django.urls import reverse
from django.utils import timezone

from attendees.models import Agency, OnboardingRequest, User
from attendees.models.access import AccessState
from tests.factories import PASSWORD, OfficerFactory, StaffFactory
from tests.signin import sign_in
from workshops.material_links import stamp_text

pytestmark = pytest.mark.django_db

WHEN = dt.datetime(2030, 5, 1, 9, 30, tzinfo=dt.UTC)


@pytest.fixture
def superuser_client(client):
    sign_in(client, StaffFactory(is_staff=True, is_superuser=True))
    return client


# --- the vetted name: typed by no one, and never replaced by an address ----------------------


def test_the_admin_shows_the_vetted_name_but_does_not_change_it(superuser_client, officer):
    url = reverse("admin:attendees_user_change", args=[officer.pk])
    page = superuser_client.get(url).content.decode()
    assert "Officer Alice" in page and 'name="vetted_name"' not in page
    response = superuser_client.post(
        url,
        {
            "email": officer.email,
            "full_name": officer.full_name,
            "time_zone": officer.time_zone,
            "language": officer.language,
            "is_active": "on",
            "vetted_name": "Director General Alice",
        },
    )
    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.vetted_name == "Officer Alice"


def test_the_admin_does_not_give_a_staff_member_a_vetted_name(superuser_client, trainer):
    url = reverse("admin:attendees_user_change", args=[trainer.pk])
    superuser_client.post(
        url,
        {
            "email": trainer.email,
            "full_name": trainer.full_name,
            "time_zone": trainer.time_zone,
            "language": trainer.language,
            "is_active": "on",
            "is_trainer": "on",
            "vetted_name": "Director General Tom",
        },
    )
    trainer.refresh_from_db()
    assert trainer.vetted_name == ""


def test_an_officer_without_a_vetted_name_is_stamped_with_a_placeholder(agency):
    officer = OfficerFactory(agency=agency, full_name="Director General X", vetted_name="")
    text = stamp_text(officer, WHEN)
    assert officer.email not in text and "Director General" not in text
    assert text.startswith("Name not vetted · ")


def test_staff_are_stamped_with_their_name_not_their_address(trainer):
    text = stamp_text(trainer, WHEN)
    assert trainer.email not in text
    assert text.startswith("Trainer Tom · ")


def test_the_profile_names_what_certificates_carry_without_the_address(client_for, agency):
    officer = OfficerFactory(agency=agency, full_name="Renamed Later", vetted_name="")
    User.objects.filter(pk=officer.pk).update(declined_name="")
    page = client_for(officer).get(reverse("profile")).content.decode()
    assert "Name not vetted" in page


# --- an address held by another account's unconfirmed sign-up --------------------------------


def _add_address(client, address: str):
    return client.post(reverse("account_email"), {"action_add": "", "email": address})


def _confirm(client, address: EmailAddress):
    key = EmailConfirmationHMAC(address).key
    return client.post(reverse("account_confirm_email", args=[key]), follow=True)


def test_confirming_an_address_another_sign_up_holds_is_refused_not_a_crash(
    client_for, officer, agency
):
    squatter = OfficerFactory(agency=agency, status=User.Status.UNCONFIRMED, vetted_at=None)
    EmailAddress.objects.create(user=squatter, email=squatter.email, verified=False, primary=True)
    client = client_for(officer)
    added = _add_address(client, squatter.email)
    assert added.status_code == 302
    response = _confirm(client, EmailAddress.objects.get(user=officer, email=squatter.email))
    assert response.status_code == 200
    assert "already confirmed by a different account" in response.content.decode()
    officer.refresh_from_db()
    squatter.refresh_from_db()
    assert officer.email != squatter.email
    assert not EmailAddress.objects.filter(user=officer, email=squatter.email, verified=True)
    assert squatter.status == User.Status.UNCONFIRMED


def test_adding_an_address_answers_alike_whoever_holds_it(client_for, officer, agency):
    """The add form reveals no account: a free address, one a sign-up holds and one confirmed
    by another account get the same answer (allauth's ACCOUNT_PREVENT_ENUMERATION)."""
    unconfirmed = OfficerFactory(agency=agency, status=User.Status.UNCONFIRMED, vetted_at=None)
    confirmed = OfficerFactory(agency=agency)
    assert EmailAddress.objects.get(email=confirmed.email).verified
    domain = officer.email.rsplit("@", 1)[1]
    client = client_for(officer)
    answers = {
        (response.status_code, response.get("Location"))
        for response in (
            _add_address(client, address)
            for address in (f"free@{domain}", unconfirmed.email, confirmed.email)
        )
    }
    assert answers == {(302, reverse("account_email"))}


def test_the_admin_creates_no_second_account_for_an_address_in_other_case(superuser_client):
    staff = StaffFactory(email="cara@program.example.org")
    response = superuser_client.post(
        reverse("admin:attendees_user_add"),
        {
            "email": "Cara@Program.Example.org",
            "full_name": "Cara Again",
            "password1": "A-long-enough-passphrase-1",
            "password2": "A-long-enough-passphrase-1",
        },
    )
    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    assert list(User.objects.filter(email__iexact=staff.email)) == [staff]


def test_the_admin_stores_a_new_staff_address_in_lower_case(superuser_client):
    response = superuser_client.post(
        reverse("admin:attendees_user_add"),
        {
            "email": "New.Trainer@Program.Example.org",
            "full_name": "New Trainer",
            "password1": "A-long-enough-passphrase-1",
            "password2": "A-long-enough-passphrase-1",
        },
    )
    assert response.status_code == 302
    assert User.objects.filter(email="new.trainer@program.example.org").exists()


# --- the site's own limits count an IPv6 client by its /64 ----------------------------------


def test_a_limit_key_groups_ipv6_by_64_and_logs_keep_the_address(rf):
    from trainingsite.ratelimit import client_ip, client_key

    def key_and_ip(address):
        request = rf.get("/", REMOTE_ADDR=address)
        return client_key(request), client_ip(request)

    assert key_and_ip("2001:db8:1:2:aaaa::1") == ("2001:db8:1:2::/64", "2001:db8:1:2:aaaa::1")
    assert key_and_ip("2001:db8:1:2:ffff:ffff:ffff:ffff")[0] == "2001:db8:1:2::/64"
    assert key_and_ip("2001:db8:1:3::1")[0] == "2001:db8:1:3::/64"
    assert key_and_ip("203.0.113.9") == ("203.0.113.9", "203.0.113.9")
    assert key_and_ip("::ffff:203.0.113.9")[0] == "203.0.113.9"


@pytest.mark.parametrize("limited", ["verify", "onboarding"])
def test_rotating_addresses_inside_one_ipv6_64_buys_no_attempts(settings, limited):
    from django.test import Client

    settings.CERTIFICATE_VERIFY_LIMIT = 2

    def hit(address):
        if limited == "verify":
            return Client().get(
                reverse("credentials:verify"),
                {"number": "CERT-AAAA-AAAA-AAAA-AAAA"},
                REMOTE_ADDR=address,
            )
        return Client().post(
            reverse("onboarding_request"),
            {"full_name": "A B", "email": "a@b.example", "agency_name": "X", "country": "KE"},
            REMOTE_ADDR=address,
        )

    for n in range(1, 7):
        hit(f"2001:db8:1:2::{n:x}")
    assert hit("2001:db8:1:2:dead:beef:0:1").status_code == 429
    assert hit("2001:db8:1:3::1").status_code != 429


# --- the admin's change lists answer absurd filters with a 400 --------------------------------

HUGE = "99999999999999999999999"


@pytest.mark.parametrize(
    ("changelist", "query"),
    [
        ("workshops_workshop", {"starts_at__year": HUGE}),  # the date drill-down
        ("workshops_workshop", {"starts_at__year__gt": HUGE}),
        ("workshops_workshop", {"registration_opens_at__year": HUGE}),
        ("attendees_user", {"date_joined__year": HUGE}),
        ("attendees_user", {"vetted_at__iso_year": "9999"}),
        ("attendees_user", {"last_login__year__lte": "0"}),
        ("audit_auditentry", {"created_at__year": "10000"}),
        ("attendees_vettingdecision", {"created_at__year__gte": f"-{HUGE}"}),
        ("attendees_onboardingrequest", {"handled_at__year": HUGE}),
        ("mfa_authenticator", {"created_at__year": HUGE}),
        ("attendees_agency", {"id__range": "2024"}),
        ("workshops_module", {"created_at__year__range": "2024,2025"}),
        ("attendees_user", {"full_name__regex": "("}),
        ("audit_auditentry", {"summary__iregex": "a{99999999999}"}),
    ],
)
def test_an_absurd_filter_is_refused_not_a_server_error(superuser_client, changelist, query):
    superuser_client.raise_request_exception = False
    response = superuser_client.get(reverse(f"admin:{changelist}_changelist"), query)
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("changelist", "query"),
    [
        ("workshops_workshop", {"starts_at__year": "2030"}),
        ("attendees_user", {"date_joined__year": "2030", "date_joined__month": "13"}),
        ("audit_auditentry", {"created_at__year__in": "2029,2030"}),
        ("attendees_user", {"full_name__icontains": "alice"}),
    ],
)
def test_sensible_filters_still_work(superuser_client, changelist, query):
    response = superuser_client.get(reverse(f"admin:{changelist}_changelist"), query)
    assert response.status_code == 200


# --- seeing and erasing one's data does not wait for vetting ---------------------------------


@pytest.fixture
def expired_officer(officer, settings):
    User.objects.filter(pk=officer.pk).update(
        vetted_at=timezone.now() - settings.VETTING_VALIDITY - dt.timedelta(days=1)
    )
    officer.refresh_from_db()
    assert officer.access_state == AccessState.EXPIRED
    return officer


@pytest.fixture
def withdrawn_agency_officer(officer):
    officer.agency.domains.all().delete()
    officer.refresh_from_db()
    assert officer.access_state == AccessState.AGENCY_REVOKED
    return officer


@pytest.mark.parametrize("who", ["pending_officer", "expired_officer", "withdrawn_agency_officer"])
def test_an_officer_without_access_sees_exports_and_erases_their_data(request, client_for, who):
    person = request.getfixturevalue(who)
    client = client_for(person)
    page = client.get(reverse("my_data"))
    assert page.status_code == 200 and "Erase my account" in page.content.decode()
    export = client.post(reverse("my_data_download"))
    assert export.status_code == 200 and export["Content-Type"] == "application/zip"
    data = json.loads(zipfile.ZipFile(io.BytesIO(export.content)).read("data.json"))
    assert data["profile"]["email"] == person.email
    # Still the password, counted toward the sign-in lockout.
    assert client.post(reverse("my_data_erase"), {"password": "wrong"}).status_code == 400
    assert User.objects.get(pk=person.pk).is_active
    assert client.post(reverse("my_data_erase"), {"password": PASSWORD}).status_code == 302
    assert User.objects.get(pk=person.pk).email == f"erased-{person.pk}@invalid"


def test_every_other_page_stays_closed_to_an_officer_without_access(client_for, pending_officer):
    client = client_for(pending_officer)
    for name in ("dashboard", "workshops:catalog", "registration:my_training"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and response["Location"] == reverse("access_status")
    assert "My data: download or erase" in client.get(reverse("access_status")).content.decode()


def test_the_data_pages_stay_an_officers_own(client_for, trainer):
    assert client_for(trainer).get(reverse("my_data")).status_code == 403
    assert client_for(trainer).post(reverse("my_data_download")).status_code == 403


# --- names hold no control or text-direction characters ----------------------------------------

HOSTILE_NAMES = [
    "Alice\nBcc: everyone",
    "Alice\tTan",
    "Alice\x1bTan",
    "Alice\x7fTan",
    "Alice\x85Tan",
    "Alice \u202eyeknom",
    "\u2066Director\u2069 Alice",
]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_the_profile_refuses_a_display_name_with_control_characters(client_for, officer, name):
    response = client_for(officer).post(
        reverse("profile"),
        {"full_name": name, "time_zone": "UTC", "language": "en"},
    )
    assert response.status_code == 200
    assert "cannot be part of a name" in response.content.decode()
    officer.refresh_from_db()
    assert officer.full_name == "Officer Alice"


def test_sign_up_refuses_a_name_with_control_characters(client, agency):
    email = f"new@{agency.domains.get().domain}"
    response = client.post(
        reverse("account_signup"),
        {
            "email": email,
            "password1": "a-Long-unusual-passphrase-42",
            "password2": "a-Long-unusual-passphrase-42",
            "full_name": "Nadia \u202eRahman",
            "time_zone": "UTC",
            "language": "en",
        },
    )
    assert response.status_code == 200
    assert "cannot be part of a name" in response.content.decode()
    assert not User.objects.filter(email=email).exists()


@pytest.mark.parametrize("field", ["full_name", "agency_name"])
def test_an_onboarding_request_refuses_names_with_control_characters(client, field):
    data = {"full_name": "A B", "email": "a@b.example", "agency_name": "X Police", "country": "KE"}
    response = client.post(reverse("onboarding_request"), {**data, field: "X\r\nPolice"})
    assert response.status_code == 200
    assert "cannot be part of a name" in response.content.decode()
    assert not OnboardingRequest.objects.exists()


def test_the_admin_refuses_an_agency_or_staff_name_with_control_characters(
    superuser_client, region
):
    response = superuser_client.post(
        reverse("admin:attendees_agency_add"),
        {
            "name": "Harbour\u202e Police",
            "country": "KE",
            "region": region.pk,
            "vetting_mode": "review",
            "domains-TOTAL_FORMS": "0",
            "domains-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "cannot be part of a name" in response.content.decode()
    assert not Agency.objects.exists()
    response = superuser_client.post(
        reverse("admin:attendees_user_add"),
        {
            "email": "staff@program.example.org",
            "full_name": "New\nTrainer",
            "password1": "A-long-enough-passphrase-1",
            "password2": "A-long-enough-passphrase-1",
        },
    )
    assert response.status_code == 200
    assert not User.objects.filter(email="staff@program.example.org").exists()


def test_every_name_field_uses_the_one_validator():
    from attendees.models import VettingDecision
    from attendees.validators import validate_name

    fields = [
        User._meta.get_field("full_name"),
        User._meta.get_field("vetted_name"),
        User._meta.get_field("declined_name"),
        VettingDecision._meta.get_field("name"),
        Agency._meta.get_field("name"),
        OnboardingRequest._meta.get_field("full_name"),
        OnboardingRequest._meta.get_field("agency_name"),
    ]
    assert all(validate_name in field.validators for field in fields)


def test_names_in_every_script_remain_welcome():
    from attendees.validators import validate_name

    for name in ["李小龙", "محمد بن سلمان", "Zoë O'Neil-Ångström", "Nguyễn Thị Minh Khai"]:
        validate_name(name)
