"""Private calendar subscription feeds: one random token per user, reset on request."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from ..models import CalendarFeed, new_feed_token


def get_or_create_calendar_feed(*, user) -> CalendarFeed:
    """The user's feed, created with a fresh token the first time."""
    try:
        with transaction.atomic():
            feed, _created = CalendarFeed.objects.get_or_create(user=user)
    except IntegrityError:
        # A concurrent request created it first.
        feed = CalendarFeed.objects.get(user=user)
    return feed


@transaction.atomic
def reset_calendar_feed_token(*, user) -> CalendarFeed:
    """Replace the token: the old URL answers 404 from now on."""
    feed = get_or_create_calendar_feed(user=user)
    feed = CalendarFeed.objects.select_for_update().get(pk=feed.pk)
    feed.token = new_feed_token()
    feed.token_reset_at = timezone.now()
    feed.save(update_fields=["token", "token_reset_at"])
    return feed


def record_feed_content(*, feed: CalendarFeed, content_hash: str) -> CalendarFeed:
    """Remember the hash of the body served; move Last-Modified only when it changed."""
    now = timezone.now()
    if feed.content_hash != content_hash:
        CalendarFeed.objects.filter(pk=feed.pk).update(
            content_hash=content_hash, content_changed_at=now, last_fetched_at=now
        )
        feed.content_hash, feed.content_changed_at = content_hash, now
    else:
        CalendarFeed.objects.filter(pk=feed.pk).update(last_fetched_at=now)
    feed.last_fetched_at = now
    return feed
