"""Credential jobs: each takes ids and is safe to run twice."""

from __future__ import annotations

from celery import shared_task

from credentials.tracks import review_after_certificate


@shared_task
def review_tracks_after_certificate(certificate_id: int) -> None:
    """The holder's track credentials, reviewed once a workshop certificate of theirs was
    issued or revoked (idempotent: a second run finds nothing to change)."""
    review_after_certificate(certificate_id=certificate_id)
