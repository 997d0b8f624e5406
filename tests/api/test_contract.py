"""The API keeps its OpenAPI contract: schemathesis sends every operation valid and invalid
requests (query values, ids, bodies) with a coordinator's read-only token and an officer's
read-and-write token, over the permission matrix's world, and checks that no answer is a
server error, and that every status code, content type and body is one the document declares.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.conftest import token_for
from tests.security.world import build_world
from trainingsite.wsgi import application

# Declared, so pytest-django sets the test database up (the tests ask for it at run time).
pytestmark = pytest.mark.django_db

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# Small: every operation × two tokens must run in about a minute on a small machine.
CONFIG = schemathesis.Config.from_dict(
    {
        "generation": {"mode": "all", "max-examples": 10, "deterministic": True},
        "phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}},
        "suppress-health-check": [
            "too_slow",
            "filter_too_much",
            "data_too_large",
        ],
    }
)


# One world per operation, shared by its examples (the officer's writes add up in it).
ONE_WORLD = [HealthCheck.function_scoped_fixture]

# Loaded at collection: the document is public and generated without the database.
# (WSGI test clients send no client address; the site's limits need one.)
schema = schemathesis.openapi.from_wsgi(
    "/api/v1/schema/", application, config=CONFIG, environ_overrides={"REMOTE_ADDR": "127.0.0.1"}
)


@pytest.fixture
def world(request, settings):
    # Throttling is tested elsewhere: here it would turn the examples into 429s.
    settings.API_RATE_LIMIT = "100000/minute"
    built = build_world(request)
    # The requests go through the WSGI handler, whose end closes the test's connection (and
    # its transaction); Django's test client keeps it open the same way.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield built
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(world):
    return {
        "coordinator": token_for(world.users["coord_a"], access="read"),
        "officer": token_for(world.users["officer_a"], access="write"),
    }


@schema.parametrize()
@hypothesis_settings(suppress_health_check=ONE_WORLD)
def test_contract_with_a_coordinators_read_token(case, tokens):
    case.call_and_validate(
        headers={"Authorization": f"Bearer {tokens['coordinator']}"}, checks=CHECKS
    )


@schema.parametrize()
@hypothesis_settings(suppress_health_check=ONE_WORLD)
def test_contract_with_an_officers_write_token(case, tokens):
    case.call_and_validate(headers={"Authorization": f"Bearer {tokens['officer']}"}, checks=CHECKS)


# Objects of the world each detail route is asked about, so that answers with data (which
# random ids rarely reach) are checked against the document too.
KNOWN_IDS = {
    "/api/v1/workshops/{id}/": lambda w: w.workshop.pk,
    "/api/v1/modules/{id}/": lambda w: w.module.pk,
    "/api/v1/officers/{id}/": lambda w: w.officer.pk,
    "/api/v1/registrations/{id}/": lambda w: w.registration.pk,
    "/api/v1/certificates/{id}/": lambda w: w.certificate.pk,
    "/api/v1/certificates/{id}/credential/": lambda w: w.certificate.pk,
    "/api/v1/completions/{id}/": lambda w: w.certificate.registration.completion.pk,
    "/api/v1/attendance/{id}/": lambda w: w.past_registration.attendance_marks.first().pk,
}


@pytest.mark.parametrize("role", ["officer_a", "focal_a", "trainer_assigned", "coord_a"])
def test_answers_about_the_worlds_objects_keep_the_contract(world, role):
    secret = token_for(world.users[role])
    asked = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.method.upper() != "GET":
            continue
        path_parameters = {}
        if "{id}" in operation.path:
            if operation.path not in KNOWN_IDS:
                continue
            path_parameters = {"id": KNOWN_IDS[operation.path](world)}
        case = operation.Case(path_parameters=path_parameters)
        case.call_and_validate(headers={"Authorization": f"Bearer {secret}"}, checks=CHECKS)
        asked += 1
    assert asked >= len(KNOWN_IDS) * 2


def test_the_document_declares_the_bearer_token_and_the_error_answers(client):
    document = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    document = document.json()
    assert document["components"]["securitySchemes"]["token"]["scheme"] == "bearer"
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            where = f"{method.upper()} {path}"
            assert operation["security"] == [{"token": []}], where
            assert {"401", "403", "429"} <= set(operation["responses"]), where
            if "{id}" in path or any(
                p["name"] == "cursor" for p in operation.get("parameters", ())
            ):
                assert "404" in operation["responses"], where
