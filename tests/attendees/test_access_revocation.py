"""Access is computed on every request: suspending an agency, removing a domain or giving
someone a region takes effect on the next request of a signed-in user, whatever wrote it."""

import pytest
from django.test import Client
from django.urls import reverse

from attendees.models import Agency, User
from tests.factories import RegionFactory
from tests.signin import sign_in

pytestmark = pytest.mark.django_db

PAGE = reverse("registration:my_training")


def _client(user) -> Client:
    client = Client()
    sign_in(client, user)
    return client


def _warm(client) -> None:
    """One page view first: nothing read on it may outlive a revocation."""
    assert client.get(PAGE).status_code == 200


def test_agency_suspension_revokes_a_warm_officer_on_the_next_request(
    client_for, coordinator, agency, officer
):
    client = _client(officer)
    _warm(client)
    client_for(coordinator).post(reverse("agency_status", args=[agency.pk]), {"reason": "MoU"})
    assert client.get(PAGE).url == reverse("access_status")
    client_for(coordinator).post(reverse("agency_status", args=[agency.pk]), {"reason": ""})
    assert client.get(PAGE).status_code == 200


def test_agency_suspended_by_a_bulk_update_revokes_on_the_next_request(agency, officer):
    client = _client(officer)
    _warm(client)
    Agency.objects.filter(pk=agency.pk).update(is_active=False)  # no signal, no service
    assert client.get(PAGE).url == reverse("access_status")


def test_domain_removal_revokes_a_warm_officer_on_the_next_request(
    client_for, coordinator, agency, officer
):
    client = _client(officer)
    _warm(client)
    domain = agency.domains.get()
    client_for(coordinator).post(reverse("agency_domain_remove", args=[agency.pk, domain.pk]))
    assert client.get(PAGE).url == reverse("access_status")


def test_user_suspension_is_never_cached(officer):
    client = _client(officer)
    _warm(client)
    User.objects.filter(pk=officer.pk).update(status=User.Status.SUSPENDED)
    response = client.get(PAGE)
    assert response.url == reverse("account_login")
    assert "_auth_user_id" not in client.session


def test_new_coordinator_region_is_seen_on_the_next_request(officer, trainer):
    client = _client(trainer)
    assert client.get(reverse("vetting_queue")).status_code == 403
    trainer.coordinated_regions.add(RegionFactory())
    assert client.get(reverse("vetting_queue")).status_code == 200
