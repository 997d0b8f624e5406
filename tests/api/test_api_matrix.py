"""Every route of the REST API × every vetted role's token (read-only and read-write) → the
declared answer, from the permission matrix's world (tests/security/world.py).

Lists answer 200 to every token; what they hold is declared per object (`listed`): the roles
whose list shows it, every other role's list must not. Details answer 200 to `ok` and 404 to the
rest (out of scope is never data). Writes need a read-and-write token: a read-only one gets 403
and changes nothing. Officer A's e-mail address appears only in answers to those who may see it.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from tests.api import people, records
from tests.api.conftest import token_for
from tests.api.routes import EVERYONE, MAY_SEE_OFFICER_A, TOKEN_ROLES, L, Route
from tests.security.urltable import api_url_names
from tests.security.world import build_world

pytestmark = pytest.mark.django_db

ROUTES: dict[str, Route] = {
    "api:workshop-list": L(
        (lambda w: w.workshop, EVERYONE),
        (lambda w: w.past_workshop, EVERYONE),
    ),
    "api:workshop-detail": Route(kwargs=lambda w: {"pk": w.workshop.pk}),
}
ROUTES.update(records.ROUTES)
ROUTES.update(people.ROUTES)


def client_of(world, role: str, access: str = "read") -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_for(world.users[role], access=access)}")
    return client


def ids_of(response) -> set:
    return {row["id"] for row in response.json()["results"]}


def url_name(key: str) -> str:
    """A route's URL name: a key may add the method it declares ("api:x-list POST")."""
    return key.partition(" ")[0]


def test_every_api_route_is_declared():
    names = set(api_url_names()) - {"api_schema", "api_docs"}
    declared = {url_name(key) for key in ROUTES}
    assert names - declared == set(), "declare who may use these API routes"
    assert declared - names == set(), "stale API routes"


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_each_token_gets_its_declared_answer(request, name):
    route = ROUTES[name]
    world = build_world(request)
    url = reverse(url_name(name), kwargs=route.kwargs(world))
    for role in TOKEN_ROLES:
        for access in ("read", "write") if route.method != "get" else ("read",):
            client = client_of(world, role, access)
            send = getattr(client, route.method)
            response = (
                send(url, route.body(world), format="json") if route.method != "get" else send(url)
            )
            where = f"{route.method.upper()} {name} as {role} ({access}): {response.status_code}"
            if route.method != "get" and access == "read":
                assert response.status_code == 403, where
            elif role in route.ok:
                assert response.status_code == route.ok_status, where
                for obj, roles in route.listed:
                    shown = obj(world).pk in ids_of(response)
                    assert shown == (role in roles), f"{where}: {obj(world)!r} shown={shown}"
            else:
                assert response.status_code in route.denied, where
            if role not in MAY_SEE_OFFICER_A:
                assert world.officer.email.encode() not in response.content, where
