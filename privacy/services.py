"""Privacy: an officer's data export and erasure, and the purge of stale unconfirmed sign-ups."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from api.models import ApiToken
from assessments.scores import results_of_officer
from attendance.models import AttendanceMark, Certificate, Completion, Feedback
from attendance.pdf import render_certificate_pdf
from attendance.services.certificates import revoke_certificate
from attendees.models import User, VettingDecision
from audit.services import record_audit
from credentials.models import Credential, CredentialShare
from invites.models import CalendarFeed, InviteDelivery, new_feed_token
from registrations.models import Registration
from registrations.services.registration import withdraw_registrations
from surveys.services.privacy import answers_of as survey_answers_of
from surveys.services.privacy import forget_free_text as forget_survey_free_text
from trainingsite.errors import ServiceError
from trainingsite.redaction import redact_text
from webhooks.models import Endpoint

from . import copies

ERASED_REASON = "erased"


class PrivacyError(ServiceError):
    pass


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def _decimal(value: Decimal | None) -> str | None:
    return str(value) if value is not None else None


def build_personal_export(*, user: User) -> dict:
    """Everything the site holds about `user`, as plain JSON-ready data (their own rows only)."""

    registrations = (
        Registration.objects.of_officer(user)
        .select_related("workshop")
        .prefetch_related("events")
        .order_by("created_at")
    )
    return {
        "generated_at": _iso(timezone.now()),
        "profile": {
            "email": user.email,
            "full_name": user.full_name,
            "vetted_name": user.vetted_name,
            "rank": user.rank,
            "unit": user.unit,
            "country": str(user.country),
            "time_zone": user.time_zone,
            "language": user.language,
            "status": user.status,
            "vetted_at": _iso(user.vetted_at),
            "date_joined": _iso(user.date_joined),
            "is_focal_point": user.is_focal_point,
        },
        "agency": (
            {"name": user.agency.name, "country": str(user.agency.country)}
            if user.agency is not None
            else None
        ),
        "registrations": [
            {
                "workshop": reg.workshop.title,
                "workshop_starts_at": _iso(reg.workshop.starts_at),
                "state": reg.state,
                "created_at": _iso(reg.created_at),
                "confirmed_at": _iso(reg.confirmed_at),
                "history": [
                    {
                        "from": event.from_state,
                        "to": event.to_state,
                        "reason": event.reason,
                        "at": _iso(event.created_at),
                    }
                    for event in sorted(reg.events.all(), key=lambda e: e.created_at)
                ],
            }
            for reg in registrations
        ],
        "attendance_marks": [
            {
                "workshop": mark.registration.workshop.title,
                "session_starts_at": _iso(mark.session.starts_at),
                "status": mark.status,
                "source": mark.source,
                "marked_at": _iso(mark.marked_at),
            }
            for mark in AttendanceMark.objects.filter(registration__officer=user).select_related(
                "registration__workshop", "session"
            )
        ],
        "completions": [
            {
                "workshop": c.registration.workshop.title,
                "completed": c.completed,
                "attended_minutes": c.attended_minutes,
                "total_minutes": c.total_minutes,
                "post_test_percent": _decimal(c.test_percent),
                "post_test_required_percent": c.test_required,
            }
            for c in Completion.objects.filter(registration__officer=user).select_related(
                "registration__workshop"
            )
        ],
        "test_results": [
            {
                "workshop": result.workshop_title,
                "test": result.kind,
                "best_percent": _decimal(result.percent),
                "best_score": result.score,
                "questions": result.max_score,
                "attempts_sent": result.attempts_sent,
            }
            for result in results_of_officer(user)
        ],
        "certificates": [
            {
                "number": c.number,
                "issued_at": _iso(c.issued_at),
                "revoked_at": _iso(c.revoked_at),
                "revoke_reason": c.revoke_reason,
            }
            for c in Certificate.objects.filter(holder=user)
        ],
        "certificate_share_links": [
            {
                "certificate": share.certificate.number,
                "shared_with": share.label,
                "created_at": _iso(share.created_at),
                "expires_at": _iso(share.expires_at),
                "revoked_at": _iso(share.revoked_at),
                "views": share.views,
                "last_viewed_at": _iso(share.last_viewed_at),
            }
            for share in CredentialShare.objects.of_officer(user).select_related("certificate")
        ],
        "feedback": [
            {
                "workshop": f.registration.workshop.title,
                "overall": f.overall,
                "trainer_rating": f.trainer_rating,
                "comments": f.comments,
                "submitted_at": _iso(f.submitted_at),
            }
            for f in Feedback.objects.filter(registration__officer=user).select_related(
                "registration__workshop"
            )
        ],
        "questionnaire_answers": survey_answers_of(user),
        "vetting_decisions": [
            {"action": d.action, "reason": d.reason, "at": _iso(d.created_at)}
            for d in VettingDecision.objects.filter(officer=user).order_by("created_at")
        ],
        "calendar_deliveries": [
            {"workshop": d.workshop.title, "method": d.method, "uid": d.uid}
            for d in InviteDelivery.objects.filter(user=user).select_related("workshop")
        ],
        # What a token or an endpoint is called and where it points (never its secret).
        "api_tokens": [
            {
                "name": t.name,
                "token_start": t.label,
                "access": t.access,
                "created_at": _iso(t.created_at),
                "expires_at": _iso(t.expires_at),
                "last_used_at": _iso(t.last_used_at),
                "revoked_at": _iso(t.revoked_at),
            }
            for t in ApiToken.objects.filter(user=user).order_by("created_at")
        ],
        "webhook_endpoints": [
            {
                "url": e.url,
                "description": e.description,
                "events": e.event_types,
                "active": e.is_active,
                "created_at": _iso(e.created_at),
            }
            for e in Endpoint.objects.filter(owner=user).order_by("created_at")
        ],
    }


@transaction.atomic
def export_personal_data(*, user: User, by: User) -> bytes:
    """A ZIP with `data.json` and the user's active certificate PDFs; recorded in the audit log."""

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "data.json", json.dumps(build_personal_export(user=user), indent=2, ensure_ascii=False)
        )
        for certificate in Certificate.objects.active().filter(holder=user):
            archive.writestr(
                f"certificates/{certificate.number}.pdf", render_certificate_pdf(certificate)
            )
    record_audit(
        actor=by,
        action="privacy.export",
        summary=f"Personal data export of user #{user.pk}",
        target=user,
    )
    return buffer.getvalue()


@transaction.atomic
def erase_officer(*, user_id: int, by: User | None, reason: str) -> User:
    """Anonymise an officer: personal fields cleared, sign-in disabled, certificates revoked,
    active registrations cancelled (the waitlist moves up), and their identity removed from
    every copy (attendees/services/copies.py). Statistics rows (registrations, marks,
    completions, feedback ratings) stay, pointing at the anonymised account."""

    if not reason or not reason.strip():
        raise PrivacyError(_("Give a reason for the erasure."))
    # NO KEY: rows that merely point at the user (the events and invite requests of a
    # registration or promotion committing meanwhile) must not wait for this lock while this
    # waits for their workshop: a deadlock.
    user = User.objects.select_for_update(no_key=True).filter(pk=user_id).first()
    if user is None or user.agency_id is None:
        raise PrivacyError(_("Only an officer's account can be erased here."))
    if user.email.endswith("@invalid"):
        raise PrivacyError(_("This account has already been erased."))
    identity = copies.Identity.of(user)

    withdraw_registrations(officer=user, by=by, reason=ERASED_REASON)
    for certificate in Certificate.objects.active().filter(holder=user):
        revoke_certificate(certificate=certificate, reason=ERASED_REASON)
    # A signed credential names its holder and cannot be edited: it goes (its status bit, which
    # says "revoked", and the key id stay).
    Credential.objects.filter(certificate__holder=user).update(jwt="")
    # Whom they showed their name to is theirs too; every link of theirs stops working.
    CredentialShare.objects.filter(certificate__holder=user).delete()
    # Their tokens and webhook endpoints (a former focal point's) stop and go with their names.
    ApiToken.objects.filter(user=user).delete()
    Endpoint.objects.filter(owner=user).delete()

    user.email = copies.erased_label(user.pk)
    user.full_name = _("Erased officer")
    user.vetted_name = user.declined_name = user.rank = user.unit = ""
    user.is_focal_point = False
    user.is_active = False
    user.set_unusable_password()
    user.save()
    CalendarFeed.objects.filter(user=user).update(token=new_feed_token())
    copies.forget_copies(identity=identity)
    copies.forget_officer_extras(identity=identity)
    forget_survey_free_text(officer_id=user.pk)
    record_audit(
        # An officer erasing themself is logged under the anonymised row: the account they
        # signed in with still carries their address, which would become the entry's actor label.
        actor=user if by is not None and by.pk == user.pk else by,
        action="privacy.erase",
        summary=f"Erased officer #{user.pk}",
        target=user,
        # The log keeps why; the reason is text about them, so it loses every identifier the
        # other copies about them lose (copies.Identity.terms).
        reason=redact_text(reason.strip(), identity.terms)[:500],
    )
    return user


def purge_unconfirmed_accounts(*, now: dt.datetime | None = None) -> int:
    """Delete sign-ups never confirmed within UNCONFIRMED_ACCOUNT_DAYS; returns how many."""
    now = now or timezone.now()
    days = settings.UNCONFIRMED_ACCOUNT_DAYS
    stale = get_user_model().objects.filter(
        status=User.Status.UNCONFIRMED, date_joined__lt=now - dt.timedelta(days=days)
    )
    # Never-confirmed accounts have no registrations (registering needs program access).
    stale = stale.filter(registrations__isnull=True)
    count = 0
    for user in stale:
        _purge(user)
        count += 1
    return count


@transaction.atomic
def _purge(user: User) -> None:
    """Delete the account; its copies outside rows that go with it lose its identity."""
    copies.forget_copies(identity=copies.Identity.of(user))
    user.delete()
