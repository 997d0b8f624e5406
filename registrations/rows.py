"""The coordinator's registration lists as plain rows.

A 300-officer workshop has 300 rows, each with its history and its own actions form: they are
read as `.values()` dicts (two queries, waitlist positions in Python) and each row is a dict of
what it shows (`row_data`). Rendering them is most of the page's cost, so each list's HTML is
cached under its rows, the language and the time zone: any change to what a row shows is a new
key, and nothing has to be invalidated.
"""

from __future__ import annotations

from django.utils.translation import gettext

from registrations.models import Registration, RegistrationEvent

State = Registration.State
# Rows show officers' names: erasing one leaves a cached copy for at most this long.
CACHE_SECONDS = 300
# The actions each list offers (pending rows: approve only while "pending", not "nomination";
# a nomination the officer has not answered yet can only be taken back).
ACTIONS = {
    "confirmed": ("remove",),
    "waitlisted": ("decline", "remove"),
    "inactive": (),
}


REG_FIELDS = (
    "pk", "state", "created_at", "confirmed_at", "waitlisted_at",
    "officer_id", "officer__full_name", "officer__rank", "officer__email", "officer__agency__name",
    "endorsed_by_id", "endorsed_by__full_name", "endorsed_by__email",
    "nominated_by_id", "nominated_by__full_name", "nominated_by__email",
)  # fmt: skip
EVENT_FIELDS = (
    "registration_id", "created_at", "from_state", "to_state", "reason",
    "actor_id", "actor__full_name", "actor__email",
)  # fmt: skip


def load(registrations) -> list[dict]:
    """A workshop's registrations (a scoped queryset of one workshop, all of it) as dicts in
    list order, with their `events` and `waitlist_position`: two queries."""
    regs = list(registrations.order_by("created_at", "pk").values(*REG_FIELDS))
    events: dict[int, list[dict]] = {reg["pk"]: [] for reg in regs}
    history = RegistrationEvent.objects.filter(registration__in=registrations.values("pk"))
    for ev in history.order_by("created_at", "pk").values(*EVENT_FIELDS):
        # A registration committed between the two queries has events but no row yet: it
        # shows on the next load.
        if (bucket := events.get(ev["registration_id"])) is not None:
            bucket.append(ev)
    positions = waitlist_positions(regs)
    for reg in regs:
        reg["events"] = events[reg["pk"]]
        reg["waitlist_position"] = positions.get(reg["pk"])
    return regs


def waitlist_positions(regs: list[dict]) -> dict[int, int]:
    """1-based waitlist positions, as `RegistrationQuerySet.with_waitlist_position` computes
    them (first come, first served by waitlisted_at then id), for a whole workshop at once."""
    waiting = [r for r in regs if r["state"] == State.WAITLISTED]
    dated = sorted(
        (r for r in waiting if r["waitlisted_at"]), key=lambda r: (r["waitlisted_at"], r["pk"])
    )
    positions = {r["pk"]: 1 for r in waiting}  # SQL compares NULL as unknown: nobody is ahead
    positions.update({r["pk"]: i for i, r in enumerate(dated, 1)})
    return positions


def _person(full_name: str | None, email: str | None) -> str:
    return full_name or email or ""  # User.__str__


def row_data(
    reg: dict, section: str, error: dict | None, labels: dict, lacks: list[str] | None = None
) -> dict:
    """Everything the row shows. `labels`: the state labels in the active language, looked up
    once (get_state_display per row rebuilds the choices each call); `lacks`: the titles of the
    prerequisite modules the officer has not completed (and no waiver for)."""
    actions: tuple[str, ...]
    if section == "pending" and reg["state"] == State.OFFERED:
        actions = ("remove",)
    elif section == "pending":
        actions = ("approve", "decline") if reg["state"] == State.PENDING else ("decline",)
    else:
        actions = ACTIONS[section]
    return {
        "section": section,
        "pk": reg["pk"],
        "state": reg["state"],
        "state_label": labels[reg["state"]],
        "name": reg["officer__full_name"],
        "rank": reg["officer__rank"],
        "agency": reg["officer__agency__name"] or "",
        "email": reg["officer__email"],
        "endorsed_by": _person(reg["endorsed_by__full_name"], reg["endorsed_by__email"])
        if reg["endorsed_by_id"]
        else "",
        "nominated_by": _person(reg["nominated_by__full_name"], reg["nominated_by__email"])
        if reg["nominated_by_id"]
        else "",
        "created_at": reg["created_at"],
        "confirmed_at": reg["confirmed_at"],
        "waitlisted_at": reg["waitlisted_at"],
        "position": reg["waitlist_position"],
        "actions": actions,
        "lacks": lacks or [],
        "error": error or None,
        "events": [
            {
                "created_at": ev["created_at"],
                "from": labels.get(ev["from_state"], ev["from_state"]) if ev["from_state"] else "",
                "to": labels.get(ev["to_state"], ev["to_state"]),
                "actor": _person(ev["actor__full_name"], ev["actor__email"])
                if ev["actor_id"]
                else "",
                "reason": ev["reason"],
            }
            for ev in reg["events"]
        ],
    }


def rows_by_section(
    lists: dict[str, list], row_error: dict, gaps: dict[int, list[str]] | None = None
) -> dict[str, list[dict]]:
    """Each list's rows as `row_data` dicts. `gaps`: {officer_id: [prerequisite modules
    missing]} for the officers who lack some."""
    gaps = gaps or {}
    labels = {value: str(label) for value, label in State.choices}
    # The state's own label speaks to the officer; staff read whose answer it waits for.
    labels[State.OFFERED] = gettext("Nominated by the agency: awaiting the officer's answer")
    return {
        section: [
            row_data(reg, section, row_error.get(reg["pk"]), labels, gaps.get(reg["officer_id"]))
            for reg in regs
        ]
        for section, regs in lists.items()
    }
