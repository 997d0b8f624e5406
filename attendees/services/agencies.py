"""Writes coordinators make on agencies: status, e-mail domains, vetting mode, focal points.

Access follows at once: attendees.models.access computes it on each request from the agency's
status and domains, so suspending an agency or removing a domain needs no batch job.
"""

from __future__ import annotations

import re

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from attendees.models import Agency, AgencyDomain, AgencyEvent, User, VettingDecision
from attendees.signals import access_restored
from audit.services import record_audit
from trainingsite.errors import ServiceError

DOMAIN_RE = re.compile(r"^(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


class AgencyError(ServiceError):
    pass


def _lock_agency(agency_id: int, by: User) -> Agency:
    agency = Agency.objects.managed_by(by).select_for_update().filter(pk=agency_id).first()
    if agency is None:
        raise AgencyError(_("You cannot manage this agency."))
    return agency


def record_agency_event(
    *, agency: Agency, by: User, action: str, detail: str = "", **data
) -> AgencyEvent:
    """Add a change made to the agency to its history and to the audit log (with `data`)."""
    record_audit(
        actor=by,
        action=f"agency.{action}",
        summary=f"Agency #{agency.pk}: {action}",
        target=agency,
        detail=detail[:300],
        **data,
    )
    return AgencyEvent.objects.create(agency=agency, by=by, action=action, detail=detail[:300])


@transaction.atomic
def suspend_agency(*, agency_id: int, by: User, reason: str) -> Agency:
    """Withdraw the agency's access: every officer loses access on their next request."""
    if not reason.strip():
        raise AgencyError(_("Give a reason for suspending the agency."))
    agency = _lock_agency(agency_id, by)
    if not agency.is_active:
        raise AgencyError(_("This agency is already suspended."))
    agency.is_active = False
    agency.save(update_fields=["is_active"])
    record_agency_event(
        agency=agency, by=by, action=AgencyEvent.Action.SUSPENDED, detail=reason.strip()
    )
    return agency


@transaction.atomic
def reactivate_agency(*, agency_id: int, by: User, reason: str = "") -> Agency:
    agency = _lock_agency(agency_id, by)
    if agency.is_active:
        raise AgencyError(_("This agency is already active."))
    agency.is_active = True
    agency.save(update_fields=["is_active"])
    record_agency_event(
        agency=agency, by=by, action=AgencyEvent.Action.REACTIVATED, detail=reason.strip()
    )
    # Its officers were passed over on waitlists meanwhile (they kept their place): seats left
    # free for them go to them now.
    access_restored.send(sender=User, officers=User.objects.filter(agency=agency))
    return agency


def normalize_domain(domain: str) -> str:
    domain = domain.strip().lower().removeprefix("@").rstrip(".")
    if not DOMAIN_RE.match(domain):
        raise AgencyError(_("Enter an e-mail domain such as police.example.org."))
    return domain


@transaction.atomic
def add_agency_domain(*, agency_id: int, by: User, domain: str) -> AgencyDomain:
    """A domain belongs to exactly one agency; the unique index settles concurrent adds."""
    domain = normalize_domain(domain)
    agency = _lock_agency(agency_id, by)
    owner = AgencyDomain.objects.filter(domain=domain).select_related("agency").first()
    if owner is not None:
        if owner.agency_id == agency.pk:
            raise AgencyError(_("This agency already owns %(domain)s.") % {"domain": domain})
        raise AgencyError(
            _("%(domain)s already belongs to another agency; a domain belongs to one agency only.")
            % {"domain": domain}
        )
    try:
        with transaction.atomic():
            created = AgencyDomain.objects.create(agency=agency, domain=domain)
    except IntegrityError as err:
        raise AgencyError(
            _("%(domain)s already belongs to another agency.") % {"domain": domain}
        ) from err
    record_agency_event(agency=agency, by=by, action=AgencyEvent.Action.DOMAIN_ADDED, detail=domain)
    return created


@transaction.atomic
def remove_agency_domain(*, agency_id: int, domain_id: int, by: User) -> None:
    """Officers whose e-mail is on the domain lose access at once."""
    agency = _lock_agency(agency_id, by)
    domain = AgencyDomain.objects.filter(agency=agency, pk=domain_id).first()
    if domain is None:
        raise AgencyError(_("This domain is not one of the agency's."))
    name = domain.domain
    domain.delete()
    record_agency_event(agency=agency, by=by, action=AgencyEvent.Action.DOMAIN_REMOVED, detail=name)


@transaction.atomic
def set_vetting_mode(*, agency_id: int, by: User, mode: str) -> Agency:
    """Applies to officers confirming from now on; nobody already pending is auto-approved."""
    if mode not in Agency.VettingMode.values:
        raise AgencyError(_("Unknown vetting mode."))
    agency = _lock_agency(agency_id, by)
    if agency.vetting_mode != mode:
        agency.vetting_mode = mode
        agency.save(update_fields=["vetting_mode"])
        record_agency_event(
            agency=agency,
            by=by,
            action=AgencyEvent.Action.VETTING_MODE,
            detail=str(Agency.VettingMode(mode).label),
        )
    return agency


@transaction.atomic
def set_focal_point(*, officer_id: int, by: User, focal: bool) -> User:
    """Name or unname a verified officer as their agency's focal point (coordinators only)."""
    officer = (
        User.objects.managed_by(by)
        .exclude(pk=by.pk)
        .select_for_update(of=("self",))
        .select_related("agency")
        .filter(pk=officer_id)
        .first()
    )
    if officer is None:
        raise AgencyError(_("You cannot manage this officer."))
    if focal and officer.status != User.Status.VERIFIED:
        raise AgencyError(_("Only verified officers can be named focal points."))
    if officer.is_focal_point == focal:
        return officer
    officer.is_focal_point = focal
    officer.save(update_fields=["is_focal_point"])
    action = "FOCAL_NAMED" if focal else "FOCAL_REMOVED"
    VettingDecision.objects.create(
        officer=officer, decided_by=by, action=getattr(VettingDecision.Action, action)
    )
    record_agency_event(
        agency=officer.agency,
        by=by,
        action=getattr(AgencyEvent.Action, action),
        detail=officer.full_name or officer.email,
    )
    return officer
