"""The records operations keep their OpenAPI contract: schemathesis sends each of them
positive and negative data with read-and-write tokens of an officer, a focal point and a
trainer; no answer is a 5xx and every answer matches the schema."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given
from hypothesis import settings as examples
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import ignored_auth

from tests.api.conftest import token_for
from tests.api.test_records import given as held_workshop
from tests.factories import RegistrationFactory, WorkshopFactory

pytestmark = pytest.mark.django_db
RECORDS = "^/api/v1/(registrations|attendance|completions|certificates)"


@pytest.fixture
def records_schema():
    # As Django's test client does: a request must not close the test's database connection.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    app = get_wsgi_application()
    # The schema is fetched without a token: rate limited by the client's address.
    schema = schemathesis.openapi.from_wsgi(
        "/api/v1/schema/?format=json", app, environ_base={"REMOTE_ADDR": "127.0.0.1"}
    )
    yield schema.include(path_regex=RECORDS)
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
@pytest.mark.parametrize("role", ["officer", "focal_point", "trainer"])
def test_records_operations_keep_their_contract(
    request, records_schema, region, officer, trainer, mode, role, settings
):
    settings.API_RATE_LIMIT = "100000/minute"
    held_workshop(region, [officer], trainer=trainer)
    RegistrationFactory(officer=officer, workshop=WorkshopFactory())
    user = request.getfixturevalue(role)
    headers = {"Authorization": f"Bearer {token_for(user, access='write')}"}
    operations = [result.ok() for result in records_schema.get_all_operations()]
    assert len(operations) == 11

    for operation in operations:

        @given(case=operation.as_strategy(generation_mode=mode))
        @examples(
            max_examples=10,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case):
            case.headers = {**(case.headers or {}), **headers}
            # The token is set here, not by schemathesis: tests/api/test_authentication.py
            # covers requests without one.
            case.call_and_validate(excluded_checks=[ignored_auth])

        check()
