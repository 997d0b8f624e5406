"""Every URL of the site, fuzzed with hostile input: never a 500, and a refusal changes nothing.

The URL list comes from the resolver (a new view is fuzzed without anyone listing it). For each
URL a role that may use it (the permission matrix's EXPECTATIONS) GETs it; the page's own
forms are read from its HTML (so allauth's and crispy's forms are covered as rendered), and
a POST-only view's form is found on the page that shows it. Hypothesis then sends, one request
per example: GETs with hostile values for the query parameters the view reads (its GET forms,
`request.GET` keys in its source, random extra keys), POSTs of each form with hostile, missing
and repeated fields and odd file uploads, hostile `<str:>` and `<int:>` path segments. Before
the random search, each field that carries ids and each `<int:>` segment gets an id beyond 64
bits (SQLite cannot bind one; the search seldom puts one there).

Each example runs in a savepoint that is rolled back, so every example meets the same world.
Budget: FUZZ_EXAMPLES examples per URL (default 12, deterministic; `make test` sets its own,
see the Makefile); raise it for a longer local run, e.g. `FUZZ_EXAMPLES=500 FUZZ_RANDOM=1
pytest tests/fuzz`. Runs on both databases: `make test` runs it on PostgreSQL, then again on
SQLite (the embedded default) with a smaller budget.
"""

from __future__ import annotations

import inspect
import logging
import os
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import quote

import pytest
from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, reverse
from django.urls.converters import IntConverter, StringConverter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fuzz.htmlforms import Form, parse_forms
from tests.fuzz.snapshot import changed_tables, table_digests
from tests.fuzz.strategies import IDS, Long, hostile_for, hostile_text, random_keys
from tests.security.urltable import API_PREFIX, KWARGS, named_patterns
from tests.security.world import World, build_world
from tests.signin import sign_in
from tests.test_permission_matrix import EXPECTATIONS

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "12"))
FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=not os.environ.get("FUZZ_RANDOM"),
    database=None,
    suppress_health_check=list(HealthCheck),
    print_blob=False,
)

# Django's admin is fuzzed model by model as a superuser in test_fuzz_admin.py.
# The admin has its own fuzz (test_fuzz_admin.py); the REST API answers tokens, not sessions,
# and schemathesis sends it hostile input from its OpenAPI document (tests/api/test_contract.py).
SKIPPED_PREFIXES = ("admin/", API_PREFIX)
# Arguments for library URLs that the permission matrix does not declare.
LIBRARY_KWARGS = {
    "account_confirm_email": {"key": "bogus-key"},
    "account_reset_password_from_key": {"uidb36": "1", "key": "bogus-key"},
}
# Which role fuzzes a page: the first of these that may use it.
ROLE_PREFERENCE = [
    "officer_a",
    "coord_a",
    "trainer_assigned",
    "focal_a",
    "admin",
    "officer_b",
    "trainer_other",
    "coord_b",
    "pending",
    "unconfirmed",
]
# POST-only views that no page of the world offers a form for; fuzzed with random fields.
FORMLESS = {
    "outbox:retry": "the world has no failed delivery to retry",
    "attendance:sync": "JSON sent by the today page's script, no form",
    "attendance:close": "a button only; the world's past workshop is already closed",
    "reconfirm_request": "a button only, shown once vetting expires",
    "two_factor_setup_send": "a button only, shown to staff without an authenticator",
    "workshops:workshop_publish": "its preview has no form: the world's workshop is published",
    "registration:prerequisite_waiver_revoke": (
        "a button only, shown when the workshop requires modules (the world's requires none)"
    ),
}
# Keys worth trying on any GET, besides the view's own.
COMMON_QUERY_KEYS = ["page", "q", "next", "format", "month", "region", "status", "sort"]
_GET_KEY = re.compile(r"""request\.GET(?:\.get|\.getlist|\.__getitem__)?[\(\[]\s*["']([^"']+)""")
_PLAUSIBLE = {
    "email": "fuzz.officer@example.org",
    "number": "1",
    "date": "2027-01-15",
    "time": "09:00",
    "datetime-local": "2027-01-15T09:00",
    "url": "https://example.org/",
    "tel": "+6512345678",
    "password": "a-long-Fuzz-passphrase-2026",
}


def all_urls() -> dict[str, URLPattern]:
    """`namespace:name` → pattern, for every named URL outside SKIPPED_PREFIXES."""
    return {name: pattern for name, (_r, pattern) in named_patterns(SKIPPED_PREFIXES).items()}


URLS = all_urls()


@dataclass
class Target:
    """One kind of request an example can send."""

    kind: str  # "get", "post", "path"
    role: str
    path: str
    form: Form | None = None
    query: Form | None = None  # the GET parameters the view reads
    path_kwarg: str = ""


def _kwargs(name: str, world) -> dict:
    if name in KWARGS:
        return KWARGS[name](world)
    return LIBRARY_KWARGS.get(name, {})


def _roles(name: str) -> list[str]:
    expect = EXPECTATIONS.get(name)
    if expect is None:  # allauth, set_language: signed out, officer, staff (TOTP enrolled)
        return ["anonymous", "officer_a", "coord_a"]
    roles = [next((r for r in ROLE_PREFERENCE if r in expect.ok), "coord_a")]
    if expect.public:
        roles.append("anonymous")
    return roles


def _is_post_only(name: str) -> bool:
    expect = EXPECTATIONS.get(name)
    return bool(expect and expect.post_only)


def _query_form(name: str, page_forms: list[Form], path: str) -> Form:
    """The GET parameters this view reads: its filter forms' fields (with their types and
    options), `request.GET` keys in its source, and common keys."""
    query = Form("get", path, False)
    for form in page_forms:
        if form.method == "get" and form.action == path:
            for field in form.fields.values():
                for value in field.valid_values or [None]:
                    query.add(field.name, field.kind, value)
    try:
        source = inspect.getsource(inspect.unwrap(URLS[name].callback))
    except (OSError, TypeError):
        source = ""
    for key in [*_GET_KEY.findall(source), *COMMON_QUERY_KEYS]:
        query.add(key, "text", None)
    return query


def _host_forms(world, clients, role: str, name: str, path: str) -> list[Form]:
    """The forms that post to `path`, found on the pages `role` may open (closest route
    first, so the page that shows the form is usually the first one tried; a page taking the
    same arguments is also opened with the target's, e.g. the roster of the same workshop)."""
    route = str(URLS[name].pattern)
    target_kwargs = _kwargs(name, world)

    def closeness(candidate: str) -> int:
        return -len(os.path.commonprefix([str(URLS[candidate].pattern), route]))

    pages = sorted(
        (
            n
            for n, e in EXPECTATIONS.items()
            if not e.post_only
            and e.ok_status == 200
            and (role in e.ok or (role == "anonymous" and e.public))
        ),
        key=lambda n: (closeness(n), n),
    )
    for page in pages:
        try:
            own_kwargs = _kwargs(page, world)
        except (AttributeError, KeyError):  # an object the accounts-only world lacks
            continue
        tries = [own_kwargs]
        if set(own_kwargs) == set(target_kwargs) and own_kwargs != target_kwargs:
            tries.insert(0, target_kwargs)
        for kwargs in tries:
            response = clients[role].get(reverse(page, kwargs=kwargs))
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            forms = [
                f
                for f in parse_forms(response.content.decode(), response.wsgi_request.path)
                if f.method == "post" and f.action == path
            ]
            if forms:
                return forms
    return []


_FORM_IN_SOURCE = re.compile(r"\b(\w+Form)\(\s*(?:data=)?request\.POST")
_POST_KEY = re.compile(r"""request\.POST\.get\(\s*["']([^"']+)""")


def _source_form(name: str, path: str) -> Form | None:
    """The form a view binds to `request.POST`, read from its source: for views whose form
    the world does not show (e.g. a button that only appears in another state)."""
    callback = inspect.unwrap(URLS[name].callback)
    try:
        source = inspect.getsource(callback)
    except (OSError, TypeError):
        return None
    form = Form("post", path, False)
    for class_name in _FORM_IN_SOURCE.findall(source):
        form_class = callback.__globals__.get(class_name)
        for field_name, field in getattr(form_class, "base_fields", {}).items():
            kind = getattr(field.widget, "input_type", None) or "textarea"
            choices = getattr(field, "_choices", None) or []
            values = [str(k) for k, _ in choices if k not in ("", None)] or [None]
            for value in values:
                form.add(field_name, kind, value)
            form.multipart |= kind == "file"
    for key in _POST_KEY.findall(source):
        form.add(key, "text", None)
    return form if form.fields else None


def _post_forms(world, clients, name: str, role: str, path: str, page_forms) -> tuple:
    """(role, forms) for the POSTs of `name`: the page's own forms; else a form posting to it
    on another page (a POST-only view, or a library view like set_language); else its source."""
    own = [f for f in page_forms if f.method == "post" and f.action == path]
    if own or not (_is_post_only(name) or name not in EXPECTATIONS):
        return role, own
    expect = EXPECTATIONS.get(name)
    candidates = [r for r in ROLE_PREFERENCE if expect and r in expect.ok][:2] or [role]
    for candidate in candidates:
        found = _host_forms(world, clients, candidate, name, path)
        if found:
            return candidate, found
    source = _source_form(name, path)
    return role, [source] if source else []


def _targets(name: str, world, clients) -> list[Target]:
    path = reverse(name, kwargs=_kwargs(name, world))
    targets: list[Target] = []
    for role in _roles(name):
        response = clients[role].get(path)
        is_html = "html" in response.get("Content-Type", "")
        forms = (
            parse_forms(response.content.decode(), path)
            if response.status_code == 200 and is_html
            else []
        )
        if not _is_post_only(name):
            targets.append(Target("get", role, path, query=_query_form(name, forms, path)))
        post_role, own = _post_forms(world, clients, name, role, path, forms)
        if not own and _is_post_only(name) and name not in FORMLESS:
            pytest.fail(
                f"No form posts to {name} ({path}), neither on a page nor in its source: fix "
                "the world or declare it in FORMLESS with the reason"
            )
        targets += [Target("post", post_role, path, form=f) for f in own]
        # Random fields too: the view must cope with a form it never rendered.
        targets.append(Target("post", role, path, form=Form("post", path, False)))
        for kwarg, converter in URLS[name].pattern.converters.items():
            if type(converter) in (StringConverter, IntConverter):
                targets.append(Target("path", role, path, path_kwarg=kwarg))
    return targets


# --- payloads ------------------------------------------------------------------------------


def _own_value(field) -> st.SearchStrategy:
    values = [v for v in field.valid_values if v]
    if not values:
        values = [_PLAUSIBLE.get(field.kind, "Fuzz value")]
    return st.sampled_from(values)


def _file_upload(name: str, content: bytes):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


_file_specs = st.tuples(
    st.sampled_from(
        [Long("x", 5000), "a\x00b.pdf", "../../etc/passwd", "🚓\u202efdp.exe", "ok.pdf"]
    ),
    st.sampled_from([b"", b"%PDF-1.4\n", b"\x00" * 64, b"MZ\x90\x00"]),
)


@st.composite
def form_payloads(draw, form: Form) -> dict:
    """Mostly the form as rendered with a few fields made hostile, missing or repeated (so the
    request reaches the code behind the form), sometimes chaos; plus random extra keys."""
    names = sorted(form.fields)
    if names and draw(st.booleans()):
        bad = {draw(st.sampled_from(names))}
    else:
        bad = set(draw(st.lists(st.sampled_from(names), unique=True))) if names else set()
    data: dict = {}
    for name in names:
        field = form.fields[name]
        if field.kind == "file":
            data[name] = ("file", draw(_file_specs))
            continue
        if name not in bad:
            data[name] = draw(_own_value(field))
            continue
        how = draw(st.sampled_from(["hostile", "missing", "repeated"]))
        if how == "hostile":
            data[name] = draw(hostile_for(field.kind, name))
        elif how == "repeated":
            data[name] = draw(
                st.lists(
                    st.one_of(_own_value(field), hostile_for(field.kind, name)),
                    min_size=2,
                    max_size=3,
                )
            )
    data.update(draw(st.dictionaries(random_keys, hostile_text, max_size=2)))
    return data


@st.composite
def query_payloads(draw, query: Form) -> dict:
    """A few of the view's parameters with hostile (type-aware) or repeated values, and
    sometimes a random key."""
    names = sorted(query.fields)
    data: dict = {}
    for name in draw(st.lists(st.sampled_from(names), unique=True, min_size=1, max_size=4)):
        field = query.fields[name]
        one = st.one_of(hostile_for(field.kind, name), _own_value(field))
        data[name] = draw(st.one_of(one, st.lists(one, min_size=2, max_size=3)))
    data.update(draw(st.dictionaries(random_keys, hostile_text, max_size=1)))
    return data


def _materialise(data: dict) -> dict:
    """Files are drawn as (name, bytes): a fresh upload object per request."""
    return {
        k: _file_upload(*v[1]) if isinstance(v, tuple) and v and v[0] == "file" else v
        for k, v in data.items()
    }


def _short(value) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_short(v) for v in value) + "]"
    if isinstance(value, tuple):
        return f"<file {_short(value[1][0])} {len(value[1][1])} bytes>"
    text = repr(value)
    return text if len(text) <= 60 else f"{text[:50]}…(len {len(value)})"


def _describe(data: dict) -> str:
    return "{" + ", ".join(f"{_short(k)}: {_short(v)}" for k, v in data.items()) + "}"


def _is_download(response) -> bool:
    return "attachment" in response.get("Content-Disposition", "") or response.streaming


# --- the test --------------------------------------------------------------------------------


@pytest.fixture
def no_rate_limits(settings, monkeypatch):
    """Limiters answer 429 or a form error before the handler runs: they would mask it."""
    from trainingsite import ratelimit

    settings.ACCOUNT_RATE_LIMITS = False
    # The failure report says what was sent; the request log would repeat 10k-character URLs.
    monkeypatch.setattr(logging.getLogger("django.request"), "disabled", True)
    monkeypatch.setattr(ratelimit, "hit", lambda key, **kw: True)
    monkeypatch.setattr(ratelimit, "is_blocked", lambda key, **kw: False)


class _SessionClients(dict):
    """role → a client signed in as that role, made on first use (a sign-in costs a session
    row; most URLs use two or three roles)."""

    def __init__(self, world):
        super().__init__()
        self.world = world

    def __missing__(self, role: str) -> Client:
        client = Client()
        user = self.world.users[role]
        if user is not None:
            sign_in(client, user)
            # Re-authenticated just now with a password, so allauth's e-mail, password and MFA
            # pages show their forms instead of asking to re-authenticate first.
            session = client.session
            session[AUTHENTICATION_METHODS_SESSION_KEY] = [
                {
                    "method": "password",
                    "at": time.time(),
                    "email": user.email,
                    "reauthenticated": True,
                }
            ]
            session["account_authentication_methods_user"] = str(user.pk)
            session.save()
        self[role] = client
        return client


def _accounts_only(request) -> World:
    """The world's accounts without its workshops, certificates and materials: library pages
    (allauth, set_language) take no object ids."""
    get = request.getfixturevalue
    fixtures = {"officer_a": "officer", "coord_a": "coordinator"}
    users = {"anonymous": None, **{role: get(f) for role, f in fixtures.items()}}
    return World(users=users, objects={})


def _fresh(clients, role) -> Client:
    """A new client on the role's session: a sign-out in one example must not sign out the
    next (the session row itself comes back with the savepoint)."""
    client = Client()
    cookie = clients[role].cookies.get(django_settings.SESSION_COOKIE_NAME)
    if cookie is not None:
        client.cookies[django_settings.SESSION_COOKIE_NAME] = cookie.value
    return client


def _send(client: Client, target: Target, data: dict):
    if target.kind == "get":
        return client.get(target.path, data)
    if target.kind == "path":
        return client.get(data["path"])
    return client.post(target.path, _materialise(data))


def _payloads(target: Target, world, name: str) -> st.SearchStrategy:
    if target.kind == "get":
        return query_payloads(target.query)
    if target.kind == "path":
        if type(URLS[name].pattern.converters[target.path_kwarg]) is IntConverter:
            # Only digits reach the view.
            segments = st.one_of(
                st.sampled_from([i for i in IDS if i.isdecimal()]),
                st.integers(min_value=0, max_value=10**30).map(str),
            )
        else:
            segments = hostile_text.filter(bool).map(lambda v: quote(v, safe=""))
        return segments.map(lambda v: _path(target, world, name, v))
    return form_payloads(target.form)


def _path(target: Target, world, name: str, segment: str) -> dict:
    """The target's URL with `segment` (already quoted) in place of its path argument."""
    placeholder = "987654321987"  # reverse() checks an <int:> argument's shape
    kwargs = dict(_kwargs(name, world), **{target.path_kwarg: placeholder})
    return {"path": reverse(name, kwargs=kwargs).replace(placeholder, segment)}


# The sweep's id: beyond 64 bits, which SQLite cannot bind. The random search seldom puts one in
# the one field of a form that carries ids.
BEYOND_64_BITS = "99999999999999999999"
_FORMSET_COUNTS = ("-TOTAL_FORMS", "-INITIAL_FORMS", "-MIN_NUM_FORMS", "-MAX_NUM_FORMS")


def _rendered(field):
    if field.kind == "file":
        return ("file", ("ok.pdf", b"%PDF-1.4\n"))
    values = [v for v in field.valid_values if v]
    return values[0] if values else _PLAUSIBLE.get(field.kind, "Fuzz value")


def id_sweep(targets: list[Target], path_with) -> Iterator[tuple[Target, dict]]:
    """Deterministic examples: an id beyond 64 bits in each field that carries ids (every value
    the page offers is a number), the rest of its form as rendered; `path_with(target, id)` gives
    a path target's payload with that id in it."""
    for target in targets:
        if target.kind == "path":
            if (payload := path_with(target, BEYOND_64_BITS)) is not None:
                yield target, payload
            continue
        fields = (target.query if target.kind == "get" else target.form).fields
        rendered = {} if target.kind == "get" else {n: _rendered(f) for n, f in fields.items()}
        for name, field in fields.items():
            values = [v for v in field.valid_values if v]
            carries_ids = field.kind != "file" and values and all(v.isdecimal() for v in values)
            # A formset's counts are not ids (the random search tries them), nor is its template.
            if carries_ids and not name.endswith(_FORMSET_COUNTS) and "__prefix__" not in name:
                # Last, so a single-value field reads it; first, a multiple choice reads both.
                yield target, {**rendered, name: [values[0], BEYOND_64_BITS]}


def exchange(clients, target: Target, payload: dict, where: str):
    """Send one example in a savepoint rolled back afterwards: (response, tables it changed).
    Fails on a 500."""
    with transaction.atomic():
        before = table_digests()
        try:
            response = _send(_fresh(clients, target.role), target, payload)
        except Exception as err:  # the test client re-raises what would be a 500
            raise AssertionError(f"500: {where}: {err!r}") from err
        assert response.status_code < 500, f"{response.status_code}: {where}"
        changed = changed_tables(before, table_digests())
        transaction.set_rollback(True)
    return response, changed


@pytest.mark.parametrize("name", sorted(URLS))
def test_hostile_input_never_errors_and_refusals_change_nothing(request, no_rate_limits, name):
    world = build_world(request) if name in KWARGS else _accounts_only(request)
    clients = _SessionClients(world)
    targets = _targets(name, world, clients)

    def send(target: Target, payload: dict):
        where = (
            f"{target.kind.upper()} {name} ({target.path}) as {target.role} "
            f"with {_describe(payload)}"
        )
        response, changed = exchange(clients, target, payload, where)
        status = response.status_code
        if changed:
            # A refusal (form error, 4xx) must change nothing; a save answers with a redirect.
            saved = 300 <= status < 400 or _is_download(response)
            assert saved or (target.kind == "get" and status == 200), (
                f"{status} changed {changed}: {where}"
            )

    def int_path(target: Target, value: str) -> dict | None:
        converter = URLS[name].pattern.converters[target.path_kwarg]
        return _path(target, world, name, value) if type(converter) is IntConverter else None

    for target, payload in id_sweep(targets, int_path):
        send(target, payload)

    @FUZZ_SETTINGS
    @given(st.data())
    def fuzz(data):
        target = data.draw(st.sampled_from(targets), label="target")
        send(target, data.draw(_payloads(target, world, name), label="payload"))

    fuzz()


def test_every_url_is_fuzzed():
    """The parametrisation is the resolver's list: the site's URLs and the libraries' pages
    (sign-in, sign-up, MFA, language); Django's admin has its own test (test_fuzz_admin.py)."""
    assert set(EXPECTATIONS) <= set(URLS)
    assert {"account_login", "account_signup", "mfa_activate_totp", "set_language"} <= set(URLS)
    assert not any(str(p.pattern).startswith("admin") for p in URLS.values())
