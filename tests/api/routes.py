"""The API matrix's vocabulary (tests/api/test_api_matrix.py): roles, and how a route is
declared."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

TOKEN_ROLES = [
    "officer_a",
    "officer_b",
    "focal_a",
    "focal_b",
    "trainer_assigned",
    "trainer_other",
    "coord_a",
    "coord_b",
    "admin",
]
EVERYONE = frozenset(TOKEN_ROLES)
COORDINATORS_OF_REGION = frozenset({"coord_a", "admin"})
STAFF_OF_WORKSHOP = COORDINATORS_OF_REGION | {"trainer_assigned"}
MAY_SEE_OFFICER_A = frozenset({"officer_a", "focal_a"}) | STAFF_OF_WORKSHOP


@dataclass(frozen=True)
class Route:
    kwargs: Callable = lambda w: {}
    ok: frozenset = EVERYONE  # roles answered `ok_status`; the others 404 (403 for a write)
    # (object of the world, roles whose list shows it) pairs, for list routes.
    listed: tuple = ()
    method: str = "get"
    body: Callable = lambda w: {}
    ok_status: int = 200
    denied: tuple = (404,)
    extra: dict = field(default_factory=dict)


def L(*listed, **kw) -> Route:
    return Route(listed=tuple(listed), **kw)
