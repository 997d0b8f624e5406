"""A trainer takes attendance with no network: the page comes back from the service worker,
marks and an officer's check-in queue on the device, and reach the server once when the
connection returns, with the time they were made."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from attendance.models import AttendanceChange, AttendanceMark, CheckInCode
from tests.factories import PASSWORD, RegistrationFactory, WorkshopFactory

from .conftest import CHROMIUM, PHONE, axe_violations, login, shoot

pytestmark = pytest.mark.browser
FLOW = "offline"


def test_trainer_marks_offline_and_the_marks_sync_once_when_back_online(
    site, new_page, trainer, region, officer, other_agency_officer
):
    start = timezone.now() - dt.timedelta(minutes=5)
    workshop = WorkshopFactory(
        region=region, trainers=[trainer], sessions=[(start, start + dt.timedelta(hours=3))]
    )
    session = workshop.sessions.get()
    alice = RegistrationFactory(workshop=workshop, officer=officer)
    bob = RegistrationFactory(workshop=workshop, officer=other_agency_officer)
    posts = []

    page = new_page(viewport=PHONE)
    page.on(
        "request",
        lambda r: posts.append(r.url) if r.method == "POST" and "/attendance/sync/" in r.url else 0,
    )
    login(page, site, trainer, PASSWORD)
    page.goto(f"{site}/attendance/today/")
    card = page.locator(f"[data-session='{session.pk}']")
    card.locator(f"[data-registration='{bob.pk}']").wait_for()
    # Once the worker controls the page, loading it again keeps a copy for offline use.
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    card.locator(f"[data-registration='{bob.pk}']").wait_for()
    code = CheckInCode.objects.get(session=session).code

    page.context.set_offline(True)
    page.reload()  # from the service worker's copy; the rosters from the encrypted store
    card.locator(f"[data-registration='{bob.pk}']").wait_for()
    before = timezone.now()
    card.locator(f"[data-registration='{bob.pk}'] [data-mark='absent']").click()
    # Officer Alice types the session's code on the trainer's phone.
    card.locator("select").select_option(str(alice.pk))
    card.locator("input").fill(code[:4] + "-" + code[4:].lower())
    card.get_by_role("button", name="Check in").click()
    page.locator("#offline-queue[data-count='2']").wait_for()
    made = timezone.now()
    shoot(page, FLOW, "01-offline-queue", both=False)
    assert not AttendanceChange.objects.exists()

    page.wait_for_timeout(1100)  # so the sync's time is clearly after the marks' time
    page.context.set_offline(False)  # the `online` event sends the queue
    page.locator("#offline-queue[data-count='0']").wait_for()
    page.get_by_text("All marks are sent.").wait_for()
    shoot(page, FLOW, "02-synced")
    assert axe_violations(page, site) == []

    changes = list(AttendanceChange.objects.order_by("changed_at"))
    assert [(c.registration_id, c.source) for c in changes] == [
        (bob.pk, "offline"),
        (alice.pk, "offline"),
    ]
    for change in changes:
        assert before - dt.timedelta(seconds=1) <= change.changed_at <= made
        assert change.synced_at - change.changed_at >= dt.timedelta(seconds=1)
        assert change.changed_by == trainer
    statuses = dict(AttendanceMark.objects.values_list("registration_id", "status"))
    assert statuses == {bob.pk: "absent", alice.pk: "present"}
    assert len(posts) == 1

    # A second sync finds nothing left to send.
    with page.expect_response(lambda r: "/attendance/today/data/" in r.url):
        page.evaluate("window.dispatchEvent(new Event('online'))")
    page.locator("#offline-app[data-syncing='0']").wait_for()
    assert len(posts) == 1
    assert AttendanceChange.objects.count() == 2

    # Signing out removes the page's copy and the device's store.
    stored = (
        "Promise.all([indexedDB.databases(), caches.keys()]).then(([d, c]) => "
        "d.map(x => x.name).concat(c))"
    )
    assert {"trainingsite-offline", "trainingsite-today"} <= set(page.evaluate(stored))
    with page.expect_navigation():  # the account menu's form (folded away on a phone)
        page.evaluate("document.querySelector('form[action$=\"/accounts/logout/\"]').submit()")
    kept = set(page.evaluate(stored))
    assert not {"trainingsite-offline", "trainingsite-today"} & kept, kept


def test_the_site_meets_chromiums_installability_criteria(site, _playwright, trainer, tmp_path):
    """What Lighthouse's installability audit asked of the browser: a manifest with its name,
    start URL, display mode and 192/512 px icons, and a service worker controlling the page.
    (A persistent profile: Chromium never offers to install from an incognito one.)"""
    context = _playwright.chromium.launch_persistent_context(
        tmp_path / "profile",
        executable_path=CHROMIUM,
        args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        viewport=PHONE,
    )
    try:
        page = context.new_page()
        login(page, site, trainer, PASSWORD)
        page.goto(f"{site}/attendance/today/")
        page.evaluate("navigator.serviceWorker.ready.then(() => true)")
        cdp = context.new_cdp_session(page)
        assert cdp.send("Page.getAppManifest")["errors"] == []
        assert cdp.send("Page.getInstallabilityErrors")["installabilityErrors"] == []
    finally:
        context.close()


def test_an_officers_coming_workshops_open_offline_until_they_sign_out(
    site, new_page, region, officer
):
    start = timezone.now().replace(microsecond=0) + dt.timedelta(days=3)
    workshop = WorkshopFactory(
        title="Tracing mixers",
        region=region,
        venue_name="Police Academy, Hall B",
        sessions=[(start, start + dt.timedelta(hours=3))],
    )
    RegistrationFactory(workshop=workshop, officer=officer)
    page = new_page(viewport=PHONE)
    login(page, site, officer, PASSWORD)
    page.goto(f"{site}/my-training/")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()  # now under the worker: a copy is kept

    page.context.set_offline(True)
    page.reload()
    page.get_by_text("Tracing mixers").first.wait_for()
    # The check-in pass is in the kept copy: the officer shows it in a room with no network.
    assert page.locator("[data-pass] svg").is_visible()
    shoot(page, FLOW, "03-my-training-offline", both=False)
    # Any other page says the site is offline instead of showing a stale copy.
    page.goto(f"{site}/workshops/")
    assert "Tracing mixers" not in page.content()
    page.context.set_offline(False)

    page.goto(f"{site}/my-training/")
    with page.expect_navigation():
        page.evaluate("document.querySelector('form[action$=\"/accounts/logout/\"]').submit()")
    assert "trainingsite-my-training" not in page.evaluate("caches.keys()")


def test_sign_out_sends_waiting_marks_first_and_asks_before_deleting_any(
    site, new_page, trainer, region, officer
):
    start = timezone.now() - dt.timedelta(minutes=5)
    workshop = WorkshopFactory(
        region=region, trainers=[trainer], sessions=[(start, start + dt.timedelta(hours=3))]
    )
    registration = RegistrationFactory(workshop=workshop, officer=officer)
    page = new_page(viewport=PHONE)
    login(page, site, trainer, PASSWORD)
    page.goto(f"{site}/attendance/today/")
    row = page.locator(f"[data-registration='{registration.pk}']")
    row.wait_for()
    # The server cannot be reached for sending: the mark waits on the device.
    page.route("**/attendance/sync/", lambda route: route.abort())
    row.locator("[data-mark='late']").click()
    page.locator("#offline-queue[data-count='1']").wait_for()
    page.locator("#offline-app[data-syncing='0']").wait_for()

    dialogs = []

    def dismiss(dialog):
        dialogs.append(dialog.message)
        dialog.dismiss()

    sign_out = "document.querySelector('form[action$=\"/accounts/logout/\"]').requestSubmit()"
    page.once("dialog", dismiss)
    page.evaluate(sign_out)
    page.wait_for_timeout(1000)
    assert dialogs and "not yet sent from this device: 1" in dialogs[0]
    # Kept: still signed in, the mark still waiting.
    assert page.url.endswith("/attendance/today/")
    assert page.locator("#offline-queue").get_attribute("data-count") == "1"
    assert "trainingsite-offline" in page.evaluate(
        "indexedDB.databases().then(d => d.map(x => x.name))"
    )
    assert not AttendanceChange.objects.exists()

    # The network is back: signing out sends the mark, then signs out without asking.
    page.unroute("**/attendance/sync/")
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    with page.expect_navigation():
        page.evaluate(sign_out)
    assert len(dialogs) == 1
    assert AttendanceMark.objects.get(registration=registration).status == "late"
    assert "trainingsite-offline" not in page.evaluate(
        "indexedDB.databases().then(d => d.map(x => x.name))"
    )


def test_a_lapsed_session_never_hands_its_kept_page_to_the_next_person(
    site, new_page, region, officer, other_agency_officer
):
    start = timezone.now().replace(microsecond=0) + dt.timedelta(days=3)
    workshop = WorkshopFactory(
        title="Tracing mixers", region=region, sessions=[(start, start + dt.timedelta(hours=3))]
    )
    RegistrationFactory(workshop=workshop, officer=officer)
    page = new_page(viewport=PHONE)
    login(page, site, officer, PASSWORD)
    page.goto(f"{site}/my-training/")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()  # kept for the officer
    kept = "caches.open('trainingsite-my-training').then(c => c.keys()).then(k => k.length)"
    assert page.evaluate(kept) == 1

    # The session lapses on the server: no sign-out answer ever reaches this device.
    page.context.clear_cookies()
    login(page, site, other_agency_officer, PASSWORD)
    page.context.set_offline(True)
    page.goto(f"{site}/my-training/")
    assert "Tracing mixers" not in page.content()
    page.get_by_text("No connection").first.wait_for()
    assert page.evaluate(kept) == 0
