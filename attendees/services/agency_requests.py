"""Focal points ask for changes to their agency's profile; a coordinator of its region decides.

An approval makes the change through the coordinators' own services (agencies.py): a change
asked for passes the same rules, leaves the same history and has the same effects as one a
coordinator makes directly. If those refuse it now (the domain was taken meanwhile), the
request stays pending and the coordinator is told why.

Lock order: the request row, then the agency row (the services lock it again). Asking locks the
agency first and only inserts a request, so the two never wait on each other in a circle.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from attendees.mails import agency_request_decision_mail
from attendees.models import Agency, AgencyDomain, AgencyEvent, AgencyRequest, User
from audit.services import record_audit
from outbox.services import queue_mail

from .agencies import (
    AgencyError,
    add_agency_domain,
    normalize_domain,
    record_agency_event,
    remove_agency_domain,
    set_focal_point,
    set_vetting_mode,
)
from .work_mail import queue_work_renders

Kind = AgencyRequest.Kind
Status = AgencyRequest.Status

# Requests one agency may have waiting at once: each one mails the region's coordinators.
PENDING_LIMIT = 10


class AgencyRequestError(AgencyError):
    pass


def _focal_points_agency(by: User) -> int:
    """The id of the agency `by` is a focal point of, with program access."""
    if (
        not by.is_authenticated
        or by.agency_id is None
        or not by.is_focal_point
        or not by.has_program_access
    ):
        raise AgencyRequestError(
            _("Only a focal point of the agency can ask for a change to its profile.")
        )
    return by.agency_id


def _no_longer_pending(request: AgencyRequest) -> AgencyRequestError:
    status = request.get_status_display()
    if request.decided_by is not None:
        return AgencyRequestError(
            _("This request was already decided: %(status)s by %(name)s.")
            % {"status": status, "name": request.decided_by}
        )
    return AgencyRequestError(
        _("This request was already decided: %(status)s.") % {"status": status}
    )


def _checked_domain_to_add(agency: Agency, value: str) -> str:
    domain = normalize_domain(value)
    owner_id = (
        AgencyDomain.objects.filter(domain=domain).values_list("agency_id", flat=True).first()
    )
    if owner_id == agency.pk:
        raise AgencyRequestError(
            _("Your agency already has the domain @%(domain)s.") % {"domain": domain}
        )
    if owner_id is not None:
        # Which agency holds it is not the asker's to know.
        raise AgencyRequestError(
            _(
                "@%(domain)s is registered for another agency, and a domain belongs to one "
                "agency only. If your officers use it, tell a coordinator of your region."
            )
            % {"domain": domain}
        )
    return domain


def _checked_domain_to_remove(agency: Agency, value: str) -> str:
    domain = value.strip().lower().removeprefix("@")
    domains = list(agency.domains.values_list("domain", flat=True))
    if domain not in domains:
        raise AgencyRequestError(_("Your agency has no domain @%(domain)s.") % {"domain": domain})
    _check_not_last_domain(domains, domain)
    return domain


def _check_not_last_domain(domains: list[str], domain: str) -> None:
    # Officers sign in and sign up by their agency address: with no domain left, nobody could.
    if domains == [domain]:
        raise AgencyRequestError(
            _(
                "@%(domain)s is the agency's only e-mail domain: without it none of its "
                "officers could sign in or sign up. Ask for the new domain to be added first."
            )
            % {"domain": domain}
        )


def _checked_mode(agency: Agency, value: str) -> str:
    if value not in Agency.VettingMode.values:
        raise AgencyRequestError(_("Choose a vetting mode."))
    if value == agency.vetting_mode:
        raise AgencyRequestError(
            _("The agency's vetting mode is already “%(mode)s”.")
            % {"mode": Agency.VettingMode(value).label}
        )
    return value


def _checked_officer(agency: Agency, officer_id: int | None, by: User) -> User:
    if officer_id == by.pk:
        raise AgencyRequestError(_("You are already a focal point."))
    officer = None
    if officer_id is not None:
        officer = User.objects.filter(pk=officer_id, agency_id=agency.pk).first()
    if officer is None:
        raise AgencyRequestError(_("Choose an officer of your agency."))
    if officer.status != User.Status.VERIFIED or not officer.has_program_access:
        raise AgencyRequestError(
            _(
                "%(name)s cannot be proposed: a focal point must be a verified officer with "
                "access to the program."
            )
            % {"name": officer}
        )
    if officer.is_focal_point:
        raise AgencyRequestError(
            _("%(name)s is already a focal point of your agency.") % {"name": officer}
        )
    return officer


@transaction.atomic
def request_agency_change(
    *,
    by: User,
    kind: str,
    value: str = "",
    officer_id: int | None = None,
    reason: str = "",
) -> tuple[AgencyRequest, bool]:
    """A focal point asks for a change to their own agency's profile; the coordinators of its
    region are told. Returns the request and whether it is new: the same change asked again
    while the first request waits is that request."""
    agency_id = _focal_points_agency(by)
    reason = reason.strip()
    if len(reason) > 1000:
        raise AgencyRequestError(_("Keep the reason under 1,000 characters."))
    # One request at a time per agency: the checks below read what an earlier one may change.
    agency = Agency.objects.select_for_update().get(pk=agency_id)
    officer = None
    if kind == Kind.ADD_DOMAIN:
        value = _checked_domain_to_add(agency, value)
    elif kind == Kind.REMOVE_DOMAIN:
        value = _checked_domain_to_remove(agency, value)
    elif kind == Kind.VETTING_MODE:
        value = _checked_mode(agency, value)
    elif kind == Kind.ADD_FOCAL_POINT:
        officer, value = _checked_officer(agency, officer_id, by), ""
    else:
        raise AgencyRequestError(_("Choose a change to ask for."))
    pending = AgencyRequest.objects.pending().filter(agency=agency)
    existing = pending.filter(kind=kind, value__iexact=value, officer=officer).first()
    if existing is not None:
        return existing, False
    if pending.count() >= PENDING_LIMIT:
        raise AgencyRequestError(
            _(
                "Your agency has %(n)d requests waiting for a coordinator: withdraw one or wait "
                "for a decision before asking for more."
            )
            % {"n": PENDING_LIMIT}
        )
    request = AgencyRequest.objects.create(
        agency=agency, kind=kind, value=value, officer=officer, reason=reason, requested_by=by
    )
    record_audit(
        actor=by,
        action="agency.request_made",
        summary=f"Agency #{agency.pk}: {kind} requested",
        target=agency,
        detail=request.describe_change()[:300],
        request=request.pk,
        kind=kind,
        value=value,
        officer=officer.pk if officer else None,
        reason=reason[:500],
    )
    queue_work_renders(
        # Who may decide it (`AgencyRequest.objects.decidable_by`).
        candidates=User.objects.coordinating(agency.region_id).exclude(agency_id=agency.pk),
        render="attendees.mails.agency_request_mail",
        args=[request.pk],
        kind="work",
        actor=by,
    )
    return request, True


@transaction.atomic
def withdraw_agency_request(*, request_id: int, by: User) -> AgencyRequest:
    """A focal point of the agency takes back a request still waiting."""
    _focal_points_agency(by)
    request = (
        AgencyRequest.objects.of_agency_of(by)
        .select_for_update(of=("self",))
        .filter(pk=request_id)
        .first()
    )
    if request is None:
        raise AgencyRequestError(_("You cannot withdraw this request."))
    if not request.is_pending:
        raise _no_longer_pending(request)
    request.status, request.decided_by, request.decided_at = Status.WITHDRAWN, by, timezone.now()
    request.save(update_fields=["status", "decided_by", "decided_at"])
    record_audit(
        actor=by,
        action="agency.request_withdrawn",
        summary=f"Agency #{request.agency_id}: request #{request.pk} withdrawn",
        target=request.agency,
        detail=request.describe_change()[:300],
        request=request.pk,
        kind=request.kind,
    )
    return request


def _apply(request: AgencyRequest, by: User) -> None:
    """Make the change asked for, through the service a coordinator would use for it."""
    agency = request.agency
    if request.kind == Kind.ADD_DOMAIN:
        add_agency_domain(agency_id=agency.pk, by=by, domain=request.value)
    elif request.kind == Kind.REMOVE_DOMAIN:
        domains = {d.domain: d for d in agency.domains.all()}
        domain = domains.get(request.value)
        if domain is None:
            raise AgencyRequestError(
                _("The agency no longer has the domain @%(domain)s.") % {"domain": request.value}
            )
        _check_not_last_domain(list(domains), request.value)
        remove_agency_domain(agency_id=agency.pk, domain_id=domain.pk, by=by)
    elif request.kind == Kind.VETTING_MODE:
        _checked_mode(agency, request.value)
        set_vetting_mode(agency_id=agency.pk, by=by, mode=request.value)
    else:
        officer = request.officer
        if officer is None or officer.agency_id != agency.pk:
            raise AgencyRequestError(_("This officer is no longer an officer of the agency."))
        if officer.is_focal_point:
            raise AgencyRequestError(
                _("%(name)s is already a focal point of the agency.") % {"name": officer}
            )
        set_focal_point(officer_id=officer.pk, by=by, focal=True)


@transaction.atomic
def decide_agency_request(
    *, request_id: int, by: User, approve: bool, note: str = ""
) -> AgencyRequest:
    """A coordinator of the agency's region approves (the change is made) or declines a
    request; the focal point who asked is told. Never a request of the decider's own agency."""
    note = note.strip()
    if len(note) > 500:
        raise AgencyRequestError(_("Keep the note under 500 characters."))
    # Two coordinators deciding at once: the second waits here, then finds it decided. Who
    # decided is read after the lock (rows joined to a locked one are those of before it).
    request = (
        AgencyRequest.objects.managed_by(by)
        .select_for_update(of=("self",))
        .select_related("agency", "officer", "requested_by")
        .filter(pk=request_id)
        .first()
    )
    if request is None or not by.is_coordinator or not by.has_program_access:
        raise AgencyRequestError(_("You cannot decide this request."))
    if by.agency_id is not None and by.agency_id == request.agency_id:
        raise AgencyRequestError(
            _("A request of your own agency is decided by another coordinator.")
        )
    if not request.is_pending:
        raise _no_longer_pending(request)
    # The agency's domains and focal points are read for the checks: nothing changes them now.
    request.agency = Agency.objects.select_for_update().get(pk=request.agency_id)
    if approve:
        _apply(request, by)
    request.status = Status.APPROVED if approve else Status.DECLINED
    request.decided_by, request.decided_at = by, timezone.now()
    request.decision_note = note
    request.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    record_agency_event(
        agency=request.agency,
        by=by,
        action=AgencyEvent.Action.REQUEST_DECIDED,
        detail=f"{request.get_status_display()}: {request.describe_change()}",
        request=request.pk,
        kind=request.kind,
        approved=approve,
        note=note,
    )
    requester = request.requested_by
    if requester is not None and requester.is_active:
        queue_mail(
            agency_request_decision_mail(request=request, to=requester),
            kind="agency",
            recipient=requester,
        )
    return request
