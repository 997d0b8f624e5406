"""Two coordinators deciding one agency request at once: the second waits for the first's
row lock, then finds the request decided. One decision, one change, one mail."""

import pytest
from django.db import connection

from attendees.models import AgencyDomain, AgencyEvent, AgencyRequest
from attendees.services import decide_agency_request, request_agency_change
from outbox.models import Mail
from tests.locks import second_waits_for_first

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]


@pytest.mark.parametrize("second_approves", [True, False])
def test_two_coordinators_deciding_at_once_make_one_decision(
    focal_point, coordinator, program_admin, agency, second_approves
):
    asked, _created = request_agency_change(
        by=focal_point, kind=AgencyRequest.Kind.ADD_DOMAIN, value="new.agencya.gov"
    )
    waited, one, two = second_waits_for_first(
        lambda: decide_agency_request(request_id=asked.pk, by=coordinator, approve=True),
        lambda: decide_agency_request(
            request_id=asked.pk, by=program_admin, approve=second_approves
        ),
    )
    assert waited
    assert "error" not in one, one
    assert two == {"error": "This request was already decided: Approved by Coordinator Cara."}
    asked.refresh_from_db()
    assert (asked.status, asked.decided_by) == (AgencyRequest.Status.APPROVED, coordinator)
    events = AgencyEvent.objects.filter(agency=agency)
    assert events.filter(action=AgencyEvent.Action.REQUEST_DECIDED).count() == 1
    assert events.filter(action=AgencyEvent.Action.DOMAIN_ADDED).count() == 1
    assert AgencyDomain.objects.filter(domain="new.agencya.gov").count() == 1
    assert Mail.objects.filter(kind="agency", to=focal_point.email).count() == 1
