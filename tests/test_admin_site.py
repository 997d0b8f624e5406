"""Django's admin as the site configures it (trainingsite/admin_site.py, attendees/admin.py)."""

import pytest
from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.urls import reverse

from attendees.models import Region
from tests.factories import RegionFactory, StaffFactory
from tests.signin import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client):
    sign_in(client, StaffFactory(is_staff=True, is_superuser=True))
    return client


def test_the_site_is_ours():
    from trainingsite.admin_site import AdminSite

    assert isinstance(admin.site, AdminSite)


def test_a_nul_character_is_refused_not_sent_to_the_database(superuser_client):
    url = reverse("admin:invites_invitedelivery_changelist")
    response = superuser_client.get(url, {"method__exact": "a\x00b"})
    assert response.status_code == 400
    assert "NUL" in response.content.decode()
    assert superuser_client.get(url, {"method__exact": "REQUEST"}).status_code == 200


def test_an_action_on_ids_that_are_not_ids_is_refused(superuser_client):
    region = RegionFactory()
    url = reverse("admin:attendees_region_changelist")
    for bogus in ["", "x", "1.5"]:
        response = superuser_client.post(
            url, {"action": "delete_selected", "_selected_action": [str(region.pk), bogus]}
        )
        assert response.status_code == 400, bogus
    assert Region.objects.filter(pk=region.pk).exists()
    # Real ids reach Django's confirmation page.
    response = superuser_client.post(
        url, {"action": "delete_selected", "_selected_action": [str(region.pk)]}
    )
    assert response.status_code == 200 and "Are you sure" in response.content.decode()


def test_authenticators_are_listed_without_their_secrets_and_cannot_be_edited(
    superuser_client,
):
    staff = StaffFactory()  # TOTP enrolled
    authenticator = Authenticator.objects.get(user=staff, type=Authenticator.Type.TOTP)
    secret = authenticator.data["secret"]
    change = reverse("admin:mfa_authenticator_change", args=[authenticator.pk])
    page = superuser_client.get(change)
    assert page.status_code == 200
    assert secret not in page.content.decode()
    assert superuser_client.get(reverse("admin:mfa_authenticator_add")).status_code == 403
    posted = superuser_client.post(change, {"type": "webauthn", "data": "{}"})
    assert posted.status_code == 403
    authenticator.refresh_from_db()
    assert authenticator.type == Authenticator.Type.TOTP
    # Deleting one (a lost phone) stays possible.
    delete = reverse("admin:mfa_authenticator_delete", args=[authenticator.pk])
    assert superuser_client.post(delete, {"post": "yes"}).status_code == 302
    # Its recovery codes go with it: they alone would still ask for a second factor.
    assert not Authenticator.objects.filter(user=staff).exists()


def test_deleting_one_of_two_authenticators_keeps_the_recovery_codes(superuser_client):
    staff = StaffFactory()
    totp = Authenticator.objects.get(user=staff, type=Authenticator.Type.TOTP)
    Authenticator.objects.create(user=staff, type=Authenticator.Type.WEBAUTHN, data={})
    changelist = reverse("admin:mfa_authenticator_changelist")
    response = superuser_client.post(
        changelist,
        {"action": "delete_selected", "_selected_action": [str(totp.pk)], "post": "yes"},
    )
    assert response.status_code == 302
    left = set(Authenticator.objects.filter(user=staff).values_list("type", flat=True))
    assert left == {Authenticator.Type.WEBAUTHN, Authenticator.Type.RECOVERY_CODES}


def test_certificates_are_not_added_or_deleted_by_hand(superuser_client):
    assert superuser_client.get(reverse("admin:attendance_certificate_add")).status_code == 403
    response = superuser_client.post(reverse("admin:attendance_certificate_add"), {"_save": ""})
    assert response.status_code == 403


def test_signed_out_visitors_are_sent_to_sign_in_whatever_they_send(client):
    url = reverse("admin:invites_invitedelivery_changelist")
    response = client.get(url, {"method__exact": "a\x00b"})
    assert response.status_code == 302 and "login" in response["Location"]


def test_vetting_decisions_are_not_written_by_hand(superuser_client):
    assert superuser_client.get(reverse("admin:attendees_vettingdecision_add")).status_code == 403
    changelist = superuser_client.get(reverse("admin:attendees_vettingdecision_changelist"))
    assert changelist.status_code == 200
