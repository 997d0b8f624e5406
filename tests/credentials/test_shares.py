"""Share links: the holder shows their full name to one verifier, and takes it back."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from attendance.models import Certificate
from attendees.models import User
from audit.models import AuditEntry
from credentials.models import CredentialShare
from credentials.shares import ShareError, create_share, revoke_share
from tests.credentials.verifiable import track_certificate, workshop_certificate
from tests.factories import OfficerFactory
from trainingsite import when

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture
def certificate(officer, trainer):
    return workshop_certificate(officer, trainer)


@pytest.fixture
def share(certificate, officer):
    return create_share(holder=officer, certificate_id=certificate.pk, label="Acme HR", days=30)


def _create(client, certificate, **data):
    url = reverse("credentials:share_create", args=[certificate.pk])
    return client.post(url, {"label": "Acme HR", "expires": "30", **data})


def _revoke(client, share):
    return client.post(reverse("credentials:share_revoke", args=[share.pk]))


def _open(client, share_or_token, **headers):
    token = getattr(share_or_token, "token", share_or_token)
    return client.get(reverse("credentials:verify_shared", args=[token]), **headers)


# --- creating ----------------------------------------------------------------------------------


def test_holder_creates_a_link_for_30_days_by_default(client_for, officer, certificate):
    before = timezone.now()
    response = _create(client_for(officer), certificate)
    assert response.status_code == 302
    assert response["Location"].endswith(f"#certificate-{certificate.pk}")
    share = CredentialShare.objects.get()
    assert share.certificate == certificate and share.label == "Acme HR"
    assert before + dt.timedelta(days=30) <= share.expires_at
    assert share.expires_at <= timezone.now() + dt.timedelta(days=30)
    assert share.views == 0 and share.revoked_at is None


@pytest.mark.parametrize("choice, days", [("7", 7), ("90", 90), ("never", None)])
def test_holder_chooses_how_long_the_link_works(client_for, officer, certificate, choice, days):
    assert _create(client_for(officer), certificate, expires=choice).status_code == 302
    share = CredentialShare.objects.get()
    if days is None:
        assert share.expires_at is None
    else:
        assert share.expires_at.date() == (share.created_at + dt.timedelta(days=days)).date()


def test_creating_is_audited_without_the_token_or_whom_it_is_for(client_for, officer, certificate):
    _create(client_for(officer), certificate)
    share = CredentialShare.objects.get()
    entry = AuditEntry.objects.get(action="credential.shared")
    assert entry.actor == officer
    assert entry.target_type == "attendance.certificate"
    assert entry.target_id == str(certificate.pk)
    assert entry.data["share"] == share.pk
    # Whom the holder showed their name to is theirs: it goes with the link on erasure.
    assert "Acme HR" not in entry.summary and "Acme HR" not in str(entry.data)
    assert share.token not in entry.summary and share.token not in str(entry.data)


@pytest.mark.parametrize(
    "data",
    [{"label": ""}, {"label": "   "}, {"label": "x" * 121}, {"expires": "365"}, {"expires": ""}],
)
def test_bad_input_is_a_400_that_keeps_what_was_typed(client_for, officer, certificate, data):
    response = _create(client_for(officer), certificate, **data)
    assert response.status_code == 400
    assert not CredentialShare.objects.exists()
    assert "Share my full name" in response.content.decode()
    assert not AuditEntry.objects.filter(action="credential.shared").exists()


def test_the_longest_label_is_kept(client_for, officer, certificate):
    assert _create(client_for(officer), certificate, label="y" * 120).status_code == 302
    assert CredentialShare.objects.get().label == "y" * 120


def test_an_expired_certificate_cannot_be_shared(client_for, officer, certificate):
    Certificate.objects.filter(pk=certificate.pk).update(
        expires_at=timezone.now() - dt.timedelta(days=1)
    )
    response = _create(client_for(officer), certificate)
    assert response.status_code == 400
    assert "has expired" in response.content.decode()
    assert not CredentialShare.objects.exists()


def test_a_revoked_certificate_cannot_be_shared(client_for, officer, certificate):
    Certificate.objects.filter(pk=certificate.pk).update(revoked_at=timezone.now())
    assert _create(client_for(officer), certificate).status_code == 404
    assert not CredentialShare.objects.exists()


def test_only_the_holder_creates_links(
    client_for, certificate, agency, focal_point, coordinator, trainer, program_admin
):
    colleague = OfficerFactory(agency=agency)
    for user, status in [
        (colleague, 404),
        (focal_point, 404),
        (coordinator, 403),
        (trainer, 403),
        (program_admin, 403),
    ]:
        assert _create(client_for(user), certificate).status_code == status, user
    assert not CredentialShare.objects.exists()
    assert not AuditEntry.objects.filter(action="credential.shared").exists()


def test_creating_needs_a_post(client_for, officer, certificate):
    url = reverse("credentials:share_create", args=[certificate.pk])
    assert client_for(officer).get(url).status_code == 405


def test_create_share_service_finds_only_the_holders_valid_certificates(
    certificate, other_agency_officer
):
    with pytest.raises(ShareError):
        create_share(holder=other_agency_officer, certificate_id=certificate.pk, label="X", days=7)
    with pytest.raises(ShareError):
        create_share(holder=certificate.holder, certificate_id=certificate.pk, label="X", days=3)
    assert not CredentialShare.objects.exists()


# --- revoking ----------------------------------------------------------------------------------


def test_holder_revokes_a_link_and_it_stops_working(client_for, client, officer, share):
    response = _revoke(client_for(officer), share)
    assert response.status_code == 302
    share.refresh_from_db()
    assert share.revoked_at is not None
    entry = AuditEntry.objects.get(action="credential.share_revoked")
    assert entry.actor == officer and entry.target_id == str(share.certificate_id)
    assert share.token not in entry.summary and share.token not in str(entry.data)
    client.logout()
    assert _open(client, share).status_code == 404


def test_revoking_twice_records_it_once(client_for, officer, share):
    signed_in = client_for(officer)
    _revoke(signed_in, share)
    _revoke(signed_in, share)
    assert AuditEntry.objects.filter(action="credential.share_revoked").count() == 1


def test_only_the_holder_revokes_links(
    client_for, share, agency, focal_point, coordinator, trainer, other_agency_officer
):
    colleague = OfficerFactory(agency=agency)
    for user, status in [
        (colleague, 404),
        (focal_point, 404),
        (other_agency_officer, 404),
        (coordinator, 403),
        (trainer, 403),
    ]:
        assert _revoke(client_for(user), share).status_code == status, user
    share.refresh_from_db()
    assert share.revoked_at is None
    with pytest.raises(ShareError):
        revoke_share(holder=colleague, share_id=share.pk)
    assert not AuditEntry.objects.filter(action="credential.share_revoked").exists()


# --- the shared page ---------------------------------------------------------------------------


def test_the_link_shows_the_full_name_with_the_public_facts(client, share, officer):
    response = _open(client, share)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Officer Alice" in body
    assert "Valid certificate" in body and "Tracing Bitcoin" in body
    assert "Singapore" in body
    assert "This link was made by the holder for you; it works until" in body
    assert when.date(share.expires_at, long=True) in body
    assert "Agency A" not in body and officer.email not in body and "Inspector" not in body
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert response["Cache-Control"] == "no-store"
    assert response["Referrer-Policy"] == "no-referrer"


def test_a_link_without_expiry_works_until_revoked(client, officer, certificate):
    share = create_share(holder=officer, certificate_id=certificate.pk, label="HR", days=None)
    body = _open(client, share).content.decode()
    assert "it works until the holder revokes it." in body


def test_the_link_of_a_track_credential_lists_its_modules(client, officer):
    credential = track_certificate(officer, name="Blockchain forensics")
    share = create_share(holder=officer, certificate_id=credential.pk, label="HR", days=7)
    body = _open(client, share).content.decode()
    assert "Blockchain forensics" in body and "Officer Alice" in body
    assert "UTXO tracing" in body and ">5 h<" in body
    assert "UTXO" not in str(_open(client, share, **JSON).json())


def test_the_link_shows_the_vetted_name_never_the_display_name(client, officer, trainer):
    User.objects.filter(pk=officer.pk).update(vetted_name="Ana Bela Costa")
    officer.refresh_from_db()
    certificate = workshop_certificate(officer, trainer)
    User.objects.filter(pk=officer.pk).update(full_name="Director General Zed")
    share = create_share(holder=officer, certificate_id=certificate.pk, label="HR", days=7)
    body = _open(client, share).content.decode()
    assert "Ana Bela Costa" in body and "Director General" not in body


def test_a_holder_without_a_vetted_name_is_never_shown_by_address(client, officer, trainer):
    User.objects.filter(pk=officer.pk).update(vetted_name="")
    officer.refresh_from_db()
    certificate = workshop_certificate(officer, trainer)
    share = create_share(holder=officer, certificate_id=certificate.pk, label="HR", days=7)
    body = _open(client, share).content.decode()
    assert "Name not vetted" in body
    assert officer.email not in body and officer.email.split("@")[0] not in body


def test_views_are_counted_but_not_the_holders_own(client_for, client, officer, share):
    _open(client, share)
    _open(client, share)
    share.refresh_from_db()
    assert share.views == 2 and share.last_viewed_at is not None
    _open(client_for(officer), share)
    share.refresh_from_db()
    assert share.views == 2


def test_the_link_as_json_adds_the_name(client, share, settings):
    response = _open(client, share, **JSON)
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert not response.cookies
    data = response.json()
    assert data["holder"] == {"name": "Officer Alice", "initials": "O. A.", "agency_country": "SG"}
    assert data["status"] == "valid" and data["number"] == share.certificate.number
    assert data["issuer"]["name"] == settings.PROGRAM_NAME


def _gone(response) -> str:
    assert response.status_code == 404
    return response.content.decode()


@pytest.mark.parametrize("how", ["revoked", "expired", "unknown"])
def test_a_dead_link_is_one_404_that_reveals_nothing(client, share, certificate, how):
    token = share.token
    if how == "revoked":
        CredentialShare.objects.filter(pk=share.pk).update(revoked_at=timezone.now())
    elif how == "expired":
        past = timezone.now() - dt.timedelta(minutes=1)
        CredentialShare.objects.filter(pk=share.pk).update(expires_at=past)
    else:
        token = "A" * 32
    body = _gone(_open(client, token))
    assert "This link is no longer valid" in body
    for secret in ("Officer Alice", "O. A.", certificate.number, "Acme HR", "Tracing Bitcoin"):
        assert secret not in body
    assert _open(client, token, **JSON).json() == {"status": "unknown"}
    share.refresh_from_db()
    assert share.views == 0


def test_absurd_tokens_are_404(client):
    assert _gone(_open(client, "x" * 500))
    assert client.get("/verify/shared/%00/").status_code == 404


def test_a_revoked_certificate_shows_revoked_without_the_name(client, share, certificate):
    Certificate.objects.filter(pk=certificate.pk).update(revoked_at=timezone.now())
    body = _open(client, share).content.decode()
    assert "Revoked certificate" in body
    assert "Officer Alice" not in body
    assert "name" not in _open(client, share, **JSON).json()["holder"]


def test_an_expired_certificate_shows_expired_with_the_name(client, share, certificate):
    Certificate.objects.filter(pk=certificate.pk).update(
        expires_at=timezone.now() - dt.timedelta(days=1)
    )
    body = _open(client, share).content.decode()
    assert "Expired certificate" in body and "Officer Alice" in body


def test_links_are_rate_limited_with_the_numbers(client, share, certificate, settings):
    settings.CERTIFICATE_VERIFY_LIMIT = 2
    assert client.get(f"/verify/{certificate.number}/").status_code == 200
    assert _open(client, share).status_code == 200
    limited = _open(client, share)
    assert limited.status_code == 429 and "Officer Alice" not in limited.content.decode()
    assert limited["Retry-After"]
    assert _open(client, share, **JSON).status_code == 429
    share.refresh_from_db()
    assert share.views == 1


# --- the training record -----------------------------------------------------------------------


def test_the_record_lists_live_links_with_their_address_and_views(
    client_for, officer, share, certificate, settings
):
    CredentialShare.objects.filter(pk=share.pk).update(views=3, last_viewed_at=timezone.now())
    revoked = create_share(holder=officer, certificate_id=certificate.pk, label="Gone Ltd", days=7)
    revoke_share(holder=officer, share_id=revoked.pk)
    body = client_for(officer).get(reverse("attendance:training_record")).content.decode()
    url = settings.SITE_URL + reverse("credentials:verify_shared", args=[share.token])
    assert url in body and "Acme HR" in body and "viewed 3 times" in body
    assert reverse("credentials:share_revoke", args=[share.pk]) in body
    assert "Gone Ltd" not in body and revoked.token not in body
    assert reverse("credentials:share_create", args=[certificate.pk]) in body


def test_no_new_link_for_an_expired_certificate(client_for, officer, certificate):
    Certificate.objects.filter(pk=certificate.pk).update(
        expires_at=timezone.now() - dt.timedelta(days=1)
    )
    body = client_for(officer).get(reverse("attendance:training_record")).content.decode()
    assert "Expired on" in body
    assert reverse("credentials:share_create", args=[certificate.pk]) not in body
