"""The SSRF guard: at save and at each delivery, every address checked, the checked one used."""

import pytest

from webhooks import sending
from webhooks.addresses import UnsafeURL, check_url, is_public
from webhooks.models import Delivery, Event, EventType
from webhooks.services import create_endpoint

from .conftest import ALL_EVENTS, PUBLIC_ADDRESS, PUBLIC_HOST

pytestmark = pytest.mark.django_db

UNSAFE = [
    "10.1.2.3",
    "172.16.5.4",
    "192.168.0.10",
    "127.0.0.1",
    "127.8.8.8",
    "169.254.169.254",  # cloud metadata
    "169.254.1.1",
    "0.0.0.0",
    "100.64.0.1",  # carrier-grade NAT
    "224.0.0.1",
    "239.255.255.250",
    "240.0.0.1",
    "255.255.255.255",
    "::1",
    "::",
    "fc00::1",
    "fd12:3456::1",
    "fe80::1",
    "ff02::1",
    "::ffff:127.0.0.1",
    "::ffff:169.254.169.254",
    "2001:db8::1",  # documentation
]


@pytest.mark.parametrize("address", UNSAFE)
def test_private_and_reserved_addresses_are_not_public(address):
    assert not is_public(address)


@pytest.mark.parametrize("address", [PUBLIC_ADDRESS, "8.8.8.8", "2606:4700:4700::1111"])
def test_public_addresses_are_public(address):
    assert is_public(address)


@pytest.mark.parametrize("address", UNSAFE)
def test_a_host_resolving_to_a_private_address_is_refused(dns, address):
    dns["inside.example.com"] = [address]
    with pytest.raises(UnsafeURL):
        check_url("https://inside.example.com/hook")


def test_one_private_address_among_public_ones_is_refused(dns):
    dns["mixed.example.com"] = [PUBLIC_ADDRESS, "10.0.0.5"]
    with pytest.raises(UnsafeURL):
        check_url("https://mixed.example.com/hook")


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/hook",
        "https://[::1]/hook",
        "https://[fc00::1]:8443/hook",
        "https://169.254.169.254/latest/meta-data/",
        "https://10.0.0.1/",
        "https://0.0.0.0/",
    ],
)
def test_address_literals_of_private_networks_are_refused(dns, url):
    with pytest.raises(UnsafeURL):
        check_url(url)


@pytest.mark.parametrize(
    "url",
    [
        f"http://{PUBLIC_HOST}/hook",
        f"ftp://{PUBLIC_HOST}/hook",
        f"https://user:pass@{PUBLIC_HOST}/hook",
        "https:///nohost",
        "https://no-such-host.example.com/hook",
        "not a url",
    ],
)
def test_other_urls_are_refused(dns, url):
    with pytest.raises(UnsafeURL):
        check_url(url)


def test_a_public_https_url_gives_its_checked_address(dns):
    target = check_url(f"https://{PUBLIC_HOST}:8443/in/hook?x=1")
    assert (target.address, target.host, target.port) == (PUBLIC_ADDRESS, PUBLIC_HOST, 8443)
    assert target.path == "/in/hook?x=1"
    assert target.host_header == f"{PUBLIC_HOST}:8443"


def test_the_allow_list_lets_http_and_loopback_through(dns, settings):
    with pytest.raises(UnsafeURL):
        check_url("http://127.0.0.1:8000/hook")
    settings.WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    assert check_url("http://127.0.0.1:8000/hook").address == "127.0.0.1"
    with pytest.raises(UnsafeURL):  # only the hosts listed
        check_url("http://10.0.0.1/hook")


def test_an_unsafe_url_is_refused_at_save(dns, coordinator):
    dns["inside.example.com"] = ["192.168.1.1"]
    with pytest.raises(UnsafeURL):
        create_endpoint(
            owner=coordinator,
            url="https://inside.example.com/hook",
            description="",
            event_types=ALL_EVENTS,
        )


def test_a_host_that_turned_private_is_refused_at_delivery(
    dns, coordinator, make_endpoint, monkeypatch
):
    """DNS rebinding: public when saved, private when sent; no connection is made."""
    endpoint = make_endpoint(coordinator)
    delivery = Delivery.objects.create(endpoint=endpoint, event=Event.objects.create(type="ping"))
    dns[PUBLIC_HOST] = ["169.254.169.254"]
    monkeypatch.setattr(sending, "post", lambda *a, **k: pytest.fail("connected"))
    assert sending.deliver(delivery.pk) is False
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.PENDING
    assert "private or reserved" in delivery.last_error


def test_the_delivery_connects_to_the_address_it_checked(
    dns, settings, receiver, coordinator, make_endpoint
):
    """A name is resolved once per attempt and the address checked is the one connected to;
    the host name travels in the Host header."""
    settings.WEBHOOK_ALLOWED_HOSTS = ["receiver.example.test"]
    dns["receiver.example.test"] = ["127.0.0.1"]
    endpoint = make_endpoint(coordinator, url=f"http://receiver.example.test:{receiver.port}/hook")
    event = Event.objects.create(type=EventType.PING)
    delivery = Delivery.objects.create(endpoint=endpoint, event=event)
    assert sending.deliver(delivery.pk) is True
    (request,) = receiver.requests
    assert request["headers"]["Host"] == f"receiver.example.test:{receiver.port}"


def test_plain_http_is_refused_at_delivery_once_the_host_is_no_longer_allowed(
    receiver, settings, coordinator, make_endpoint
):
    endpoint = make_endpoint(coordinator, url=receiver.url)
    delivery = Delivery.objects.create(endpoint=endpoint, event=Event.objects.create(type="ping"))
    settings.WEBHOOK_ALLOWED_HOSTS = []
    assert sending.deliver(delivery.pk) is False
    assert receiver.requests == []
    delivery.refresh_from_db()
    assert "https://" in delivery.last_error
