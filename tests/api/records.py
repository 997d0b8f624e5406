"""API matrix routes: registrations, attendance, completions, certificates."""

import datetime as dt

from django.utils import timezone

from attendance.models import AttendanceMark, Completion
from tests.api.routes import COORDINATORS_OF_REGION, MAY_SEE_OFFICER_A, L, Route
from tests.factories import WorkshopFactory

# Officer A's records (agency A, region A): her focal point and region A's coordinators see
# them; the trainer of the workshop only its confirmed roster.
AGENCY_A = frozenset({"officer_a", "focal_a"}) | COORDINATORS_OF_REGION
ROSTER_A = AGENCY_A | {"trainer_assigned"}


def _mark(w):
    return AttendanceMark.objects.filter(registration=w.past_registration).first()


def _completion(w):
    return Completion.objects.get(registration=w.past_registration)


def _far_workshop(w):
    """An open workshop long after the world's, so registering clashes with nothing."""
    start = timezone.now().replace(microsecond=0) + dt.timedelta(days=300)
    return WorkshopFactory(region=w.region, sessions=[(start, start + dt.timedelta(hours=3))])


ROUTES: dict[str, Route] = {
    "api:registration-list": L(
        (lambda w: w.registration, ROSTER_A),
        (lambda w: w.past_registration, ROSTER_A),
        # Not on a roster: pending, waitlisted, offered; another officer of agency A.
        (lambda w: w.pending_registration, {"focal_a"} | COORDINATORS_OF_REGION),
        (lambda w: w.requested_registration, AGENCY_A),
        (lambda w: w.waitlisted_registration, AGENCY_A),
        (lambda w: w.offered_registration, AGENCY_A),
    ),
    "api:registration-detail": Route(
        kwargs=lambda w: {"pk": w.registration.pk}, ok=MAY_SEE_OFFICER_A
    ),
    # Registering: any officer (a focal point is one too) with a read-and-write token, through
    # the registration service; staff without an agency are refused (403).
    "api:registration-list POST": Route(
        method="post",
        body=lambda w: {"workshop": _far_workshop(w).pk},
        ok=frozenset({"officer_a", "officer_b", "focal_a", "focal_b"}),
        ok_status=201,
        denied=(403,),
    ),
    # Only the officer's own registration; staff without an agency are refused (403).
    "api:registration-cancel": Route(
        kwargs=lambda w: {"pk": w.waitlisted_registration.pk},
        ok=frozenset({"officer_a"}),
        method="post",
        denied=(403, 404),
    ),
    "api:attendance-list": L((_mark, ROSTER_A)),
    "api:attendance-detail": Route(kwargs=lambda w: {"pk": _mark(w).pk}, ok=ROSTER_A),
    "api:completion-list": L((_completion, ROSTER_A)),
    "api:completion-detail": Route(kwargs=lambda w: {"pk": _completion(w).pk}, ok=ROSTER_A),
    "api:certificate-list": L((lambda w: w.certificate, AGENCY_A)),
    "api:certificate-detail": Route(kwargs=lambda w: {"pk": w.certificate.pk}, ok=AGENCY_A),
    # The signed credential is the holder's, as on the training record.
    "api:certificate-credential": Route(
        kwargs=lambda w: {"pk": w.certificate.pk}, ok=frozenset({"officer_a"})
    ),
}
