"""What waits for a user: the items of a staff member's inbox, and how many of each.

Each kind is the scoped QuerySet of the app that owns the work (`managed_by`, `vettable_by`,
`nominations_for`, `reviewable_by`, `run_by`, `visible_to`) filtered to what its page can act on,
so the inbox never lists what that page would refuse. A kind that is not the user's role is
None. Plain functions of the user: the inbox page, the dashboard, the navigation badge and the
daily digest (services.py) share them.

    counts_for(user)  -> {kind: n}, one query for every kind of the user's roles
    items_for(user)   -> [Section], the first rows of each kind with where to act on them
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import IntegerField, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from attendees.models import AgencyRequest, User
from outbox.models import Mail
from registrations.models import Registration
from trainingsite.roles import has_role
from workshops.models import Module, Workshop

State = Registration.State

# How many rows of each kind the inbox page lists; the section links to the full list.
SHOWN = 10


def registrations_to_approve(user) -> QuerySet | None:
    """Pending registrations of the coordinator's regions' workshops that still give seats
    (published, not started): what the approval page can approve or decline."""
    if not has_role(user, "coordinator"):
        return None
    return Registration.objects.decidable_by(user).filter(
        Q(workshop__starts_at__isnull=True) | Q(workshop__starts_at__gt=timezone.now()),
        state=State.PENDING,
        workshop__status=Workshop.Status.PUBLISHED,
    )


def nominations_to_endorse(user) -> QuerySet | None:
    """Registrations of the focal point's agency waiting for endorsement."""
    if not has_role(user, "focal_point"):
        return None
    return Registration.objects.nominations_for(user).filter(state=State.NOMINATION)


def officers_to_vet(user) -> QuerySet | None:
    """Officers waiting for a vetting decision: the vetting queue's default list."""
    if not has_role(user, "coordinator", "focal_point"):
        return None
    return User.objects.vettable_by(user).filter(status=User.Status.PENDING)


def name_changes(user) -> QuerySet | None:
    """Verified officers whose new name waits to be accepted for their certificates."""
    if not has_role(user, "coordinator", "focal_point"):
        return None
    return User.objects.vettable_by(user).name_change_requests()


def agency_requests(user) -> QuerySet | None:
    """Focal points' requests for changes to their agency's profile, waiting for a decision
    by a coordinator of its region (never their own agency's)."""
    if not has_role(user, "coordinator"):
        return None
    return AgencyRequest.objects.decidable_by(user).pending()


def modules_to_review(user) -> QuerySet | None:
    """Modules in review, for those who may publish (the curriculum review queue)."""
    if not has_role(user, "coordinator", "trainer"):
        return None
    return Module.objects.reviewable_by(user)


def modules_sent_back(user) -> QuerySet | None:
    """The user's own modules a publisher sent back to draft with a comment: the authors revise
    and resubmit them (resubmitting clears the comment)."""
    if not has_role(user, "coordinator", "trainer"):
        return None
    return (
        Module.objects.editable_by(user)
        .filter(authors=user, status=Module.Status.DRAFT)
        .exclude(review_comment="")
    )


def workshops_to_close(user) -> QuerySet | None:
    """Workshops the user runs that have ended but whose attendance is not closed yet (closing
    completes them): certificates wait for it."""
    if not has_role(user, "coordinator", "trainer"):
        return None
    return Workshop.objects.run_by(user).filter(
        status=Workshop.Status.PUBLISHED, ends_at__lt=timezone.now()
    )


def failed_deliveries(user) -> QuerySet | None:
    """E-mails given up after every retry, as the failed-deliveries page shows them."""
    if not has_role(user, "coordinator"):
        return None
    return Mail.objects.visible_to(user).given_up()


@dataclass(frozen=True)
class Kind:
    key: str
    title: Promise
    scope: Callable[[Any], QuerySet | None]
    url_name: str  # the page where all items of the kind are acted on


KINDS = [
    Kind(
        "registrations",
        _("Registrations to approve"),
        registrations_to_approve,
        "workshops:schedule",
    ),
    Kind(
        "nominations",
        _("Nominations to endorse"),
        nominations_to_endorse,
        "registration:nominations",
    ),
    Kind("officers", _("Officers to vet"), officers_to_vet, "vetting_queue"),
    Kind("name_changes", _("Name changes to decide"), name_changes, "vetting_queue"),
    Kind("agency_requests", _("Agency requests to decide"), agency_requests, "agency_list"),
    Kind("modules", _("Modules to review"), modules_to_review, "workshops:review_queue"),
    Kind("sent_back", _("Modules sent back to you"), modules_sent_back, "workshops:module_list"),
    Kind("workshops", _("Attendance to close"), workshops_to_close, "attendance:workshops"),
    Kind("deliveries", _("Failed deliveries"), failed_deliveries, "outbox:failed"),
]
KIND_KEYS = [kind.key for kind in KINDS]


class RowCount(Subquery):
    """The number of rows of a queryset, as a scalar subquery."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) _inbox_count)"
    output_field = IntegerField()


def count_each(user, querysets: dict[str, QuerySet]) -> dict[str, int]:
    """`{name: rows of queryset}` in one query, hung on the user's own row."""
    if not querysets:
        return {}
    # Prefixed: a name such as "registrations" is a relation of User.
    counts = {f"n_{k}": RowCount(qs.order_by().values("pk")) for k, qs in querysets.items()}
    row = User.objects.filter(pk=user.pk).values(**counts).first() or {}
    return {k: row.get(f"n_{k}", 0) for k in querysets}


def _scopes(user) -> dict[str, QuerySet]:
    scopes = {}
    for kind in KINDS:
        qs = kind.scope(user)
        # none() (a trainer without publish rights) is not a kind of theirs.
        if qs is not None and not qs.query.is_empty():
            scopes[kind.key] = qs
    return scopes


def counts_for(user) -> dict[str, int]:
    """How many items of each kind wait for `user`: every kind of their roles, counted in one
    query (none for a user without a staff role); kinds outside their roles are absent."""
    return count_each(user, _scopes(user))


def total(counts: dict[str, int]) -> int:
    return sum(counts.values())


@dataclass
class Section:
    kind: str
    title: Promise
    count: int
    url: str  # where every item of the kind is acted on
    rows: list = field(default_factory=list)  # the first SHOWN, each with `inbox_url`


def workshops_awaiting_approval(user, limit: int, regs: QuerySet | None = None) -> list:
    """The first workshops with registrations to approve, soonest first, each with `waiting`
    (how many) and `inbox_url` (its approval page): registrations are approved per workshop."""
    regs = registrations_to_approve(user) if regs is None else regs
    if regs is None:
        return []
    waiting = regs.filter(workshop=OuterRef("pk")).order_by().values("pk")
    rows = list(
        Workshop.objects.editable_by(user)
        .filter(pk__in=regs.values("workshop_id"))
        .select_related("region")
        .annotate(waiting=RowCount(waiting))
        .order_by("starts_at", "pk")[:limit]
    )
    for w in rows:
        w.inbox_url = reverse("registration:workshop_registrations", args=[w.pk])
    return rows


def _rows(key: str, qs: QuerySet, user) -> list:
    """The first rows of one kind, each with the address of the page that acts on it."""
    if key == "registrations":
        return workshops_awaiting_approval(user, SHOWN, qs)
    if key == "nominations":
        rows = list(qs.select_related("officer", "workshop").order_by("created_at", "pk")[:SHOWN])
        url = reverse("registration:nominations")
        for r in rows:
            r.inbox_url = f"{url}#msg-{r.pk}"
        return rows
    if key in ("officers", "name_changes"):
        order = ("date_joined", "pk") if key == "officers" else ("agency__name", "full_name", "pk")
        rows = list(qs.select_related("agency").order_by(*order)[:SHOWN])
        anchor = "#name-change" if key == "name_changes" else ""
        for u in rows:
            u.inbox_url = reverse("vetting_detail", args=[u.pk]) + anchor
        return rows
    if key == "agency_requests":
        rows = list(
            qs.select_related("agency", "requested_by", "officer").order_by("requested_at", "pk")[
                :SHOWN
            ]
        )
        for r in rows:
            r.inbox_url = reverse("agency_detail", args=[r.agency_id]) + "#requests"
        return rows
    if key == "modules":
        rows = list(qs.select_related("track").order_by("submitted_at", "pk")[:SHOWN])
        for m in rows:
            m.inbox_url = reverse("workshops:module_detail", args=[m.pk])
        return rows
    if key == "sent_back":
        rows = list(qs.select_related("track").order_by("-updated_at", "pk")[:SHOWN])
        for m in rows:
            m.inbox_url = reverse("workshops:module_detail", args=[m.pk])
        return rows
    if key == "workshops":
        rows = list(qs.select_related("region").order_by("ends_at", "pk")[:SHOWN])
        for w in rows:
            w.inbox_url = reverse("attendance:roster", args=[w.pk])
        return rows
    rows = list(qs.select_related("workshop").order_by("-claimed_at", "-pk")[:SHOWN])
    url = reverse("outbox:failed")
    for mail in rows:
        mail.inbox_url = url
    return rows


def items_for(user, counts: dict[str, int] | None = None) -> list[Section]:
    """The sections of `user`'s inbox with waiting items, in a fixed order; `counts` from
    counts_for() when the caller has them. One query per section with items."""
    scopes = _scopes(user)
    counts = counts_for(user) if counts is None else counts
    sections = []
    for kind in KINDS:
        n = counts.get(kind.key, 0)
        if kind.key not in scopes or not n:
            continue
        rows = _rows(kind.key, scopes[kind.key], user)
        sections.append(Section(kind.key, kind.title, n, reverse(kind.url_name), rows))
    return sections
