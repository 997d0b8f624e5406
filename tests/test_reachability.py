"""Every page a role may open is reachable by links from its dashboard: no address to type.

For each role, a crawl starts at the dashboard and follows same-site links (GET only, bounded),
resolving each to its URL name; a parametrised pattern counts as reached when some instance of
it is linked. The pages each role may open are the permission matrix's: where it gets 200.
"""

from __future__ import annotations

from collections import deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest
from django.test import Client
from django.urls import Resolver404, resolve, reverse

from tests.factories import WorkshopFactory, publish_directly
from tests.security.urltable import THIRD_PARTY_PREFIXES
from tests.security.world import build_world
from tests.signin import sign_in
from tests.test_permission_matrix import EXPECTATIONS
from workshops.models import Workshop

pytestmark = pytest.mark.django_db

CRAWLED_ROLES = ["officer_a", "focal_a", "trainer_assigned", "coord_a", "admin"]
MAX_PAGES = 400
# Instances of one pattern worth opening: the second roster links to nothing the first did not.
PER_PATTERN = 3
# Linked but not opened: files, not pages.
DOWNLOADS = {
    "agencies:record_export",
    "assessment_results:scores_csv",
    "attendance:certificate_pdf",
    "attendance:session_sheet",
    "credentials:credential_json",
    "credentials:credential_jwt",
    "invites:feed",
    "invites:workshop_ics",
    "reports:program_xlsx",
    "reports:program_gain_csv",
    "reports:workshop_export",
    "reports:download",
    "workshops:material_download",
}
# Pages no signed-in role reaches by a link, by design.
NOT_LINKED = {
    "healthz": "a monitoring endpoint",
    "web_manifest": "read by the browser from every page's <link rel=manifest>",
    "invites:feed": "the calendar application's address, shown to copy or opened as webcal:",
    "onboarding_request": "for people without an account, linked from the sign-in page",
    "credentials:verify": "for whoever holds a printed certificate (its QR code)",
    "credentials:verify_number": "printed on the certificate",
    "credentials:verify_json": "for software checking a certificate",
    "credentials:verify_shared": "the holder sends it to one verifier",
    "credentials:did_document": "read by verifiers' software (did:web)",
    "credentials:did_document_at_path": "read by verifiers' software (did:web with a path)",
    "credentials:jwks": "read by verifiers' software",
    "credentials:issuer": "the issuer named in every credential",
    "credentials:status_list": "named in every credential's status entry",
    "assessments:attempt": "opened by the test page's start button (a POST) or its link to "
    "an attempt in progress",
    # Linked from the officer's dashboard once the survey is sent (tests/surveys/test_views.py).
    "surveys:follow_up": "the follow-up survey's mail and, once sent, the dashboard",
    "attendance:today_data": "read by the today page's script",
    "attendance:service_worker": "registered by the today page's script",
}


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def _url_name(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name


def crawl(client: Client) -> set[str]:
    """URL names linked from the pages reachable from the dashboard."""
    start = reverse("dashboard")
    queue, seen_paths, opened = deque([start]), {start}, {}
    reached: set[str] = set()
    logout = reverse("account_logout")
    while queue and sum(opened.values()) < MAX_PAGES:
        path = queue.popleft()
        response = client.get(path)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        parser = _Links()
        parser.feed(response.content.decode())
        for href in parser.hrefs:
            href, _fragment = urldefrag(href)
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not parts.path.startswith("/"):
                continue  # another site, mailto:, or a fragment of this page
            target = parts.path
            if target == logout or target.lstrip("/").startswith(THIRD_PARTY_PREFIXES):
                continue
            name = _url_name(target)
            if name is None:
                continue
            reached.add(name)
            if name in DOWNLOADS or target in seen_paths:
                continue
            if opened.get(name, 0) >= PER_PATTERN:
                continue
            opened[name] = opened.get(name, 0) + 1
            seen_paths.add(target)
            queue.append(target)
    return reached


def may_open(role: str) -> set[str]:
    return {
        name
        for name, expect in EXPECTATIONS.items()
        if role in expect.ok and not expect.post_only and expect.ok_status in (200, 302)
    } - set(NOT_LINKED)


@pytest.mark.parametrize("role", CRAWLED_ROLES)
def test_every_page_of_a_role_is_linked_from_its_dashboard(request, role):
    world = build_world(request)
    publish_directly(world.module, number=2)  # a revision history, as modules soon have
    # A draft, as schedules always have: its "preview and publish" page is linked from it.
    WorkshopFactory(
        title="Draft workshop", region=world.workshop.region, status=Workshop.Status.DRAFT
    )
    client = Client()
    sign_in(client, world.users[role])
    reached = crawl(client)
    missing = may_open(role) - reached
    assert not missing, f"{role} may open these pages, but no link from the dashboard reaches them"
