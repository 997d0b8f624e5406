"""The coordinator's registration lists as cached row fragments.

A 300-officer workshop has 300 rows, each with its history and its own actions form: rendering
them is most of the page's cost. Each row is rendered from a plain dict holding everything it
shows (`row_data`), and cached under a digest of that dict, the language and the viewer's time
zone (trainingsite.fragments): a row changes key when anything it shows changes, so no write
needs to invalidate it. Rows are listed under their workshop's fragment group, which erasing an
officer deletes (a row shows names and e-mails). The CSRF token differs per response, so rows
carry a slot that is filled after they are joined.
"""

from __future__ import annotations

from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from attendees.models import Registration, RegistrationEvent
from attendees.services.forget import roster_rows_group
from trainingsite.fragments import fragments

State = Registration.State
CSRF_SLOT = "__csrf_token_slot__"
ROW_END = "<!--row-end-->"
# The actions each list offers (pending rows: approve only while "pending", not "nomination").
ACTIONS = {
    "confirmed": ("remove",),
    "waitlisted": ("decline", "remove"),
    "inactive": (),
}


REG_FIELDS = (
    "pk", "state", "created_at", "confirmed_at", "waitlisted_at",
    "officer__full_name", "officer__rank", "officer__email", "officer__agency__name",
    "endorsed_by_id", "endorsed_by__full_name", "endorsed_by__email",
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


def row_data(reg: dict, section: str, error: dict | None, labels: dict) -> dict:
    """Everything the row shows, and nothing else: it is also the row's cache key. `labels`:
    the state labels in the active language (get_state_display per row costs more than the
    rest of the row)."""
    if section == "pending":
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
        "created_at": reg["created_at"],
        "confirmed_at": reg["confirmed_at"],
        "waitlisted_at": reg["waitlisted_at"],
        "position": reg["waitlist_position"],
        "actions": actions,
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


def render_rows(
    request, lists: dict[str, list], row_error: dict, *, workshop_id: int
) -> dict[str, SafeString]:
    """Each list's rows as one HTML string."""
    zone = request.user.time_zone
    labels = {value: str(label) for value, label in State.choices}
    rows = {
        section: [row_data(reg, section, row_error.get(reg["pk"]), labels) for reg in regs]
        for section, regs in lists.items()
    }
    everything = [row for section_rows in rows.values() for row in section_rows]

    def render(missing: list[dict]) -> list[str]:
        html = render_to_string(
            "attendees/registration/_rows.html",
            {"rows": missing, "user": request.user, "csrf_slot": CSRF_SLOT, "row_end": ROW_END},
        )
        return html.split(ROW_END)[:-1]

    html = iter(
        fragments(
            "registration-row",
            everything,
            lambda row: (zone, row),
            render,
            group=roster_rows_group(workshop_id),
        )
    )
    token = escape(get_token(request))
    return {
        section: mark_safe(  # noqa: S308 (our template's rows; the token is escaped)
            "".join(next(html) for _row in section_rows).replace(CSRF_SLOT, token)
        )
        for section, section_rows in rows.items()
    }
