"""Every place a person's identity is copied to outside their account row, and what erasing
them (or purging their unconfirmed sign-up) does there. README → Security → Privacy lists it.

Rows that merely point at the account (registrations, marks, completions, ratings, reminders)
stay for the statistics: the account they point at no longer names anyone. Text that outlives
the person loses their identifiers (trainingsite/redaction.py), as far as each is safe to look
for: their e-mail (unique) everywhere; their full name also in text near them (their agency's
records, their workshops' notes, the admin's history of their rows); the words of their name,
rank and unit also in text by or about them. Names, rank and unit are typed by the person, so
they are never looked for in everyone's text: a name like "approved" must not blank the log.
Cached roster rows need nothing here: keyed on what they show, they are never served after the
erasure and expire within minutes (registrations/rows.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.admin.models import LogEntry
from django.contrib.auth import SESSION_KEY
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.db import models
from django.db.models import Q

from attendance.models import Certificate, ClosureEvent, Feedback, WalkIn
from attendance.services.certificates import erase_holders
from attendees.models import Agency, AgencyEvent, OnboardingRequest, User, VettingDecision
from audit.services import anonymise_person
from invites.models import CalendarFeed, InviteDelivery
from outbox.models import Mail
from registrations.models import Registration, RegistrationEvent
from reports.models import ExportJob
from reports.services import drop_export_files, exports_that_may_list
from trainingsite.redaction import clean_terms, redact_json, redact_text
from workshops.models import MaterialDownload

# Session values that hold a user id: Django's signed-in user, and allauth's state of a
# sign-in or sign-up still in progress (an unconfirmed account's session has only these).
SESSION_USER_KEYS = frozenset({SESSION_KEY, "user_pk", "account_authentication_methods_user"})


def erased_label(user_id: int) -> str:
    """What stands for an erased account: its e-mail, and the actor label of its entries."""
    return f"erased-{user_id}@invalid"


@dataclass(frozen=True)
class Identity:
    """What identifies a person, read before their account row is anonymised or deleted."""

    user_id: int
    agency_id: int | None
    email: str
    names: tuple[str, ...]  # also looked for near them
    details: tuple[str, ...]  # also looked for in text by or about them

    @classmethod
    def of(cls, user: User) -> Identity:
        return cls(
            user_id=user.pk,
            agency_id=user.agency_id,
            email=user.email,
            names=clean_terms([user.full_name, user.vetted_name, user.declined_name]),
            details=clean_terms(
                [
                    user.rank,
                    user.unit,
                    user.email.rsplit("@", 1)[0],
                    *user.full_name.split(),
                    *user.vetted_name.split(),
                ]
            ),
        )

    @property
    def address(self) -> tuple[str, ...]:
        return clean_terms([self.email])

    @property
    def near_terms(self) -> tuple[str, ...]:
        return clean_terms([self.email, *self.names])

    @property
    def terms(self) -> tuple[str, ...]:
        return clean_terms([self.email, *self.names, *self.details])


def forget_copies(*, identity: Identity) -> None:
    """Remove the person's identity from every copy; in the transaction that erases or deletes
    their account (its own rows are the caller's)."""
    pk = identity.user_id
    registrations = Registration.objects.filter(officer_id=pk)
    # Every mail to them or about them by address (a coordinator told of their onboarding
    # request), sent or not: each holds their address and more.
    email = identity.email
    mails = Mail.objects.filter(
        Q(recipient_id=pk)
        | Q(to__iexact=email)
        | Q(subject__icontains=email)
        | Q(content__icontains=email)
    )

    workshop_ids = set(registrations.values_list("workshop_id", flat=True))
    anonymise_person(
        user_id=pk,
        about=[
            User.objects.filter(pk=pk),
            registrations,
            Certificate.objects.filter(registration__in=registrations),
            mails,
        ],
        near=[] if identity.agency_id is None else [Agency.objects.filter(pk=identity.agency_id)],
        address=identity.email,
        names=identity.names,
        details=identity.details,
        label=erased_label(pk),
    )
    _forget_admin_log(identity)
    _delete_sessions(identity)

    # Free text: (field, by or about them, near them).
    near_workshops = Q(workshop_id__in=workshop_ids)
    text_fields = [
        (RegistrationEvent, "reason", Q(registration__officer_id=pk) | Q(actor_id=pk), None),
        (VettingDecision, "reason", Q(officer_id=pk) | Q(decided_by_id=pk), None),
        (AgencyEvent, "detail", Q(by_id=pk), Q(agency_id=identity.agency_id)),
        (WalkIn, "reason", Q(registration__officer_id=pk) | Q(added_by_id=pk), None),
        (Certificate, "revoke_reason", Q(holder_id=pk), None),
        (ClosureEvent, "reason", Q(actor_id=pk), near_workshops),
        (ClosureEvent, "summary", Q(actor_id=pk), near_workshops),
        (ExportJob, "error", Q(requested_by_id=pk), None),
        (Mail, "last_error", Q(recipient_id=pk), None),
    ]
    for model, field, about, near in text_fields:
        _redact_field(model, field, about=about, near=near, identity=identity)
    # Their own words: nothing in them is statistics.
    Feedback.objects.filter(registration__officer_id=pk).update(comments="")
    # The names vetting decisions approved or declined for them.
    VettingDecision.objects.filter(officer_id=pk).exclude(name="").update(name="")
    erase_holders(registrations=registrations, holder_id=pk)
    MaterialDownload.objects.filter(user_id=pk).update(ip_address=None)

    # Sign-in and mail state of an account that will never sign in or be written to again.
    EmailAddress.objects.filter(user_id=pk).delete()  # its confirmations with it
    Authenticator.objects.filter(user_id=pk).delete()
    # Unsent ones included: an erased account has no address to send them to.
    mails.delete()
    InviteDelivery.objects.filter(user_id=pk).delete()

    # Exports listing them, and their own (a deleted account's jobs go, the files would stay).
    drop_export_files(
        jobs=exports_that_may_list(workshop_ids=workshop_ids)
        | ExportJob.objects.filter(requested_by_id=pk)
    )


def forget_officer_extras(*, identity: Identity) -> None:
    """What only erasing an officer does (a purged sign-up never confirmed its address)."""
    # Their own request for their agency to join, before it was in the program.
    OnboardingRequest.objects.filter(email__iexact=identity.email).delete()


def _redact_field(
    model: type[models.Model], field: str, *, about: Q, near: Q | None, identity: Identity
) -> None:
    rows = model._default_manager.exclude(**{field: ""})
    passes = [(rows.filter(about), identity.terms)]
    if near is not None:
        passes.append((rows.filter(near).exclude(about), identity.near_terms))
        elsewhere = rows.exclude(about).exclude(near)
    else:
        elsewhere = rows.exclude(about)
    passes.append((elsewhere.filter(**{f"{field}__icontains": identity.email}), identity.address))
    for queryset, terms in passes:
        for pk, text in queryset.values_list("pk", field).iterator():
            redacted = redact_text(text, terms)
            if redacted != text:
                model._default_manager.filter(pk=pk).update(**{field: redacted})


def _forget_admin_log(identity: Identity) -> None:
    """Django admin's history: the object's name as it was shown, and the names of inline rows
    in the change message. Their account's history is about them; that of rows showing them
    by name (a registration, a vetting decision, an e-mail address) is near them."""
    pk = identity.user_id
    about = _logged([User.objects.filter(pk=pk)]) | Q(user_id=pk)
    near = _logged(
        [
            Registration.objects.filter(officer_id=pk),
            VettingDecision.objects.filter(officer_id=pk),
            EmailAddress.objects.filter(user_id=pk),
            CalendarFeed.objects.filter(user_id=pk),
        ]
    )
    naming = Q(object_repr__icontains=identity.email) | Q(change_message__icontains=identity.email)
    for rows, terms in (
        (LogEntry.objects.filter(about), identity.terms),
        (LogEntry.objects.filter(near).exclude(about), identity.near_terms),
        (LogEntry.objects.filter(naming).exclude(about).exclude(near), identity.address),
    ):
        for entry in rows.iterator():
            updates = {
                "object_repr": redact_text(entry.object_repr, terms),
                "change_message": _redact_change_message(entry.change_message, terms),
            }
            updates = {k: v for k, v in updates.items() if v != getattr(entry, k)}
            if updates:
                LogEntry.objects.filter(pk=entry.pk).update(**updates)


def _logged(querysets) -> Q:
    """Admin log entries of these rows."""
    condition = Q(pk__in=[])
    for queryset in querysets:
        ids = [str(pk) for pk in queryset.values_list("pk", flat=True)]
        if ids:
            content_type = ContentType.objects.get_for_model(queryset.model)
            condition |= Q(content_type=content_type, object_id__in=ids)
    return condition


def _redact_change_message(message: str, terms) -> str:
    try:
        parsed = json.loads(message)
    except ValueError:
        return redact_text(message, terms)
    redacted = redact_json(parsed, terms)
    return message if redacted == parsed else json.dumps(redacted)


def _delete_sessions(identity: Identity) -> None:
    """Every stored session, expired or not, of the account (signed in, or a sign-in or
    sign-up in progress) or holding its address (a form's prefill, a verification)."""
    key = str(identity.user_id)
    doomed = [
        session.session_key
        for session in Session.objects.iterator()
        if _names_session(session.get_decoded(), key, identity.address)
    ]
    Session.objects.filter(session_key__in=doomed).delete()


def _names_session(data: dict, key: str, address: tuple[str, ...]) -> bool:
    def holds_user(value) -> bool:
        if isinstance(value, dict):
            return any(
                (k in SESSION_USER_KEYS and str(v) == key) or holds_user(v)
                for k, v in value.items()
            )
        if isinstance(value, list):
            return any(holds_user(v) for v in value)
        return False

    text = json.dumps(data, default=str, ensure_ascii=False)
    return holds_user(data) or redact_text(text, address) != text
