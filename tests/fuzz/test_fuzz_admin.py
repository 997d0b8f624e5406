"""Django's admin, fuzzed as a superuser: the site's ModelAdmin classes (search fields, filters,
inlines, read-only rules, custom actions) meet hostile input. Never a 500, and a refused form
changes nothing, as for the site's own pages (test_fuzz_views.py, whose payloads this reuses).

For every registered model: its change list with hostile search, ordering, page and filter
parameters (the filter names are read from the page's own filter links), its add and change
forms as rendered, its change-list action form, and hostile object ids in the change URL; and,
deterministically, an id beyond 64 bits in each of those fields that carries ids.
"""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qsl, quote, urlsplit

import pytest
from django.contrib import admin
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from tests.factories import StaffFactory
from tests.fuzz.htmlforms import Form, parse_forms
from tests.fuzz.strategies import hostile_text
from tests.fuzz.test_fuzz_views import (
    FUZZ_SETTINGS,
    Target,
    _describe,
    _SessionClients,
    exchange,
    form_payloads,
    id_sweep,
    no_rate_limits,  # noqa: F401 - a fixture
    query_payloads,
)
from tests.security.world import World, build_world

pytestmark = pytest.mark.django_db

MODELS = sorted(admin.site._registry, key=lambda model: model._meta.label)
# The change list's own parameters (search, ordering, page, show all, popup, error flag).
CHANGELIST_KEYS = ["q", "o", "p", "all", "e", "_popup", "_to_field"]
_FILTER_LINK = re.compile(r'href="\?([^"]*)"')


def _url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def _changelist_query(path: str, html: str) -> Form:
    query = Form("get", path, False)
    for key in CHANGELIST_KEYS:
        query.add(key, "text", None)
    for link in _FILTER_LINK.findall(html):
        for key, value in parse_qsl(unescape(link), keep_blank_values=True):
            query.add(key, "text", value)
    return query


def _targets(model, client) -> list[Target]:
    changelist = _url(model, "changelist")
    response = client.get(changelist)
    assert response.status_code == 200, f"{model._meta.label} change list: {response.status_code}"
    html = response.content.decode()
    targets = [Target("get", "superuser", changelist, query=_changelist_query(changelist, html))]
    targets += [
        Target("post", "superuser", changelist, form=f)
        for f in parse_forms(html, changelist)
        if f.method == "post"
    ]
    pages = [_url(model, "add")]
    obj = model._default_manager.order_by("pk").first()
    if obj is not None:
        pages.append(_url(model, "change", obj.pk))
    for page in pages:
        response = client.get(page)
        if response.status_code != 200:  # no add or change permission: nothing to post
            continue
        targets += [
            Target("post", "superuser", page, form=f)
            for f in parse_forms(response.content.decode(), page)
            if f.method == "post" and urlsplit(f.action).path == page
        ]
    targets.append(Target("path", "superuser", changelist))
    return targets


def _payloads(target: Target) -> st.SearchStrategy:
    if target.kind == "get":
        return query_payloads(target.query)
    if target.kind == "path":
        return hostile_text.filter(bool).map(
            lambda v: {"path": f"{target.path}{quote(v, safe='')}/change/"}
        )
    return form_payloads(target.form)


def test_every_registered_model_is_fuzzed():
    labels = {model._meta.label for model in MODELS}
    assert {"attendees.User", "workshops.Workshop", "attendees.Agency"} <= labels


@pytest.mark.usefixtures("no_rate_limits")
@pytest.mark.parametrize("model", MODELS, ids=lambda model: model._meta.label)
def test_admin_hostile_input_never_errors_and_refusals_change_nothing(request, model):
    build_world(request)  # rows for every change list, filter and change page
    superuser = StaffFactory(is_staff=True, is_superuser=True, full_name="Super Sam")
    clients = _SessionClients(World(users={"superuser": superuser}, objects={}))
    targets = _targets(model, clients["superuser"])

    def send(target: Target, payload: dict):
        where = f"{target.kind.upper()} {model._meta.label} ({target.path}) {_describe(payload)}"
        response, changed = exchange(clients, target, payload, where)
        if changed:
            # The admin answers a save with a redirect; a form error re-renders with 200.
            status = response.status_code
            assert 300 <= status < 400, f"{status} changed {changed}: {where}"

    # Ids beyond 64 bits in the action selection, the forms' choices, the drill-down's year.
    for target, payload in id_sweep(targets, lambda t, v: {"path": f"{t.path}{v}/change/"}):
        send(target, payload)

    @FUZZ_SETTINGS
    @given(st.data())
    def fuzz(data):
        target = data.draw(st.sampled_from(targets), label="target")
        send(target, data.draw(_payloads(target), label="payload"))

    fuzz()
