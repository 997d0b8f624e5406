"""Writes for agencies and officers: sign-up, vetting decisions, suspension."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from attendees.mails import officer_to_vet_mail, onboarding_request_mail, vetting_decision_mail
from attendees.models import Agency, AgencyDomain, OnboardingRequest, User, VettingDecision
from attendees.services.work_mail import queue_work_mails
from attendees.signals import officer_withdrawn
from audit.services import record_audit
from outbox.services import queue_mail
from trainingsite.errors import ServiceError


class VettingError(ServiceError):
    pass


def assign_agency_from_email(*, user: User) -> None:
    """The agency is derived from the e-mail domain, never chosen by the officer."""
    domain = AgencyDomain.objects.for_email(user.email).select_related("agency").first()
    if domain is None:
        raise VettingError(_("This e-mail domain does not belong to a registered agency."))
    user.agency = domain.agency
    if not user.country:
        user.country = domain.agency.country
    user.status = User.Status.UNCONFIRMED


def _record(
    *,
    officer: User,
    action: str,
    by: User | None = None,
    reason: str = "",
    notify: bool = False,
    name: str = "",
) -> VettingDecision:
    decision = VettingDecision.objects.create(
        officer=officer, decided_by=by, action=action, reason=reason, name=name
    )
    if by is not None:
        # Staff decisions (approve/reject/suspend/reinstate) also go to the audit log.
        record_audit(
            actor=by,
            action=f"vetting.{action}",
            summary=f"Vetting {action} for officer #{officer.pk}",
            target=officer,
            reason=reason[:500],
        )
    if notify:
        queue_mail(vetting_decision_mail(decision), kind="vetting", recipient=officer)
    return decision


@transaction.atomic
def confirm_officer_email(*, user_id: int, email: str) -> User:
    """An officer confirmed an address of theirs. A new sign-up's confirmation of their agency
    address moves them on: verified at once in `auto` agencies, queued for review otherwise.
    Nothing else changes status or vetting: renewal takes the re-confirmation link sent to the
    agency address (reconfirm.py), never a confirmation of another address."""
    user = User.objects.select_for_update(of=("self",)).select_related("agency").get(pk=user_id)
    if user.agency_id is None or user.status != User.Status.UNCONFIRMED:
        return user
    if not AgencyDomain.objects.for_email(email).filter(agency_id=user.agency_id).exists():
        return user
    if user.agency.vetting_mode == Agency.VettingMode.AUTO:
        user.status, user.vetted_at = User.Status.VERIFIED, timezone.now()
        # The name given at sign-up is the one this verification vets.
        user.vetted_name, user.declined_name = user.full_name, ""
        _record(officer=user, action=VettingDecision.Action.AUTO_VERIFIED, name=user.full_name)
    else:
        user.status = User.Status.PENDING
        _record(officer=user, action=VettingDecision.Action.SUBMITTED)
        queue_work_mails(
            candidates=User.objects.vetters_of(user.agency),
            build=lambda member: officer_to_vet_mail(officer=user, to=member),
            kind="work",
            actor=user,
        )
    user.save(update_fields=["status", "vetted_at", "vetted_name", "declined_name"])
    return user


def renew_vetting(*, user: User) -> None:
    """Renew a verified officer's vetting from now (caller holds the row lock)."""
    user.vetted_at = timezone.now()
    user.save(update_fields=["vetted_at"])
    _record(officer=user, action=VettingDecision.Action.RECONFIRMED)


def _lock_vettable(officer_id: int, by: User, *, coordinator_only: bool = False) -> User:
    """Lock the officer row if `by` may decide on it. Focal points only approve or reject
    newcomers of their own agency; suspending and reinstating is for coordinators."""
    scope = User.objects.managed_by(by) if coordinator_only else User.objects.vettable_by(by)
    # NO KEY: a promotion or cancellation of the officer's committing meanwhile (its event and
    # mail point at the account) must not wait for this lock while a withdrawal here waits for
    # its workshop: a deadlock. Still one vetting decision or registration at a time.
    locked = scope.exclude(pk=by.pk).select_for_update(no_key=True, of=("self",))
    officer = locked.filter(pk=officer_id).first()
    if officer is None:
        raise VettingError(_("You cannot vet this officer."))
    return officer


def vet_name(officer: User, seen_name: str | None) -> None:
    """Make the officer's display name their vetted name (caller holds the row lock).
    `seen_name` is the name the decider was shown: if the officer changed it meanwhile, the
    decision is refused rather than vetting a name nobody saw."""
    if seen_name is not None and seen_name != officer.full_name:
        raise VettingError(
            _("The officer changed their name since you opened this page: check it again.")
        )
    officer.vetted_name, officer.declined_name = officer.full_name, ""


@transaction.atomic
def approve_officer(
    *, officer_id: int, by: User, reason: str = "", seen_name: str | None = None
) -> User:
    officer = _lock_vettable(officer_id, by)
    if officer.status != User.Status.PENDING:
        raise VettingError(_("Only officers pending vetting can be approved."))
    vet_name(officer, seen_name)
    officer.status, officer.vetted_at = User.Status.VERIFIED, timezone.now()
    officer.save(update_fields=["status", "vetted_at", "vetted_name", "declined_name"])
    _record(
        officer=officer,
        action=VettingDecision.Action.APPROVED,
        by=by,
        reason=reason,
        notify=True,
        name=officer.vetted_name,
    )
    return officer


@transaction.atomic
def reject_officer(*, officer_id: int, by: User, reason: str) -> User:
    if not reason.strip():
        raise VettingError(_("Give a reason: it is sent to the officer."))
    officer = _lock_vettable(officer_id, by)
    if officer.status != User.Status.PENDING:
        raise VettingError(_("Only officers pending vetting can be rejected."))
    officer.status = User.Status.REJECTED
    officer.save(update_fields=["status"])
    _record(
        officer=officer, action=VettingDecision.Action.REJECTED, by=by, reason=reason, notify=True
    )
    officer_withdrawn.send(
        sender=User, officer=officer, by=by, reason=_("Withdrawn: your account was not approved.")
    )
    return officer


@transaction.atomic
def suspend_officer(*, officer_id: int, by: User, reason: str) -> User:
    if not reason.strip():
        raise VettingError(_("Give a reason for the suspension."))
    officer = _lock_vettable(officer_id, by, coordinator_only=True)
    if officer.status == User.Status.SUSPENDED:
        raise VettingError(_("This officer is already suspended."))
    officer.status, officer.is_focal_point = User.Status.SUSPENDED, False
    officer.save(update_fields=["status", "is_focal_point"])
    _record(
        officer=officer, action=VettingDecision.Action.SUSPENDED, by=by, reason=reason, notify=True
    )
    # A decision, not a lapse: their seats go to the waitlist now, each registration through
    # its usual steps (history, e-mail, calendar cancellation). Reinstating gives none back.
    officer_withdrawn.send(
        sender=User, officer=officer, by=by, reason=_("Withdrawn: your account has been suspended.")
    )
    return officer


@transaction.atomic
def reinstate_officer(
    *, officer_id: int, by: User, reason: str = "", seen_name: str | None = None
) -> User:
    officer = _lock_vettable(officer_id, by, coordinator_only=True)
    if officer.status not in (User.Status.SUSPENDED, User.Status.REJECTED):
        raise VettingError(_("Only suspended or rejected officers can be reinstated."))
    vet_name(officer, seen_name)
    officer.status, officer.vetted_at = User.Status.VERIFIED, timezone.now()
    officer.save(update_fields=["status", "vetted_at", "vetted_name", "declined_name"])
    _record(
        officer=officer,
        action=VettingDecision.Action.REINSTATED,
        by=by,
        reason=reason,
        notify=True,
        name=officer.vetted_name,
    )
    return officer


@transaction.atomic
def submit_onboarding_request(
    *, full_name: str, email: str, agency_name: str, country: str, message: str = ""
) -> OnboardingRequest:
    """Record the request and tell the program admins and the coordinators of the regions
    that already have agencies in that country (every coordinator if the country is new)."""
    request = OnboardingRequest.objects.create(
        full_name=full_name, email=email, agency_name=agency_name, country=country, message=message
    )
    region_ids = list(
        Agency.objects.filter(country=country).values_list("region_id", flat=True).distinct()
    )
    staff = (
        Q(coordinated_regions__in=region_ids)
        if region_ids
        else Q(coordinated_regions__isnull=False)
    )
    recipients = (
        User.objects.filter(is_active=True, status=User.Status.VERIFIED)
        .filter(Q(is_program_admin=True) | staff)
        .distinct()
        .order_by("email")
    )
    for recipient in recipients:
        # One message each, in the recipient's language: no coordinator sees the others' address.
        queue_mail(
            onboarding_request_mail(request=request, to=recipient),
            kind="onboarding",
            recipient=recipient,
        )
    return request
