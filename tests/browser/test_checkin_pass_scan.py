"""An officer's check-in pass, scanned by the trainer's phone with no network: the pass as
"My training" draws it is fed to the trainer's browser as its camera's picture."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone
from PIL import Image

from attendance.models import AttendanceChange, AttendanceMark
from tests.factories import PASSWORD, RegistrationFactory, WorkshopFactory

from .conftest import CHROMIUM, PHONE, login, shoot

pytestmark = [pytest.mark.browser, pytest.mark.slow]
FLOW = "offline"
WIDTH, HEIGHT = 640, 480


def _as_camera_video(png: bytes, path) -> None:
    """A Y4M video (Chromium's fake camera format) of the picture, centred on white."""
    picture = Image.open(io.BytesIO(png)).convert("L")
    picture.thumbnail((HEIGHT - 80, HEIGHT - 80))
    frame = Image.new("L", (WIDTH, HEIGHT), 255)
    frame.paste(picture, ((WIDTH - picture.width) // 2, (HEIGHT - picture.height) // 2))
    luma = frame.tobytes()
    chroma = bytes([128]) * (WIDTH * HEIGHT // 4)
    with open(path, "wb") as video:
        video.write(f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(5):
            video.write(b"FRAME\n" + luma + chroma + chroma)


def test_trainer_scans_an_officers_pass_offline_and_it_syncs(
    site, new_page, _playwright, trainer, region, officer, tmp_path
):
    start = timezone.now() - dt.timedelta(minutes=5)
    workshop = WorkshopFactory(
        region=region, trainers=[trainer], sessions=[(start, start + dt.timedelta(hours=3))]
    )
    session = workshop.sessions.get()
    registration = RegistrationFactory(workshop=workshop, officer=officer)

    # The officer's phone: the pass on My training.
    phone = new_page(viewport=PHONE)
    login(phone, site, officer, PASSWORD)
    phone.goto(f"{site}/my-training/")
    pass_code = phone.locator(f"[data-pass='{registration.pk}']")
    shoot(phone, FLOW, "04-officer-pass", both=False)
    video = tmp_path / "pass.y4m"
    _as_camera_video(pass_code.screenshot(), video)

    # The trainer's phone, whose camera sees that pass.
    browser = _playwright.chromium.launch(
        executable_path=CHROMIUM,
        args=[
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={video}",
        ],
    )
    try:
        context = browser.new_context(viewport=PHONE, locale="en-GB", permissions=["camera"])
        page = context.new_page()
        login(page, site, trainer, PASSWORD)
        page.goto(f"{site}/attendance/today/")
        page.locator(f"[data-registration='{registration.pk}']").wait_for()
        page.evaluate("navigator.serviceWorker.ready.then(() => true)")
        page.reload()  # under the worker: the page, its scripts and the QR reader are kept
        page.locator("#scan-panel").wait_for()

        context.set_offline(True)
        page.reload()
        page.get_by_role("button", name="Scan with the camera").click()
        page.locator("#scan-result.alert-success").wait_for(timeout=20000)
        assert officer.full_name in page.locator("#scan-result").inner_text()
        page.locator("#offline-queue[data-count='1']").wait_for()
        shoot(page, FLOW, "05-pass-scanned", both=False)
        # The camera keeps seeing the pass: the officer is checked in once.
        page.wait_for_timeout(4500)
        page.locator("#scan-result.alert-info").wait_for()
        assert page.locator("#offline-queue").get_attribute("data-count") == "1"
        page.get_by_role("button", name="Stop the camera").click()
        assert not AttendanceChange.objects.exists()

        # A code that is not a pass, typed by a handheld scanner.
        page.fill("#scan-input", "not a pass")
        page.press("#scan-input", "Enter")
        page.get_by_text("This is not a check-in pass.").wait_for()

        context.set_offline(False)
        page.locator("#offline-queue[data-count='0']").wait_for()
        page.get_by_text("All marks are sent.").wait_for()
        context.close()
    finally:
        browser.close()

    change = AttendanceChange.objects.get()
    assert (change.registration_id, change.session_id, change.changed_by) == (
        registration.pk,
        session.pk,
        trainer,
    )
    assert change.source == "offline" and change.synced_at > change.changed_at
    assert AttendanceMark.objects.get().status == "present"
