"""Delivering webhooks: claim a delivery, POST it outside any transaction, mark the answer.

The same claim-and-mark pattern and retry policy as the outbox (outbox/sending.py): a failed
attempt waits WEBHOOK_RETRY_SECONDS, doubling up to an hour, jittered; WEBHOOK_MAX_ATTEMPTS
attempts give it up. A 2xx answer is delivered; anything else, a redirect included (never
followed), a timeout or a refused address is a failed attempt, logged with its status and the
start of the answer's body.
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta

import urllib3
from django.conf import settings
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from outbox.sending import retry_delay

from . import signing
from .addresses import Target, UnsafeURL, check_url
from .models import Delivery

logger = logging.getLogger(__name__)
Status = Delivery.Status

# What is read of an answer's body (the rest is never downloaded) and what the log keeps of it.
READ_LIMIT = 4096
EXCERPT_CHARS = 1000


class DeliveryFailed(Exception):
    def __init__(self, message: str, *, status: int | None = None, excerpt: str = ""):
        super().__init__(message)
        self.status = status
        self.excerpt = excerpt


def claim(pk: int) -> Delivery | None:
    """Take the delivery if it is due and its endpoint active; committed before the request,
    so a second worker finds nothing to take."""
    now = timezone.now()
    taken = (
        Delivery.objects.due(now)
        .filter(pk=pk)
        .update(status=Status.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    )
    if not taken:
        return None
    return Delivery.objects.select_related("endpoint__owner", "event").get(pk=pk)


def mine(delivery: Delivery):
    """The row while it is still this sender's claim (see outbox.sending.mine)."""
    return Delivery.objects.filter(
        pk=delivery.pk, status=Status.SENDING, claimed_at=delivery.claimed_at
    )


def post(target: Target, *, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
    """POST to the checked address, naming the host for TLS and in the Host header; no
    redirect followed, no retry, short timeouts, at most READ_LIMIT bytes read."""
    timeout = urllib3.Timeout(
        connect=settings.WEBHOOK_TIMEOUT,
        read=settings.WEBHOOK_TIMEOUT,
        total=2 * settings.WEBHOOK_TIMEOUT,
    )
    pool: urllib3.HTTPConnectionPool
    if target.scheme == "https":
        pool = urllib3.HTTPSConnectionPool(
            target.address,
            target.port,
            timeout=timeout,
            retries=False,
            maxsize=1,
            cert_reqs="CERT_REQUIRED",
            server_hostname=target.host,
            assert_hostname=target.host,
        )
    else:
        pool = urllib3.HTTPConnectionPool(
            target.address, target.port, timeout=timeout, retries=False, maxsize=1
        )
    try:
        response = pool.urlopen(
            "POST",
            target.path,
            body=body,
            headers={**headers, "Host": target.host_header},
            redirect=False,
            retries=False,
            assert_same_host=False,
            preload_content=False,
        )
        try:
            excerpt = response.read(READ_LIMIT).decode("utf-8", errors="replace")
        finally:
            response.close()  # the rest of the body is never downloaded
    except urllib3.exceptions.HTTPError as err:
        raise DeliveryFailed(f"{type(err).__name__}: {err}") from err
    finally:
        pool.close()
    return response.status, excerpt[:EXCERPT_CHARS]


def attempt(delivery: Delivery) -> tuple[int, str]:
    """One attempt: the address checked again (it may resolve elsewhere since it was saved),
    the owner's access checked, the signed body posted. Raises DeliveryFailed."""
    owner = delivery.endpoint.owner
    if not owner.is_active or not owner.has_program_access:
        raise DeliveryFailed(_("The endpoint's owner no longer has access to the program."))
    try:
        target = check_url(delivery.endpoint.url)
    except UnsafeURL as err:
        raise DeliveryFailed(err.message) from err
    body = signing.body(delivery.event)
    headers = signing.headers(
        secret=delivery.endpoint.secret, event=delivery.event, timestamp=int(time.time()), body=body
    )
    status, excerpt = post(target, body=body, headers=headers)
    if 300 <= status < 400:
        raise DeliveryFailed(
            _("The receiver answered with a redirect, which is not followed."),
            status=status,
            excerpt=excerpt,
        )
    if not 200 <= status < 300:
        raise DeliveryFailed(
            _("The receiver answered HTTP %(status)s.") % {"status": status},
            status=status,
            excerpt=excerpt,
        )
    return status, excerpt


def mark_failed(delivery: Delivery, error: DeliveryFailed | str) -> None:
    """Count a failed attempt: retried later, or given up after WEBHOOK_MAX_ATTEMPTS."""
    failure = error if isinstance(error, DeliveryFailed) else DeliveryFailed(error)
    changes: dict[str, object]
    if delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
        changes = {"status": Status.FAILED}
    else:
        changes = {
            "status": Status.PENDING,
            "next_attempt_at": timezone.now()
            + retry_delay(delivery.attempts, first=settings.WEBHOOK_RETRY_SECONDS),
        }
    mine(delivery).update(
        last_error=str(failure)[:2000],
        response_status=failure.status,
        response_excerpt=failure.excerpt,
        **changes,
    )


def deliver(pk: int) -> bool:
    """Send one delivery if it is due; True if the receiver took it. Safe to run twice, or
    beside another sender."""
    delivery = claim(pk)
    if delivery is None:
        return False
    try:
        status, excerpt = attempt(delivery)
    except DeliveryFailed as err:
        mark_failed(delivery, err)
        return False
    except Exception as err:  # a bug must not leave the claim to time out silently
        logger.exception("Webhook delivery #%s failed", delivery.pk)
        mark_failed(delivery, f"{type(err).__name__}: {err}")
        return False
    mine(delivery).update(
        status=Status.DELIVERED,
        delivered_at=timezone.now(),
        response_status=status,
        response_excerpt=excerpt,
        last_error="",
    )
    return True


def release_stale_claims(now=None) -> int:
    """Claims older than WEBHOOK_CLAIM_TIMEOUT: the sender died mid-request (the receiver may
    have had it). Counted as a failed attempt, so sent again or given up."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.WEBHOOK_CLAIM_TIMEOUT)
    stale = list(Delivery.objects.filter(status=Status.SENDING, claimed_at__lt=cutoff))
    for delivery in stale:
        mark_failed(delivery, _("The sender stopped during the request (claim expired)."))
    return len(stale)


def due_ids(now=None, limit: int = 1000) -> list[int]:
    return list(Delivery.objects.due(now).order_by("pk").values_list("pk", flat=True)[:limit])
