"""Two trainers of one workshop mark the same officer on their own phones with no network. The
mark made last on its device is the officer's current mark, whichever phone syncs last; both
marks enter the history once each with their device times, and a mark sent again changes
nothing."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from attendance.models import AttendanceChange, AttendanceMark
from tests.factories import PASSWORD, RegistrationFactory, TrainerFactory, WorkshopFactory

from .conftest import PHONE, login, shoot

pytestmark = [pytest.mark.browser, pytest.mark.slow]
FLOW = "offline"

# Sends the body of an earlier sync again, as the page would (fresh CSRF token from the data).
RESEND = """async (body) => {
    const app = document.getElementById('offline-app');
    const accept = {'Accept': 'application/json'};
    const data = await (await fetch(app.dataset.dataUrl, {headers: accept})).json();
    const response = await fetch(app.dataset.syncUrl, {method: 'POST', body: body,
        headers: {...accept, 'Content-Type': 'application/json', 'X-CSRFToken': data.csrf}});
    return response.json();
}"""


def _today_offline(page, site, user, session, registration):
    """Sign in, open today's page under the service worker, then lose the network."""
    login(page, site, user, PASSWORD)
    page.goto(f"{site}/attendance/today/")
    row = page.locator(f"[data-session='{session.pk}'] [data-registration='{registration.pk}']")
    row.wait_for()
    # Once the worker controls the page, loading it again keeps a copy for offline use.
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    row.wait_for()
    page.context.set_offline(True)
    page.reload()  # from the service worker's copy; the roster from the encrypted store
    row.wait_for()
    return row


def test_the_mark_made_last_wins_whichever_phone_syncs_last(
    site, new_page, trainer, region, officer
):
    start = timezone.now() - dt.timedelta(minutes=5)
    second_trainer = TrainerFactory(full_name="Trainer Tina")
    workshop = WorkshopFactory(
        region=region,
        trainers=[trainer, second_trainer],
        sessions=[(start, start + dt.timedelta(hours=3))],
    )
    session = workshop.sessions.get()
    alice = RegistrationFactory(workshop=workshop, officer=officer)
    history = AttendanceChange.objects.filter(session=session, registration=alice)

    phone_a, phone_b = new_page(viewport=PHONE), new_page(viewport=PHONE)
    posts: dict[str, list[str]] = {"a": [], "b": []}
    for name, page in (("a", phone_a), ("b", phone_b)):
        page.on(
            "request",
            lambda r, sent=posts[name]: (
                sent.append(r.post_data)
                if r.method == "POST" and "/attendance/sync/" in r.url
                else None
            ),
        )
    row_a = _today_offline(phone_a, site, trainer, session, alice)
    row_b = _today_offline(phone_b, site, second_trainer, session, alice)

    # Tom marks Alice absent; a second later Tina, on her phone, marks her present.
    before = timezone.now()
    row_a.locator("[data-mark='absent']").click()
    phone_a.locator("#offline-queue[data-count='1']").wait_for()
    phone_a.wait_for_timeout(1100)
    row_b.locator("[data-mark='present']").click()
    phone_b.locator("#offline-queue[data-count='1']").wait_for()
    made = timezone.now()
    assert not AttendanceChange.objects.exists()

    # Tina's phone finds the network first: her (later) mark is the current one.
    phone_b.context.set_offline(False)
    phone_b.locator("#offline-queue[data-count='0']").wait_for()
    phone_b.get_by_text("All marks are sent.").wait_for()
    assert AttendanceMark.objects.get(session=session, registration=alice).status == "present"
    # Tom's phone, still offline, shows his own mark, waiting.
    expect(row_a.locator("[data-mark='absent']")).to_have_attribute("aria-pressed", "true")
    expect(row_a).to_contain_text("Not yet sent")

    # Tom's older mark arrives last: recorded, but the current mark stays Tina's.
    phone_a.context.set_offline(False)
    phone_a.locator("#offline-queue[data-count='0']").wait_for()
    phone_a.get_by_text("All marks are sent.").wait_for()
    assert (len(posts["a"]), len(posts["b"])) == (1, 1)

    current = AttendanceMark.objects.get(session=session, registration=alice)
    assert (current.status, current.marked_by, current.source) == (
        "present",
        second_trainer,
        "offline",
    )
    changes = list(history.order_by("changed_at"))
    assert [(c.changed_by, c.new_status, c.source) for c in changes] == [
        (trainer, "absent", "offline"),
        (second_trainer, "present", "offline"),
    ]
    toms, tinas = changes
    assert before - dt.timedelta(seconds=1) <= toms.changed_at < tinas.changed_at <= made
    assert tinas.changed_at - toms.changed_at >= dt.timedelta(seconds=1)
    assert current.marked_at == tinas.changed_at
    assert tinas.synced_at < toms.synced_at  # Tom's reached the server last
    for change in changes:
        assert change.changed_at < change.synced_at
    assert len({c.client_id for c in changes}) == 2

    # Tom's page, refreshed by the sync, shows Tina's mark.
    expect(row_a.locator("[data-mark='present']")).to_have_attribute("aria-pressed", "true")
    expect(row_a.locator("[data-mark='absent']")).to_have_attribute("aria-pressed", "false")
    expect(row_a.locator(".badge")).to_have_text("Present")
    expect(row_a).not_to_contain_text("Not yet sent")
    shoot(phone_a, FLOW, "conflict-01-older-mark-synced-last")

    # Another `online` event: nothing is left on Tom's phone to send.
    with phone_a.expect_response(lambda r: "/attendance/today/data/" in r.url):
        phone_a.evaluate("window.dispatchEvent(new Event('online'))")
    phone_a.locator("#offline-app[data-syncing='0']").wait_for()
    assert len(posts["a"]) == 1

    # Each phone's queue sent once more (a sync whose answer was lost): answered "duplicate",
    # nothing recorded, the current mark unchanged.
    for page, sent in ((phone_a, posts["a"]), (phone_b, posts["b"])):
        answer = page.evaluate(RESEND, sent[0])
        client_ids = [m["client_id"] for m in json.loads(sent[0])["marks"]]
        assert [(r["client_id"], r["result"]) for r in answer["results"]] == [
            (client_id, "duplicate") for client_id in client_ids
        ]
    assert list(history.order_by("changed_at")) == changes
    assert AttendanceChange.objects.count() == 2
    again = AttendanceMark.objects.get(session=session, registration=alice)
    assert (again.status, again.marked_by, again.marked_at) == (
        "present",
        second_trainer,
        tinas.changed_at,
    )
