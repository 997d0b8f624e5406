"""Whether a signed-in user may use the program right now, and if not, why."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .agency import AgencyDomain


class AccessState(models.TextChoices):
    OK = "ok", _("Access granted")
    UNCONFIRMED = "unconfirmed", _("Your e-mail address is not confirmed yet.")
    PENDING = "pending", _("Your account is waiting to be vetted.")
    EXPIRED = "expired", _("Your vetting has expired: please re-confirm your agency e-mail.")
    AGENCY_REVOKED = (
        "agency_revoked",
        _("Your agency's access to the program is currently withdrawn."),
    )
    REJECTED = "rejected", _("Your registration was not approved.")
    SUSPENDED = "suspended", _("Your account is suspended.")


def access_state(user, *, domain_ok: bool | None = None) -> AccessState:
    """Computed on each request so that removing a domain or suspending an agency takes effect
    at once, with no batch job and no cache to forget. `domain_ok`, when given, is the
    agency-domain check already made (see `prime_access_states`)."""
    status = user.status
    if status == user.Status.SUSPENDED or not user.is_active:
        return AccessState.SUSPENDED
    if status == user.Status.REJECTED:
        return AccessState.REJECTED
    if status == user.Status.UNCONFIRMED:
        return AccessState.UNCONFIRMED
    if status == user.Status.PENDING:
        return AccessState.PENDING
    if user.agency_id is None:
        # Program staff (trainers, coordinators, admins) are vetted by being created by an admin.
        return AccessState.OK
    if domain_ok is None:
        domain_ok = (
            AgencyDomain.objects.for_email(user.email).filter(agency_id=user.agency_id).exists()
        )
    if not domain_ok:
        return AccessState.AGENCY_REVOKED
    expires = user.vetting_expires_at
    if expires is None or expires <= timezone.now():
        return AccessState.EXPIRED
    return AccessState.OK


def prime_access_states(users) -> None:
    """Compute `user.access_state` for many users with one query instead of one each (an
    invite fan-out checks every recipient)."""
    users = list(users)
    domains = {u.email_domain for u in users if u.agency_id is not None}
    pairs: set[tuple[str, int]] = set()
    if domains:
        # The rule for one user (`for_email`), OR-ed over the domains: one query.
        ok = AgencyDomain.objects.none()
        for domain in sorted(domains):
            ok = ok | AgencyDomain.objects.for_email(f"x@{domain}")
        pairs = set(ok.values_list("domain", "agency_id"))
    for user in users:
        # Fills User.access_state (a cached_property) as its first read would.
        user.__dict__["access_state"] = access_state(
            user, domain_ok=(user.email_domain, user.agency_id) in pairs
        )
