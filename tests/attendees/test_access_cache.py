"""Cached access facts (attendees/access_cache.py): warm caches never outlive a revocation."""

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from attendees import access_cache
from attendees.access import AccessState
from attendees.models import User
from tests.factories import RegionFactory
from tests.signin import sign_in

pytestmark = pytest.mark.django_db

PAGE = reverse("registration:my_training")


def _client(user) -> Client:
    client = Client()
    sign_in(client, user)
    return client


def _warm(client) -> None:
    """One page view, so the officer's agency domain and the coordinator list are cached."""
    assert client.get(PAGE).status_code == 200


def _queries_on(table: str, client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        client.get(PAGE)
    return sum(f'"{table}"' in q["sql"] for q in ctx.captured_queries)


def test_warm_request_reads_no_domains_or_regions(officer):
    client = _client(officer)
    _warm(client)
    assert _queries_on("attendees_agencydomain", client) == 0
    assert _queries_on("attendees_user_coordinated_regions", client) == 0


def test_agency_suspension_revokes_a_warm_officer_on_the_next_request(
    client_for, coordinator, agency, officer
):
    client = _client(officer)
    _warm(client)
    client_for(coordinator).post(reverse("agency_status", args=[agency.pk]), {"reason": "MoU"})
    assert client.get(PAGE).url == reverse("access_status")
    client_for(coordinator).post(reverse("agency_status", args=[agency.pk]), {"reason": ""})
    assert client.get(PAGE).status_code == 200


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
    """The cached coordinator list is refreshed when someone is given a region."""
    client = _client(trainer)
    assert client.get(reverse("vetting_queue")).status_code == 403
    trainer.coordinated_regions.add(RegionFactory())
    assert client.get(reverse("vetting_queue")).status_code == 200


def test_change_inside_a_transaction_invalidates_again_after_commit(
    officer, django_capture_on_commit_callbacks
):
    """A request between the change and its commit may cache what it read before the commit;
    the second invalidation, on commit, discards it."""
    fresh = User.objects.get(pk=officer.pk)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        with transaction.atomic():
            officer.agency.save()
            access_cache.facts_for(fresh)  # a reader that caches (here: the same state)
            cached = access_cache.cache.get(access_cache.GENERATION_KEY)
    assert len(callbacks) == 1
    callbacks[0]()
    assert access_cache.cache.get(access_cache.GENERATION_KEY) != cached


def test_unreachable_cache_falls_back_to_the_database(officer, agency, dead_cache):
    assert User.objects.get(pk=officer.pk).access_state == AccessState.OK
    agency.is_active = False
    agency.save()  # the invalidation fails (logged); the database still answers
    assert User.objects.get(pk=officer.pk).access_state == AccessState.AGENCY_REVOKED
