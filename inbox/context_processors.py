"""The signed-in user's inbox counts for one request: the navigation badge and the dashboard
read the same numbers, counted once, and only if a page shows them."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from django.urls import reverse

from trainingsite.roles import has_role

from .items import KINDS, counts_for, total

STAFF_ROLES = ("focal_point", "trainer", "coordinator", "program_admin")


@dataclass
class Line:
    kind: str
    title: str
    count: int
    url: str


class Waiting:
    def __init__(self, user):
        self.user = user

    @cached_property
    def has_inbox(self) -> bool:
        return self.user is not None and has_role(self.user, *STAFF_ROLES)

    @cached_property
    def counts(self) -> dict[str, int]:
        return counts_for(self.user) if self.has_inbox else {}

    @property
    def total(self) -> int:
        return total(self.counts)

    @cached_property
    def lines(self) -> list[Line]:
        """Every kind of the user's roles with its count, zeros included, in inbox order."""
        url = reverse("inbox:index")
        return [
            Line(k.key, str(k.title), self.counts[k.key], f"{url}#{k.key}")
            for k in KINDS
            if k.key in self.counts
        ]


def waiting(request):
    """`waiting`: the user's inbox counts, computed on first use."""
    return {"waiting": Waiting(getattr(request, "user", None))}
