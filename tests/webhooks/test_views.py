"""The owner's pages, for every role: only coordinators and focal points have them, and an
endpoint is its owner's only."""

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from webhooks import tasks
from webhooks.models import Delivery, Endpoint, Event, EventType

from .conftest import PUBLIC_HOST

pytestmark = pytest.mark.django_db

OWNERS = ["coordinator", "program_admin", "focal_point"]
NOT_OWNERS = ["officer", "trainer"]
OTHERS = ["other_coordinator", "program_admin", "focal_point", "officer", "trainer"]


@pytest.fixture
def endpoint(coordinator, make_endpoint):
    return make_endpoint(coordinator, description="Case system")


@pytest.fixture
def delivery(endpoint):
    event = Event.objects.create(type=EventType.PING, data={"endpoint_id": endpoint.pk})
    return Delivery.objects.create(
        endpoint=endpoint,
        event=event,
        status="failed",
        attempts=8,
        response_status=500,
        response_excerpt="boom",
        last_error="The receiver answered HTTP 500.",
    )


def _add(client, url=f"https://{PUBLIC_HOST}/hook", events=("registration.changed",)):
    return client.post(
        reverse("webhooks:list"),
        {"url": url, "description": "Our system", "event_types": list(events)},
    )


@pytest.mark.parametrize("who", OWNERS)
def test_coordinators_admins_and_focal_points_have_the_page(request, client_for, who):
    response = client_for(request.getfixturevalue(who)).get(reverse("webhooks:list"))
    assert response.status_code == 200
    assert b"Add an endpoint" in response.content


@pytest.mark.parametrize("who", NOT_OWNERS)
def test_officers_and_trainers_are_refused(request, client_for, who, dns):
    client = client_for(request.getfixturevalue(who))
    assert client.get(reverse("webhooks:list")).status_code == 403
    assert _add(client).status_code == 403
    assert Endpoint.objects.count() == 0


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("webhooks:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_a_focal_point_sees_the_agency_tabs(client_for, focal_point):
    response = client_for(focal_point).get(reverse("webhooks:list"))
    assert b'aria-current="page" href="/webhooks/"' in response.content


def test_adding_an_endpoint_shows_its_secret_once_and_is_audited(client_for, coordinator, dns):
    client = client_for(coordinator)
    response = _add(client)
    endpoint = Endpoint.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("webhooks:detail", args=[endpoint.pk])
    assert endpoint.owner == coordinator
    assert endpoint.event_types == ["registration.changed"]
    assert endpoint.secret.startswith("whsec_")
    page = client.get(response["Location"]).content.decode()
    assert endpoint.secret in page
    assert endpoint.secret not in client.get(response["Location"]).content.decode()
    entry = AuditEntry.objects.get(action="webhook.created")
    assert endpoint.secret not in str(entry.data) + entry.summary


@pytest.mark.parametrize(
    "url, message",
    [
        ("http://hooks.example.com/hook", "must start with https"),
        ("https://10.0.0.1/hook", "private or reserved"),
        ("https://169.254.169.254/latest/meta-data/", "private or reserved"),
        ("https://[::1]/hook", "private or reserved"),
        ("https://nowhere.example.com/hook", "could not be resolved"),
    ],
)
def test_an_unsafe_url_is_refused_with_a_message(client_for, coordinator, dns, url, message):
    response = _add(client_for(coordinator), url=url)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Endpoint.objects.count() == 0


def test_an_endpoint_needs_an_event(client_for, coordinator, dns):
    response = _add(client_for(coordinator), events=())
    assert response.status_code == 400
    assert b"Choose at least one event." in response.content
    response = _add(client_for(coordinator), events=("ping",))
    assert response.status_code == 400
    assert Endpoint.objects.count() == 0


def test_the_list_shows_only_ones_own_endpoints(
    client_for, coordinator, other_coordinator, make_endpoint
):
    make_endpoint(coordinator, url="https://mine.example.com/")
    make_endpoint(other_coordinator, url="https://theirs.example.com/")
    body = client_for(coordinator).get(reverse("webhooks:list")).content.decode()
    assert "mine.example.com" in body
    assert "theirs.example.com" not in body


def test_the_owner_sees_the_delivery_log(client_for, coordinator, endpoint, delivery):
    body = client_for(coordinator).get(reverse("webhooks:detail", args=[endpoint.pk])).content
    body = body.decode()
    assert str(delivery.event.event_id) in body
    assert "boom" in body
    assert "The receiver answered HTTP 500." in body
    assert "Given up" in body
    assert endpoint.secret not in body


@pytest.mark.parametrize("rows", [1, 30])
def test_the_delivery_log_costs_the_same_queries_for_any_length(
    client_for, coordinator, endpoint, rows, django_assert_max_num_queries
):
    for _ in range(rows):
        event = Event.objects.create(type=EventType.PING)
        Delivery.objects.create(endpoint=endpoint, event=event)
    client = client_for(coordinator)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("webhooks:detail", args=[endpoint.pk]))
    assert response.status_code == 200


@pytest.mark.parametrize("who", OTHERS)
def test_nobody_else_sees_or_changes_an_endpoint(request, client_for, who, endpoint, delivery):
    client = client_for(request.getfixturevalue(who))
    expected = (404,) if who in OWNERS + ["other_coordinator"] else (403,)
    secret = endpoint.secret
    assert client.get(reverse("webhooks:detail", args=[endpoint.pk])).status_code in expected
    assert client.get(reverse("webhooks:edit", args=[endpoint.pk])).status_code in expected
    for name in ("edit", "rotate", "toggle", "ping", "delete"):
        response = client.post(reverse(f"webhooks:{name}", args=[endpoint.pk]), {"active": "0"})
        assert response.status_code in expected, name
    response = client.post(reverse("webhooks:redeliver", args=[delivery.pk]))
    assert response.status_code in expected
    endpoint.refresh_from_db()
    delivery.refresh_from_db()
    assert (endpoint.secret, endpoint.is_active, delivery.status) == (secret, True, "failed")
    assert endpoint.url == f"https://{PUBLIC_HOST}/hook"
    assert Event.objects.count() == 1
    assert AuditEntry.objects.count() == 0


def test_rotating_the_secret_shows_the_new_one_once(client_for, coordinator, endpoint):
    client = client_for(coordinator)
    response = client.post(reverse("webhooks:rotate", args=[endpoint.pk]))
    old = endpoint.secret
    endpoint.refresh_from_db()
    assert endpoint.secret != old
    assert endpoint.secret in client.get(response["Location"]).content.decode()
    assert AuditEntry.objects.filter(action="webhook.secret_rotated").count() == 1


def test_disabling_and_enabling(client_for, coordinator, endpoint, dns):
    client = client_for(coordinator)
    client.post(reverse("webhooks:toggle", args=[endpoint.pk]), {"active": "0"})
    endpoint.refresh_from_db()
    assert endpoint.is_active is False
    client.post(reverse("webhooks:toggle", args=[endpoint.pk]), {"active": "1"})
    endpoint.refresh_from_db()
    assert endpoint.is_active is True
    assert (
        AuditEntry.objects.filter(action__in=["webhook.disabled", "webhook.enabled"]).count() == 2
    )


def test_deleting_asks_first_then_deletes(client_for, coordinator, endpoint, delivery):
    client = client_for(coordinator)
    page = client.get(reverse("webhooks:delete", args=[endpoint.pk]))
    assert page.status_code == 200
    assert Endpoint.objects.filter(pk=endpoint.pk).exists()
    response = client.post(reverse("webhooks:delete", args=[endpoint.pk]))
    assert response["Location"] == reverse("webhooks:list")
    assert not Endpoint.objects.filter(pk=endpoint.pk).exists()
    assert not Delivery.objects.filter(pk=delivery.pk).exists()
    assert AuditEntry.objects.filter(action="webhook.deleted").count() == 1


def test_actions_are_post_only(client_for, coordinator, endpoint, delivery):
    client = client_for(coordinator)
    for name in ("rotate", "toggle", "ping"):
        assert client.get(reverse(f"webhooks:{name}", args=[endpoint.pk])).status_code == 405
    assert client.get(reverse("webhooks:redeliver", args=[delivery.pk])).status_code == 405


def test_a_test_event_reaches_the_receiver(
    client_for, coordinator, make_endpoint, receiver, django_capture_on_commit_callbacks
):
    endpoint = make_endpoint(coordinator, url=receiver.url, secret="whsec_ping")
    with django_capture_on_commit_callbacks(execute=True):
        client_for(coordinator).post(reverse("webhooks:ping", args=[endpoint.pk]))
    (request,) = receiver.requests
    assert receiver.verifies(request, "whsec_ping")
    payload = receiver.payloads()[0]
    assert payload["type"] == "ping"
    assert payload["data"] == {"endpoint_id": endpoint.pk}
    assert Delivery.objects.get().status == "delivered"
    assert AuditEntry.objects.filter(action="webhook.pinged").count() == 1


def test_send_again_from_the_log(
    client_for, coordinator, endpoint, delivery, django_capture_on_commit_callbacks, monkeypatch
):
    sent = []
    monkeypatch.setattr(tasks.deliver, "delay", lambda pk: sent.append(pk))
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(coordinator).post(reverse("webhooks:redeliver", args=[delivery.pk]))
    assert response["Location"] == reverse("webhooks:detail", args=[endpoint.pk])
    delivery.refresh_from_db()
    assert delivery.status == "pending"
    assert sent == [delivery.pk]


def test_a_focal_point_who_lost_the_role_loses_the_pages(client_for, focal_point, make_endpoint):
    endpoint = make_endpoint(focal_point)
    focal_point.is_focal_point = False
    focal_point.save()
    client = client_for(focal_point)
    assert client.get(reverse("webhooks:list")).status_code == 403
    assert client.get(reverse("webhooks:detail", args=[endpoint.pk])).status_code == 403


def test_editing_changes_the_address_and_events_but_not_the_secret(
    client_for, coordinator, endpoint, dns
):
    dns["new.example.com"] = ["93.184.215.15"]
    client = client_for(coordinator)
    page = client.get(reverse("webhooks:edit", args=[endpoint.pk]))
    assert page.status_code == 200
    assert endpoint.url in page.content.decode()
    secret = endpoint.secret
    response = client.post(
        reverse("webhooks:edit", args=[endpoint.pk]),
        {
            "url": "https://new.example.com/in",
            "description": "New system",
            "event_types": ["certificate.issued", "certificate.revoked"],
        },
    )
    assert response["Location"] == reverse("webhooks:detail", args=[endpoint.pk])
    endpoint.refresh_from_db()
    assert endpoint.url == "https://new.example.com/in"
    assert endpoint.event_types == ["certificate.issued", "certificate.revoked"]
    assert endpoint.secret == secret
    assert AuditEntry.objects.filter(action="webhook.changed").count() == 1


def test_editing_to_an_unsafe_address_is_refused(client_for, coordinator, endpoint, dns):
    response = client_for(coordinator).post(
        reverse("webhooks:edit", args=[endpoint.pk]),
        {"url": "https://127.0.0.1/", "event_types": ["certificate.issued"]},
    )
    assert response.status_code == 400
    assert "private or reserved" in response.content.decode()
    endpoint.refresh_from_db()
    assert endpoint.url == f"https://{PUBLIC_HOST}/hook"


def test_an_empty_post_gets_the_forms_messages(client_for, coordinator):
    response = client_for(coordinator).post(reverse("webhooks:list"), {})
    assert response.status_code == 400
    assert response.context["form"].errors
