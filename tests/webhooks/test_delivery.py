"""Sending: signed as documented, retried with backoff, redirects not followed, at least once
with one event id."""

import datetime as dt
import json
import time

import pytest
from django.utils import timezone

from audit.models import AuditEntry
from webhooks import sending, signing
from webhooks.models import Delivery, Event, EventType
from webhooks.services import redeliver

pytestmark = pytest.mark.django_db


@pytest.fixture
def delivery(receiver, coordinator, make_endpoint):
    endpoint = make_endpoint(coordinator, url=receiver.url, secret="whsec_s3cret")
    event = Event.objects.create(
        type=EventType.REGISTRATION_CHANGED,
        data={
            "registration_id": 7,
            "workshop_id": 3,
            "officer_id": 11,
            "from_state": "pending",
            "to_state": "confirmed",
        },
        region_id=1,
        agency_ids=[2],
        created_at=dt.datetime(2026, 12, 3, 9, 30, tzinfo=dt.UTC),
    )
    return Delivery.objects.create(endpoint=endpoint, event=event)


def _due_now(delivery):
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())


def test_a_delivery_is_signed_and_verified_by_an_independent_receiver(receiver, delivery, settings):
    before = int(time.time())
    assert sending.deliver(delivery.pk) is True
    (request,) = receiver.requests
    assert receiver.verifies(request, "whsec_s3cret")
    assert not receiver.verifies(request, "whsec_other")
    headers = request["headers"]
    assert headers["Content-Type"] == "application/json"
    assert headers["Webhook-Id"] == str(delivery.event.event_id)
    assert before <= int(headers["Webhook-Timestamp"]) <= int(time.time())
    assert request["path"] == "/hook?src=test"
    assert json.loads(request["body"]) == {
        "id": str(delivery.event.event_id),
        "type": "registration.changed",
        "created": "2026-12-03T09:30:00Z",
        "data": {
            "registration_id": 7,
            "workshop_id": 3,
            "officer_id": 11,
            "from_state": "pending",
            "to_state": "confirmed",
        },
        "links": {
            "registration": f"{settings.SITE_URL}/api/v1/registrations/7/",
            "workshop": f"{settings.SITE_URL}/api/v1/workshops/3/",
        },
    }
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_status) == ("delivered", 1, 200)
    assert delivery.response_excerpt == "ok"
    assert delivery.delivered_at is not None


def test_the_documented_check_accepts_fresh_and_refuses_stale_or_tampered(receiver, delivery):
    sending.deliver(delivery.pk)
    (request,) = receiver.requests
    headers, body = request["headers"], request["body"]
    sent = int(headers["Webhook-Timestamp"])
    check = dict(
        secret="whsec_s3cret", timestamp=str(sent), signature_header=headers["Webhook-Signature"]
    )
    assert signing.verify(body=body, now=sent + 60, **check)
    assert not signing.verify(body=body, now=sent + 301, **check)  # a replay, 5 minutes on
    assert not signing.verify(body=body + b" ", now=sent, **check)


def test_a_failing_receiver_is_retried_with_backoff_until_it_answers(receiver, delivery, settings):
    settings.WEBHOOK_RETRY_SECONDS = 60
    receiver.answers = [(500, b"database down", {}), (503, b"busy", {}), (200, b"thanks", {})]
    start = timezone.now()
    assert sending.deliver(delivery.pk) is False
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_status) == ("pending", 1, 500)
    assert delivery.response_excerpt == "database down"
    assert "500" in delivery.last_error
    first_wait = delivery.next_attempt_at - start
    assert dt.timedelta(seconds=60) <= first_wait <= dt.timedelta(seconds=76)
    # Not due yet: nothing sent.
    assert sending.deliver(delivery.pk) is False
    assert len(receiver.requests) == 1

    _due_now(delivery)
    start = timezone.now()
    assert sending.deliver(delivery.pk) is False
    delivery.refresh_from_db()
    second_wait = delivery.next_attempt_at - start
    assert dt.timedelta(seconds=120) <= second_wait <= dt.timedelta(seconds=151)

    _due_now(delivery)
    assert sending.deliver(delivery.pk) is True
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_status) == ("delivered", 3, 200)
    assert delivery.last_error == ""
    # The same event id and body on every attempt: the receiver can drop repeats.
    assert {r["headers"]["Webhook-Id"] for r in receiver.requests} == {str(delivery.event.event_id)}
    assert len({r["body"] for r in receiver.requests}) == 1
    assert all(receiver.verifies(r, "whsec_s3cret") for r in receiver.requests)


def test_a_delivery_is_given_up_after_the_last_attempt(receiver, delivery, settings):
    settings.WEBHOOK_MAX_ATTEMPTS = 2
    receiver.answers = [(500, b"", {})]
    sending.deliver(delivery.pk)
    _due_now(delivery)
    sending.deliver(delivery.pk)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("failed", 2)
    _due_now(delivery)
    assert sending.deliver(delivery.pk) is False
    assert len(receiver.requests) == 2


def test_a_redirect_is_not_followed_and_counts_as_a_failure(receiver, delivery):
    elsewhere = f"http://127.0.0.1:{receiver.port}/elsewhere"
    receiver.answers = [(302, b"moved", {"Location": elsewhere}), (200, b"", {})]
    assert sending.deliver(delivery.pk) is False
    assert [r["path"] for r in receiver.requests] == ["/hook?src=test"]
    delivery.refresh_from_db()
    assert (delivery.status, delivery.response_status) == ("pending", 302)
    assert "redirect" in delivery.last_error


def test_only_the_start_of_a_large_answer_is_read_and_kept(receiver, delivery):
    receiver.answers = [(200, b"x" * 200_000, {})]
    assert sending.deliver(delivery.pk) is True
    delivery.refresh_from_db()
    assert delivery.response_excerpt == "x" * sending.EXCERPT_CHARS


def test_a_receiver_that_is_down_is_a_failed_attempt(delivery, receiver):
    receiver.server.shutdown()
    receiver.server.server_close()
    assert sending.deliver(delivery.pk) is False
    delivery.refresh_from_db()
    assert delivery.status == "pending"
    assert delivery.response_status is None
    assert delivery.last_error


def test_a_delivery_is_sent_once_however_often_it_is_asked(receiver, delivery):
    assert sending.deliver(delivery.pk) is True
    assert sending.deliver(delivery.pk) is False
    assert len(receiver.requests) == 1


def test_a_disabled_endpoint_is_sent_nothing(receiver, delivery):
    delivery.endpoint.is_active = False
    delivery.endpoint.save()
    assert sending.deliver(delivery.pk) is False
    assert receiver.requests == []


def test_an_owner_who_lost_access_is_sent_nothing(receiver, delivery):
    owner = delivery.endpoint.owner
    owner.is_active = False
    owner.save()
    assert sending.deliver(delivery.pk) is False
    assert receiver.requests == []


def test_redelivery_sends_the_same_event_again_and_is_audited(
    receiver, delivery, coordinator, django_capture_on_commit_callbacks
):
    sending.deliver(delivery.pk)
    with django_capture_on_commit_callbacks(execute=True):
        redeliver(delivery=delivery, by=coordinator)
    assert len(receiver.requests) == 2
    first, second = receiver.requests
    assert first["headers"]["Webhook-Id"] == second["headers"]["Webhook-Id"]
    assert first["body"] == second["body"]
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("delivered", 2)
    assert AuditEntry.objects.filter(action="webhook.redelivered").count() == 1


def test_a_given_up_delivery_sent_again_gets_one_more_attempt(
    receiver, delivery, coordinator, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_MAX_ATTEMPTS = 1
    receiver.answers = [(500, b"", {})]
    sending.deliver(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == "failed"
    with django_capture_on_commit_callbacks(execute=True):
        redeliver(delivery=delivery, by=coordinator)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("failed", 2)
    assert len(receiver.requests) == 2


def test_a_stale_claim_is_taken_back_and_sent_again(receiver, delivery, settings):
    settings.WEBHOOK_CLAIM_TIMEOUT = 60
    long_ago = timezone.now() - dt.timedelta(minutes=5)
    Delivery.objects.filter(pk=delivery.pk).update(
        status="sending", claimed_at=long_ago, attempts=1
    )
    assert sending.release_stale_claims() == 1
    delivery.refresh_from_db()
    assert delivery.status == "pending"
    assert "claim expired" in delivery.last_error
    _due_now(delivery)
    assert sending.deliver(delivery.pk) is True
    delivery.refresh_from_db()
    assert delivery.attempts == 2


def test_a_sender_whose_claim_was_taken_back_does_not_mark(receiver, delivery):
    taken = sending.claim(delivery.pk)
    # The sweep took it back and another sender claimed it again.
    Delivery.objects.filter(pk=delivery.pk).update(claimed_at=timezone.now() + dt.timedelta(1))
    sending.mark_failed(taken, "late")
    delivery.refresh_from_db()
    assert delivery.status == "sending"
    assert delivery.last_error == ""
