"""Soak: the real app under mixed traffic while its worker, Redis, database connections and mail
server fail; afterwards nothing is lost, nothing is sent twice but as a resend, and every
officer's calendar matches their registrations.

Runs gunicorn (production settings), a Celery worker and one beat, a scratch database on the
shared PostgreSQL server, a private redis-server (its own port, so killing it harms nobody) and
an aiosmtpd sink, all on 127.0.0.1. Client threads browse (catalog, workshop detail, My
training), register, cancel, sign in with a password, and a coordinator exports CSV (small ones
at once, program-wide ones queued to the worker and e-mailed as a link) and reads rosters, for
--seconds. The beat intervals are seconds, not minutes: OUTBOX_SWEEP_SECONDS 2,
RECOVERY_SWEEP_SECONDS 5, OUTBOX_RETRY_SECONDS 1, OUTBOX_CLAIM_TIMEOUT 10.

Faults, at fractions of --seconds:

- 10%-22%, SMTP accepts and drops: the sink keeps each message, then closes the connection
  before answering 250. The message is delivered but its sender sees a failure, so the outbox
  sends it again later, with the same Message-ID.
- 20%: the coordinator moves workshop 0's sessions an hour later (calendars get updates).
- 30%: the worker is killed (SIGKILL, with its pool); 45%: restarted.
- 50%: Redis is killed (SIGKILL); 55%: workshop 1's sessions move while Redis is down, so the
  sync's task cannot be queued and only `reconcile_invites` brings those calendars in line;
  65%: Redis restarted empty (no persistence: every queued task is lost).
- 72%-86%, the database drops the worker: the sink answers DATA slowly (--slow-data s), and
  three times, as soon as a mail is being sent, the scratch database's backends of the worker
  and beat (application_name soak-worker / soak-beat, set by PGAPPNAME) are ended with
  pg_terminate_backend. The PostgreSQL server itself is never restarted (others use it). The
  message reaches the sink but its "sent" mark fails, so it stays claimed until the sweep
  takes the claim back (after OUTBOX_CLAIM_TIMEOUT) and sends it again.

After the traffic it waits (at most --drain seconds) until no mail is ready or being sent, every
calendar is in line, every export that can still be built is, and the sink has been quiet for a
few seconds. Then it checks, and exits 1 if any check fails:

- HTTP: no 5xx, no connection error, no unexpected status (this traffic expects no 4xx), no
  'Internal Server Error' in the server log;
- registrations: every confirmed / waitlisted / cancelled response is one event in the
  database and nothing else is; each officer's final registrations are what their responses
  said; no workshop holds more confirmed officers than seats;
- outbox (every `Mail` row and every message the sink received, matched by recipient and
  Message-ID): none left ready or sending, none given up, every sent mail received, nothing
  received that the outbox does not hold, no two rows with one Message-ID. A message received
  more than once is an at-least-once resend: counted and reported, allowed only as a copy of
  the first (same Message-ID, Date, subject, body and calendar) and no more copies than
  attempts; a copy cut off before its 250 must be followed by another. Per recipient, mails
  arrive (first copies) in the order of the changes: strictly for registration mails of one
  workshop and for invites of one workshop (both serialised by a lock), otherwise for mails
  queued more than a second apart;
- registration e-mails: per officer and workshop, the registration mails are the events one
  for one, in order; each subject says the event's new state and each body the change;
  every event's mail reached the officer;
- calendars (what the sink received: per UID, the message with the highest SEQUENCE): a
  confirmed officer holds a REQUEST for each session with its current times (after the two
  moves); any other officer holds a CANCEL or nothing; every UID is one the database issued;
  no SEQUENCE carries two different messages; no REQUEST repeats the one before it unchanged;
  the database's last SEQUENCE is the one received;
- queued exports: each ends DONE with exactly one link e-mail whose link downloads the file;
  one whose task was lost is rebuilt by `recover_exports` one recovery sweep
  (RECOVERY_SWEEP_SECONDS) after its creation: one still pending later than that fails;
- faults landed: the SMTP window cut off at least one message, and at least one mail in flight
  at a database kill was taken back by the sweep and sent again.

    .venv/bin/python bench/soak.py [--seconds 60] [--clients 4] [--drain 120]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import email
import email.header
import http.client
import logging
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import (
    PYTHON,
    ROOT,
    django_setup,
    drop_database,
    gunicorn,
    keep_cookies,
    manage,
    print_table,
    production_env,
    request_headers,
    scratch_database,
    seed_agency,
    seed_officers,
)

PASSWORD = "soak-Password-2026!"
DOMAIN = "soak.example.org"
# A mail sent this long after it was queued waited for a retry, the worker or the sweep.
LATE_SECONDS = 5
# Mails to one person queued this far apart come from changes that did not overlap: the later
# one must not arrive first.
ORDER_GAP = dt.timedelta(seconds=1)
# The sink must be quiet this long before the drain ends (a resend may still be on its way).
QUIET_SECONDS = 5
# Beat intervals for the run (settings of the same names; minutes in production).
SWEEP_SECONDS = 2
RECOVERY_SECONDS = 5
# application_name of the worker's and beat's database connections (libpq reads PGAPPNAME):
# the database fault ends exactly these backends.
WORKER_APP, BEAT_APP, WEB_APP = "soak-worker", "soak-beat", "soak-web"


# --- processes -----------------------------------------------------------------------------------


class Redis:
    """A private, non-persistent redis-server; kill() is a crash, start() comes back empty."""

    def __init__(self, port: int):
        self.port = port
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [
                "redis-server",
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if (
                subprocess.run(
                    ["redis-cli", "-p", str(self.port), "ping"], capture_output=True, text=True
                ).stdout.strip()
                == "PONG"
            ):
                return
            time.sleep(0.1)
        raise RuntimeError(f"redis-server on {self.port} did not start")

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)


class Celery:
    """A Celery worker or beat in its own process group (SIGKILL takes the pool with it)."""

    def __init__(self, env: dict, args: list[str], log: Path):
        self.env, self.args, self.log = env, args, log
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        with open(self.log, "a") as out:
            self.proc = subprocess.Popen(
                [PYTHON, "-m", "celery", "-A", "trainingsite", *self.args],
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def kill(self, sig=signal.SIGKILL) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, sig)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)


@dataclass
class Received:
    """One copy of a message at the sink, for one recipient, in arrival order (`index`)."""

    index: int
    rcpt: str
    message: email.message.Message
    dropped: bool  # kept, then the connection was cut before the answer


class Sink:
    """An aiosmtpd server that keeps every message it accepts.

    `delay`: seconds it waits before answering DATA (after keeping the message), so a send is
    in flight for a while. `drop`: keep the message, then close the connection without an
    answer, like a server that accepted the mail and died before saying so."""

    def __init__(self, port: int, delay: float = 0.0):
        from aiosmtpd.controller import Controller

        self.delay = delay
        self.drop = False
        self.dropped = 0
        self.received: list[Received] = []
        self.lock = threading.Lock()
        self.controller = Controller(self, hostname="127.0.0.1", port=port)

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content)
        with self.lock:
            drop = self.drop
            self.dropped += drop
            for rcpt in envelope.rcpt_tos:
                self.received.append(Received(len(self.received), rcpt.lower(), message, drop))
        if drop:
            server.transport.close()
            # Closing the transport cancels this handler (aiosmtpd's connection_lost), so no
            # answer is ever written; the return below is only reached if that changes.
            await asyncio.sleep(60)
            return "421 Closing"
        if self.delay:
            await asyncio.sleep(self.delay)
        return "250 OK"

    def snapshot(self) -> list[Received]:
        with self.lock:
            return list(self.received)


@dataclass
class Calendar:
    method: str
    uid: str
    sequence: int
    start: dt.datetime
    end: dt.datetime


@dataclass
class Parsed:
    """What the checks read from a received message."""

    index: int
    rcpt: str
    message_id: str
    subject: str
    text: str
    calendar: Calendar | None
    dropped: bool
    fingerprint: tuple = field(repr=False)


def parse(item: Received, cache: dict[int, Parsed]) -> Parsed:
    if item.index in cache:
        return cache[item.index]
    from icalendar import Calendar as ICalendar

    message = item.message
    text, calendar, raw_calendar = "", None, b""
    for part in message.walk():
        kind = part.get_content_type()
        if kind == "text/plain" and not text:
            text = part.get_payload(decode=True).decode("utf-8", "replace")
        elif kind == "text/calendar" and calendar is None:
            raw_calendar = part.get_payload(decode=True)
            cal = ICalendar.from_ical(raw_calendar)
            event = next(iter(cal.walk("VEVENT")))
            calendar = Calendar(
                method=str(cal["METHOD"]),
                uid=str(event["UID"]),
                sequence=int(event["SEQUENCE"]),
                start=event["DTSTART"].dt.astimezone(dt.UTC),
                end=event["DTEND"].dt.astimezone(dt.UTC),
            )
    subject = str(email.header.make_header(email.header.decode_header(message["Subject"] or "")))
    parsed = Parsed(
        index=item.index,
        rcpt=item.rcpt,
        message_id=(message["Message-ID"] or "").strip(),
        subject=subject,
        text=text,
        calendar=calendar,
        dropped=item.dropped,
        # What a resend must repeat (the MIME boundaries are drawn at each attempt).
        fingerprint=(subject, message["Date"], text, raw_calendar),
    )
    cache[item.index] = parsed
    return parsed


# --- data ----------------------------------------------------------------------------------------


def seed(args) -> dict:
    """A region, an auto-vetted agency, officers, a coordinator and four published workshops
    (one with few seats, so cancellations promote from the waitlist), two sessions each.
    Sessions are written to the session table directly; the password officers sign in through
    the login form."""
    from allauth.account.models import EmailAddress
    from django.db import connections
    from django.utils import timezone

    from attendees.models import User
    from bench.pages import session_cookie
    from workshops.models import Workshop, WorkshopSession

    now = timezone.now()
    region, agency = seed_agency("Soak", DOMAIN)
    officers = seed_officers(agency, DOMAIN, args.clients * args.officers_per_client)
    signers = []
    for i in range(2):
        user = User.objects.create(
            email=f"signin{i}@{DOMAIN}",
            full_name=f"Sign-in {i}",
            agency=agency,
            country="SG",
            status=User.Status.VERIFIED,
            vetted_at=now,
        )
        user.set_password(PASSWORD)
        user.save()
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        signers.append(user.email)
    coordinator = User.objects.create(
        email=f"coord@{DOMAIN}",
        full_name="Coordinator",
        status=User.Status.VERIFIED,
        vetted_at=now,
    )
    coordinator.coordinated_regions.set([region])
    workshops = []
    for k, capacity in enumerate([200, 200, 200, args.small_seats]):
        start = (now + dt.timedelta(days=30 + 10 * k)).replace(
            hour=9, minute=0, second=0, microsecond=0
        )
        w = Workshop.objects.create(
            title=f"Soak workshop {k}",
            region=region,
            status=Workshop.Status.PUBLISHED,
            time_zone="UTC",
            capacity=capacity,
            registration_opens_at=now - dt.timedelta(days=1),
            registration_closes_at=now + dt.timedelta(days=20),
            starts_at=start,
            ends_at=start + dt.timedelta(days=1, hours=8),
        )
        for day in range(2):
            s = start + dt.timedelta(days=day)
            WorkshopSession.objects.create(
                workshop=w, starts_at=s, ends_at=s + dt.timedelta(hours=8)
            )
        workshops.append({"id": w.pk, "capacity": capacity})
    data = {
        "officers": [(u.pk, u.email, session_cookie(u.pk, staff=False)) for u in officers],
        "signers": signers,
        "coordinator": session_cookie(coordinator.pk, staff=True),
        "coordinator_id": coordinator.pk,
        "workshops": workshops,
    }
    connections.close_all()
    return data


# --- faults --------------------------------------------------------------------------------------


def move_sessions(coordinator_id: int, workshop_id: int, hours: int) -> str:
    """The coordinator moves every session of the workshop `hours` later, through the
    scheduling service (the calendars' sync is queued when it commits)."""
    from django.db import connections

    from attendees.models import User
    from workshops.models import Workshop
    from workshops.services.scheduling import SessionInput, set_sessions

    workshop = Workshop.objects.get(pk=workshop_id)
    shift = dt.timedelta(hours=hours)
    zone = workshop.tzinfo
    sessions = []
    for s in workshop.sessions.order_by("starts_at"):
        start, end = (s.starts_at + shift).astimezone(zone), (s.ends_at + shift).astimezone(zone)
        sessions.append(SessionInput(day=start.date(), start=start.time(), end=end.time()))
    # With Redis down the sync cannot be queued: Django logs that with a traceback, expected
    # here (reconcile_invites is what the move tests then).
    on_commit_log = logging.getLogger("django.db.backends.base")
    level = on_commit_log.level
    on_commit_log.setLevel(logging.CRITICAL)
    try:
        set_sessions(
            actor=User.objects.get(pk=coordinator_id), workshop=workshop, sessions=sessions
        )
    finally:
        on_commit_log.setLevel(level)
    connections.close_all()
    return f"{workshop.title} moved {hours} h later"


class DatabaseFault:
    """Ends the worker's and beat's connections to the scratch database while a mail is being
    sent (claimed, its SMTP conversation under way); the server itself keeps running."""

    def __init__(self, db_url: str):
        import psycopg

        self.conn = psycopg.connect(db_url, autocommit=True, application_name="soak-fault")
        self.strikes: list[dict] = []

    def strike(self, *, within: float) -> dict:
        """Wait (at most `within` s) for a mail being sent, then end the connections."""
        deadline = time.monotonic() + within
        seen = {pk for strike in self.strikes for pk, _attempts in strike["in_flight"]}
        in_flight: list[tuple[int, int]] = []
        while time.monotonic() < deadline:
            # Claimed within the last second: its sender is alive and talking to SMTP (a claim
            # left by an earlier kill is older, or was seen by an earlier strike).
            rows = self.conn.execute(
                "SELECT id, attempts FROM outbox_mail WHERE status = 'sending' "
                "AND claimed_at > now() - interval '1 second'"
            ).fetchall()
            in_flight = [(pk, attempts) for pk, attempts in rows if pk not in seen]
            if in_flight:
                break
            time.sleep(0.02)
        ended = self.conn.execute(
            "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND application_name IN (%s, %s)",
            [WORKER_APP, BEAT_APP],
        ).fetchone()[0]
        # (mail, its attempts with this claim): a later claim means the sweep took it back.
        strike = {"in_flight": in_flight, "backends": ended}
        self.strikes.append(strike)
        return strike

    def close(self) -> None:
        self.conn.close()


# --- clients -------------------------------------------------------------------------------------


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.requests = Counter()  # action -> requests
        self.statuses = Counter()
        self.errors: list[str] = []
        self.outcomes = Counter()  # confirmed / waitlisted / cancelled responses
        self.expected: dict[tuple[int, int], str] = {}  # (officer, workshop) -> active/cancelled
        self.latencies: list[float] = []

    def error(self, text: str) -> None:
        with self.lock:
            self.errors.append(text)


class Client:
    """One keep-alive connection with a cookie jar; follows nothing by itself."""

    def __init__(self, port: int, cookies: dict[str, str], stats: Stats, phase):
        self.port, self.cookies, self.stats, self.phase = port, dict(cookies), stats, phase
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def request(self, action: str, method: str, path: str, form: dict | None = None):
        headers, body = request_headers(self.cookies, form)
        started = time.perf_counter()
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            content = response.read()
        except (OSError, http.client.HTTPException) as exc:
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            self._count(action, 0, started)
            self.stats.error(f"{self.phase()}: {method} {path}: {type(exc).__name__}: {exc}")
            return None, b"", {}
        self._count(action, response.status, started)
        keep_cookies(self.cookies, response)
        return response.status, content, response.headers

    def _count(self, action: str, status: int, started: float) -> None:
        with self.stats.lock:
            self.stats.requests[action] += 1
            self.stats.statuses[status] += 1
            self.stats.latencies.append(time.perf_counter() - started)

    def expect(self, status, allowed: tuple[int, ...], what: str) -> bool:
        if status is None:
            return False  # a connection error, already recorded
        if status not in allowed:
            self.stats.error(f"{self.phase()}: {what}: HTTP {status}")
            return False
        return True

    def post_and_follow(self, action: str, path: str, form: dict) -> str | None:
        """POST, expect a redirect, GET the target (where the flash message shows)."""
        status, _body, headers = self.request(action, "POST", path, form)
        if not self.expect(status, (302,), f"POST {path}"):
            return None
        target = urllib.parse.urlsplit(headers["Location"])
        status, body, _h = self.request(
            action, "GET", target.path + (f"?{target.query}" if target.query else "")
        )
        if not self.expect(status, (200,), f"GET {target.path} after POST {path}"):
            return None
        return body.decode("utf-8", "replace")


OUTCOMES = [
    ("your seat is confirmed", "confirmed"),
    ("you are on the waitlist", "waitlisted"),
    ("Your registration is cancelled.", "cancelled"),
]


def outcome_of(page: str) -> str | None:
    for text, outcome in OUTCOMES:
        if text in page:
            return outcome
    return None


def officer_loop(args, port, officers, workshops, stats, deadline, phase, registration_ids):
    rng = random.Random()
    clients = {
        pk: Client(port, {"sessionid": cookie.split("=", 1)[1]}, stats, phase)
        for pk, _email, cookie in officers
    }
    active: set[tuple[int, int]] = set()
    while time.monotonic() < deadline:
        pk = rng.choice(list(clients))
        client = clients[pk]
        workshop = rng.choice(workshops)["id"]
        roll = rng.random()
        if roll < 0.45:
            path = rng.choice(["/workshops/", f"/workshops/{workshop}/", "/my-training/"])
            status, _b, _h = client.request("browse", "GET", path)
            client.expect(status, (200,), f"GET {path}")
        elif (pk, workshop) not in active:
            page = client.post_and_follow("register", f"/workshops/{workshop}/register/", {})
            outcome = page and outcome_of(page)
            if page is not None and outcome not in ("confirmed", "waitlisted"):
                stats.error(f"{phase()}: register {pk}/{workshop}: no confirmation on the page")
            if outcome in ("confirmed", "waitlisted"):
                active.add((pk, workshop))
                with stats.lock:
                    stats.outcomes[outcome] += 1
                    stats.expected[(pk, workshop)] = "active"
        else:
            reg_id = registration_ids(pk, workshop)
            page = client.post_and_follow("cancel", f"/my-training/{reg_id}/cancel/", {})
            outcome = page and outcome_of(page)
            if page is not None and outcome != "cancelled":
                stats.error(f"{phase()}: cancel {pk}/{workshop}: no confirmation on the page")
            if outcome == "cancelled":
                active.discard((pk, workshop))
                with stats.lock:
                    stats.outcomes["cancelled"] += 1
                    stats.expected[(pk, workshop)] = "cancelled"
        time.sleep(rng.uniform(0, args.think))


def coordinator_loop(args, port, cookie, workshops, stats, deadline, phase):
    rng = random.Random()
    client = Client(port, {"sessionid": cookie.split("=", 1)[1]}, stats, phase)
    next_async = time.monotonic() + args.async_export_every
    while time.monotonic() < deadline:
        workshop = rng.choice(workshops)["id"]
        path = rng.choice(
            [
                f"/reports/exports/workshop/{workshop}/registrations.csv",
                f"/reports/exports/workshop/{workshop}/attendance.csv",
                f"/manage/workshops/{workshop}/registrations/",
            ]
        )
        action = "export" if path.endswith(".csv") else "browse"
        status, _b, _h = client.request(action, "GET", path)
        client.expect(status, (200,), f"GET {path}")
        if time.monotonic() >= next_async:
            # Program-wide: above REPORTS_ASYNC_EXPORT_ROWS it is queued, built by the worker
            # into the default storage and e-mailed as a link.
            next_async = time.monotonic() + args.async_export_every
            form = {"kind": "registrations", "format": "csv"}
            status, _b, headers = client.request("export (program)", "POST", "/reports/exports/",
                                                 form)  # fmt: skip
            if client.expect(status, (200, 302), "POST /reports/exports/") and status == 302:
                status, page, _h = client.request("export (program)", "GET", "/reports/exports/")
                if client.expect(status, (200,), "GET /reports/exports/") and (
                    b"it is being prepared" in page
                ):
                    with stats.lock:
                        stats.outcomes["export queued"] += 1
            elif status == 200 and not headers.get("Content-Type", "").startswith("text/csv"):
                stats.error(f"{phase()}: POST /reports/exports/: form refused")
        time.sleep(rng.uniform(0, args.think * 2))


def signin_loop(args, port, emails, stats, deadline, phase):
    """Real password sign-ins (allauth counts failed ones in the cache, i.e. in Redis)."""
    rng = random.Random()
    while time.monotonic() < deadline:
        client = Client(port, {}, stats, phase)
        page = client.post_and_follow(
            "sign-in", "/accounts/login/", {"login": rng.choice(emails), "password": PASSWORD}
        )
        if page is not None and "sessionid" not in client.cookies:
            stats.error(f"{phase()}: sign-in: no session")
        client.conn.close()
        time.sleep(args.signin_every)


# --- checks --------------------------------------------------------------------------------------


def database_counts(officer_ids: set[int]) -> dict:
    from registrations.models import Registration, RegistrationEvent
    from workshops.models import Workshop

    events = RegistrationEvent.objects.filter(registration__officer_id__in=officer_ids)
    by_actor = Counter(events.filter(actor_id__in=officer_ids).values_list("to_state", flat=True))
    states = {
        (r.officer_id, r.workshop_id): r.state
        for r in Registration.objects.filter(officer_id__in=officer_ids)
    }
    over = [
        w.pk
        for w in Workshop.objects.all()
        if Registration.objects.filter(workshop=w, state="confirmed").count() > w.capacity
    ]
    return {
        "events": events.count(),
        "by_officer": by_actor,
        "promoted": events.filter(actor=None, to_state="confirmed").count(),
        "states": states,
        "over_capacity": over,
    }


def received_by_key(received: list[Received], cache: dict) -> dict[tuple[str, str], list[Parsed]]:
    """(recipient, Message-ID) → the copies the sink received, in arrival order."""
    copies: dict[tuple[str, str], list[Parsed]] = defaultdict(list)
    for item in received:
        p = parse(item, cache)
        copies[(p.rcpt, p.message_id)].append(p)
    return copies


def outbox_figures(copies: dict[tuple[str, str], list[Parsed]]) -> dict:
    """Every Mail row against what the sink received: nothing lost, resends only as copies,
    one person's mails in the order of the changes."""
    from outbox.models import Mail

    rows = list(
        Mail.objects.order_by("pk").values_list(
            "pk", "kind", "to", "message_id", "status", "attempts", "created_at", "sent_at",
            "workshop_id", named=True,
        )
    )  # fmt: skip
    keys = Counter((m.to.lower(), m.message_id) for m in rows)
    unsent = [m for m in rows if m.status in (Mail.Status.READY, Mail.Status.SENDING)]
    given_up = [m for m in rows if m.status == Mail.Status.FAILED]
    not_received = [
        m
        for m in rows
        if m.status == Mail.Status.SENT and (m.to.lower(), m.message_id) not in copies
    ]
    unknown = [key for key in copies if key not in keys]
    resent = {key: got for key, got in copies.items() if len(got) > 1}
    attempts = {(m.to.lower(), m.message_id): m.attempts for m in rows}
    beyond_attempts = [key for key, got in resent.items() if len(got) > attempts.get(key, 0)]
    changed = [
        key for key, got in resent.items() if any(c.fingerprint != got[0].fingerprint for c in got)
    ]
    # A copy cut off before its 250 looked failed to the sender: a later copy must follow.
    cut_off = sum(1 for got in copies.values() for c in got if c.dropped)
    cut_off_not_resent = [key for key, got in copies.items() if got[-1].dropped]
    # Order: per recipient, first copies in the order the rows were queued (pk).
    first = {key: got[0].index for key, got in copies.items()}
    by_to: dict[str, list] = defaultdict(list)
    for m in rows:
        if (m.to.lower(), m.message_id) in first:
            by_to[m.to.lower()].append(m)
    out_of_order = []
    for to, mails in by_to.items():
        for i, a in enumerate(mails):
            for b in mails[i + 1 :]:
                serial = (
                    a.kind == b.kind
                    and a.kind in ("registration", "invite")
                    and a.workshop_id == b.workshop_id
                ) or b.created_at - a.created_at > ORDER_GAP
                if serial and first[(to, a.message_id)] > first[(to, b.message_id)]:
                    out_of_order.append((to, a.pk, a.kind, b.pk, b.kind))
    late = [
        m for m in rows if m.sent_at and (m.sent_at - m.created_at).total_seconds() > LATE_SECONDS
    ]
    return {
        "mails": len(rows),
        "by_kind": Counter(m.kind for m in rows),
        "unsent": unsent,
        "given_up": given_up,
        "not_received": not_received,
        "unknown": unknown,
        "shared_id": sum(n - 1 for n in keys.values() if n > 1),
        "copies": sum(len(got) for got in copies.values()),
        "resends": sum(len(got) - 1 for got in resent.values()),
        "resent_mails": len(resent),
        "resent_by_kind": Counter(
            next((m.kind for m in rows if (m.to.lower(), m.message_id) == key), "?")
            for key in resent
        ),
        "beyond_attempts": beyond_attempts,
        "cut_off": cut_off,
        "cut_off_not_resent": cut_off_not_resent,
        "changed": changed,
        "out_of_order": out_of_order,
        "late": len(late),
        "attempts_by_pk": {m.pk: m.attempts for m in rows},
    }


def says_change(text: str, title: str, from_state: str, to_state: str) -> bool:
    """Whether a registration mail's text reports this change (English headlines)."""
    words = {"confirmed": "confirmed", "waitlisted": "waitlist", "cancelled": "is cancelled"}
    if from_state == "waitlisted" and to_state == "confirmed":
        words["confirmed"] = "A seat became free"
    return f"“{title}”" in text and words.get(to_state, to_state) in text


def registration_mail_figures(officer_ids: set[int], copies) -> dict:
    """Per officer and workshop: the registration mails are the events, one for one, in
    order; each says its event's change; each reached the officer."""
    from django.utils import translation

    from outbox.models import Mail
    from registrations.models import Registration, RegistrationEvent
    from workshops.models import Workshop

    titles = dict(Workshop.objects.values_list("pk", "title"))
    events = defaultdict(list)
    for e in (
        RegistrationEvent.objects.filter(registration__officer_id__in=officer_ids)
        .select_related("registration")
        .order_by("pk")
    ):
        events[(e.registration.officer_id, e.registration.workshop_id)].append(e)
    mails = defaultdict(list)
    for m in Mail.objects.filter(kind="registration", recipient_id__in=officer_ids).order_by("pk"):
        mails[(m.recipient_id, m.workshop_id)].append(m)
    missing = extra = wrong_subject = wrong_text = reached = 0
    details = []
    with translation.override("en"):
        for key in sorted(set(events) | set(mails)):
            evs, ms = events.get(key, []), mails.get(key, [])
            if len(evs) != len(ms):
                details.append(
                    f"officer {key[0]} workshop {key[1]}: events "
                    f"{[e.to_state for e in evs]} mails {[m.subject for m in ms]}"
                )
            missing += max(0, len(evs) - len(ms))
            extra += max(0, len(ms) - len(evs))
            for e, m in zip(evs, ms, strict=False):
                title = titles[key[1]]
                want = f"{title}: {Registration.State(e.to_state).label}"
                if m.subject != want:
                    wrong_subject += 1
                    details.append(f"mail #{m.pk}: subject {m.subject!r}, event says {want!r}")
                got = copies.get((m.to.lower(), m.message_id))
                if got:
                    reached += 1
                    if not says_change(got[0].text, title, e.from_state, e.to_state):
                        wrong_text += 1
                        details.append(
                            f"mail #{m.pk}: text does not say {e.from_state or '-'}→{e.to_state}"
                        )
    return {
        "events": sum(len(v) for v in events.values()),
        "mails": sum(len(v) for v in mails.values()),
        "missing": missing,
        "extra": extra,
        "wrong_subject": wrong_subject,
        "wrong_text": wrong_text,
        "reached": reached,
        "details": details,
    }


def calendar_figures(officer_ids: set[int], copies) -> dict:
    """Each officer's calendar as received (per UID, the message with the highest SEQUENCE)
    against their registrations: confirmed → a REQUEST with the session's current times;
    otherwise a CANCEL or nothing."""
    from django.utils import timezone

    from attendees.models import User
    from invites.models import InviteDelivery
    from registrations.models import Registration
    from workshops.models import WorkshopSession

    emails = dict(User.objects.filter(pk__in=officer_ids).values_list("pk", "email"))
    deliveries = {
        (d.user_id, d.session_ref): d for d in InviteDelivery.objects.filter(user_id__in=emails)
    }
    issued = {(emails[d.user_id].lower(), d.uid) for d in deliveries.values()}
    states = {
        (r.officer_id, r.workshop_id): r.state
        for r in Registration.objects.filter(officer_id__in=emails)
    }
    # (recipient, UID) → {sequence: {(method, start, end)}} from every copy received.
    held: dict[tuple[str, str], dict[int, set]] = defaultdict(lambda: defaultdict(set))
    invites = 0
    for (rcpt, _mid), got in copies.items():
        cal = got[0].calendar
        if cal is None:
            continue
        invites += 1
        held[(rcpt, cal.uid)][cal.sequence].add((cal.method, cal.start, cal.end))
    unknown_uids = [key for key in held if key not in issued]
    conflicting = [key for key, by_seq in held.items() if any(len(v) > 1 for v in by_seq.values())]
    repeated = 0  # a REQUEST re-sent under a new SEQUENCE with nothing changed
    for by_seq in held.values():
        ordered = [next(iter(by_seq[s])) for s in sorted(by_seq)]
        repeated += sum(
            1
            for a, b in zip(ordered, ordered[1:], strict=False)
            if a[0] == b[0] == "REQUEST" and a == b
        )
    now = timezone.now()
    wrong, behind, expected_live = [], 0, 0
    for s in WorkshopSession.objects.all():
        if s.ends_at <= now:
            continue
        for officer_id, address in emails.items():
            wanted = states.get((officer_id, s.workshop_id)) == "confirmed"
            expected_live += wanted
            d = deliveries.get((officer_id, s.pk))
            last = None
            if d is not None and (address.lower(), d.uid) in held:
                by_seq = held[(address.lower(), d.uid)]
                seq = max(by_seq)
                last = (seq, *next(iter(by_seq[seq])))
                if d.sequence is not None and seq != d.sequence:
                    behind += 1
            if wanted:
                ok = last is not None and last[1:] == ("REQUEST", s.starts_at, s.ends_at)
            else:
                ok = last is None or last[1] == "CANCEL"
            if not ok:
                state = states.get((officer_id, s.workshop_id), "-")
                shown = last and f"{last[1]} seq {last[0]} {last[2]:%m-%d %H:%M}"
                wrong.append((officer_id, s.pk, state, shown))
    return {
        "received": invites,
        "expected_live": expected_live,
        "wrong": wrong,
        "unknown_uids": unknown_uids,
        "conflicting": conflicting,
        "repeated": repeated,
        "behind": behind,
    }


def exports_owed(drain_deadline_wall: float) -> int:
    """Queued exports the drain waits for: recent ones (their own task may still come) and
    lost ones that `recover_exports` will queue again before the drain's deadline."""
    from django.utils import timezone

    from reports.models import ExportJob

    now = timezone.now()
    pending = ExportJob.objects.filter(status__in=["queued", "running"])
    deadline = dt.datetime.fromtimestamp(drain_deadline_wall, dt.UTC)
    # recover_exports queues a build still queued one recovery sweep after its creation.
    recovery = dt.timedelta(seconds=3 * RECOVERY_SECONDS)
    return sum(
        1
        for created in pending.values_list("created_at", flat=True)
        if now - created < dt.timedelta(seconds=20) or created + recovery < deadline
    )


def export_figures(port: int, cookie: str, copies) -> dict:
    """Queued exports: each built, its link e-mailed once, and downloadable from the link
    (through storage); one not built is pending while recover_exports may still take it."""
    from django.utils import timezone

    from outbox.models import Mail
    from reports.models import ExportJob

    now = timezone.now()
    # recover_exports queues a build still queued one recovery sweep after its creation.
    recovery = dt.timedelta(seconds=3 * RECOVERY_SECONDS)
    jobs = {str(j.pk): j for j in ExportJob.objects.all()}
    links: dict[str, list[str]] = defaultdict(list)  # job id → links in distinct e-mails
    unreadable = 0
    for m in Mail.objects.filter(kind="export"):
        got = copies.get((m.to.lower(), m.message_id))
        if not got:
            continue  # counted by the outbox checks
        match = re.search(r"/reports/exports/download/([^/\s]+)/", got[0].text)
        if not match:
            unreadable += 1
            continue
        links[match.group(1).split(":", 1)[0]].append(match.group(0))
    downloaded, failed = 0, []
    for job_id, paths in links.items():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("GET", paths[0], headers={"Cookie": cookie, "Host": "127.0.0.1"})
        response = conn.getresponse()
        body = response.read()
        conn.close()
        if response.status == 200 and body.count(b"\n") > 1:
            downloaded += 1
        else:
            failed.append(f"job {job_id}: HTTP {response.status}")
    done = [j for j in jobs.values() if j.status == "done"]
    open_jobs = [j for j in jobs.values() if j.status in ("queued", "running")]
    return {
        "jobs": len(jobs),
        "done": len(done),
        "done_unlinked": sum(1 for j in done if str(j.pk) not in links),
        "linked_twice": sum(1 for paths in links.values() if len(paths) > 1),
        "links_to_no_job": sum(1 for job_id in links if job_id not in jobs),
        "unreadable": unreadable,
        "pending": sum(1 for j in open_jobs if now - j.created_at < recovery),
        "lost": sum(1 for j in open_jobs if now - j.created_at >= recovery),
        "failed_jobs": sum(1 for j in jobs.values() if j.status == "failed"),
        "linked": len(links),
        "downloaded": downloaded,
        "download_failures": failed,
        "grace_minutes": RECOVERY_SECONDS / 60,
    }


def mail_detail(mail_ids: list[int], started_wall: float) -> list[str]:
    """Rows of these mails with their times in seconds from the start."""
    from outbox.models import Mail

    def t(when) -> str:
        return f"{when.timestamp() - started_wall:.1f}s" if when else "-"

    return [
        f"#{m.pk} {m.kind} to {m.to} {m.status} attempts {m.attempts} queued {t(m.created_at)} "
        f"claimed {t(m.claimed_at)} sent {t(m.sent_at)} {m.last_error[:80]!r}"
        for m in Mail.objects.filter(pk__in=mail_ids).order_by("pk")
    ]


class Verdicts:
    """The invariants table: enforced rows fail the run, reported rows only inform."""

    def __init__(self):
        self.rows: list[list] = []
        self.failed: list[str] = []

    def equal(self, name: str, got, want) -> None:
        self._add(name, got, want, got == want)

    def at_least(self, name: str, got, least) -> None:
        self._add(name, got, f">= {least}", got >= least)

    def report(self, name: str, got, note: str = "reported") -> None:
        self.rows.append([name, got, "-", note])

    def _add(self, name, got, want, ok: bool) -> None:
        self.rows.append([name, got, want, "ok" if ok else "FAIL"])
        if not ok:
            self.failed.append(name)


# --- main ----------------------------------------------------------------------------------------


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--seconds", type=float, default=60.0)
    p.add_argument("--clients", type=int, default=4, help="officer client threads")
    p.add_argument("--officers-per-client", type=int, default=8)
    p.add_argument("--small-seats", type=int, default=3, help="seats of the waitlist workshop")
    p.add_argument("--think", type=float, default=0.05, help="max pause between requests, s")
    p.add_argument("--signin-every", type=float, default=2.0, help="seconds between sign-ins")
    p.add_argument("--workers", type=int, default=3, help="gunicorn worker processes")
    p.add_argument("--port", type=int, default=8250)
    p.add_argument("--smtp-port", type=int, default=8251)
    p.add_argument("--redis-port", type=int, default=6390)
    p.add_argument("--db", default="ts_bench_soak_main")
    p.add_argument("--drain", type=float, default=120.0, help="max seconds to wait for mail")
    p.add_argument("--keep-db", action="store_true")
    p.add_argument(
        "--async-export-every", type=float, default=5.0, help="seconds between queued exports"
    )
    p.add_argument(
        "--smtp-delay", type=float, default=0.02, help="seconds the sink waits to answer DATA"
    )
    p.add_argument(
        "--slow-data",
        type=float,
        default=0.5,
        help="seconds it waits to answer DATA while the database fault runs",
    )
    args = p.parse_args()

    redis = Redis(args.redis_port)
    redis.start()
    url = scratch_database(args.db)
    env = production_env(
        url,
        REDIS_URL=f"redis://127.0.0.1:{args.redis_port}/0",
        EMAIL_URL=f"smtp://127.0.0.1:{args.smtp_port}",
        EMAIL_TIMEOUT="5",
        OUTBOX_SWEEP_SECONDS=str(SWEEP_SECONDS),
        RECOVERY_SWEEP_SECONDS=str(RECOVERY_SECONDS),
        OUTBOX_RETRY_SECONDS="1",
        # Above the longest honest send here (EMAIL_TIMEOUT, --slow-data), so only the claims
        # of a sender that died or lost its database are taken back.
        OUTBOX_CLAIM_TIMEOUT="10",
        # Program-wide exports are queued to the worker; one workshop's never are.
        REPORTS_ASYNC_EXPORT_ROWS=str(args.clients * args.officers_per_client + 1),
        REPORTS_EXPORT_STALE_MINUTES="0.5",  # builds take < 1 s here; a killed one is re-run
        SITE_URL=f"http://127.0.0.1:{args.port}",
    )
    sink = Sink(args.smtp_port, args.smtp_delay)
    sink.controller.start()
    logs = Path(tempfile.mkdtemp(prefix="soak-"))
    worker = Celery(
        {**env, "PGAPPNAME": WORKER_APP},
        [
            "worker",
            "--concurrency",
            "2",
            "--loglevel",
            "WARNING",
            "--without-gossip",
            "--without-mingle",
            "-n",
            "soak@%h",
        ],
        logs / "worker.log",
    )
    beat = Celery(
        {**env, "PGAPPNAME": BEAT_APP},
        ["beat", "--loglevel", "WARNING", "-s", str(logs / "beat-schedule")],
        logs / "beat.log",
    )
    try:
        t = time.perf_counter()
        manage(env, "migrate", "--no-input")
        manage(env, "collectstatic", "--no-input")
        django_setup(env)
        data = seed(args)
        print(
            f"migrated and seeded {args.db} in {time.perf_counter() - t:.1f}s; logs in {logs}",
            flush=True,
        )
        return run(args, env, data, redis, worker, beat, sink, logs)
    finally:
        worker.kill()
        beat.kill()
        redis.kill()
        sink.controller.stop()
        if not args.keep_db:
            from django.db import connections

            connections.close_all()
            drop_database(args.db)


def run(args, env, data, redis, worker, beat, sink, logs) -> int:
    import psycopg
    from django.db import connections

    officer_ids = {pk for pk, _e, _c in data["officers"]}
    db_url = env["DATABASE_URL"]
    lookup = threading.local()

    def registration_ids(officer_id: int, workshop_id: int) -> int:
        if not hasattr(lookup, "conn"):
            lookup.conn = psycopg.connect(db_url, autocommit=True)
        row = lookup.conn.execute(
            "SELECT id FROM attendees_registration WHERE officer_id = %s AND workshop_id = %s",
            [officer_id, workshop_id],
        ).fetchone()
        return row[0] if row else 0

    stats = Stats()
    state = {"phase": "all up"}
    timeline: list[tuple[float, str]] = []
    database_fault = DatabaseFault(db_url)
    workshop_ids = [w["id"] for w in data["workshops"]]

    def phase() -> str:
        return state["phase"]

    def set_phase(text: str) -> None:
        state["phase"] = text
        timeline.append((round(time.monotonic() - started, 1), text))
        print(f"  t={timeline[-1][0]:>5}s {text}", flush=True)

    def smtp_drops(on: bool) -> str:
        sink.drop = on
        return "SMTP accepts and drops (no 250)" if on else "SMTP answers again"

    def slow_data(on: bool) -> str:
        sink.delay = args.slow_data if on else args.smtp_delay
        return f"SMTP answers DATA after {sink.delay} s"

    def kill_database_connections() -> str:
        strike = database_fault.strike(within=0.1 * args.seconds)
        return (
            f"worker's database connections ended ({strike['backends']} backends; mails in "
            f"flight {[pk for pk, _attempts in strike['in_flight']]})"
        )

    def move(workshop_id: int):
        return lambda: move_sessions(data["coordinator_id"], workshop_id, 1)

    worker.start()
    beat.start()
    web_env = {**env, "PGAPPNAME": WEB_APP}
    with gunicorn(web_env, workers=args.workers, port=args.port, log=logs / "gunicorn.log") as port:
        started = time.monotonic()
        state["started_wall"] = time.time()
        deadline = started + args.seconds
        per = args.officers_per_client
        threads = [
            threading.Thread(
                target=officer_loop,
                args=(
                    args,
                    port,
                    data["officers"][i * per : (i + 1) * per],
                    data["workshops"],
                    stats,
                    deadline,
                    phase,
                    registration_ids,
                ),
            )
            for i in range(args.clients)
        ]
        threads.append(
            threading.Thread(
                target=coordinator_loop,
                args=(args, port, data["coordinator"], data["workshops"], stats, deadline, phase),
            )
        )
        threads.append(
            threading.Thread(
                target=signin_loop, args=(args, port, data["signers"], stats, deadline, phase)
            )
        )
        set_phase("all up")
        for th in threads:
            th.start()

        def step(action, text: str):
            return lambda: (action(), text)[1]

        plan = [
            (0.10, lambda: smtp_drops(True)),
            (0.20, move(workshop_ids[0])),
            (0.22, lambda: smtp_drops(False)),
            (0.30, step(worker.kill, "worker killed (SIGKILL)")),
            (0.45, step(worker.start, "worker restarted")),
            (0.50, step(redis.kill, "Redis killed (SIGKILL)")),
            (0.55, move(workshop_ids[1])),
            (0.65, step(redis.start, "Redis restarted (empty)")),
            (0.72, lambda: slow_data(True)),
            (0.73, kill_database_connections),
            (0.77, kill_database_connections),
            (0.81, kill_database_connections),
            (0.86, lambda: slow_data(False)),
        ]
        for at, action in plan:
            time.sleep(max(0.0, started + at * args.seconds - time.monotonic()))
            set_phase(action())
        for th in threads:
            th.join()
        elapsed = time.monotonic() - started
        set_phase("traffic stopped")

        # Drain: until nothing is owed (mail unsent, a calendar out of line, an export that can
        # still be built) and the sink has been quiet for a while; bounded by --drain.
        drain_started = time.monotonic()
        drain_deadline_wall = time.time() + args.drain
        cache: dict[int, Parsed] = {}
        last, quiet_since = -1, time.monotonic()
        from outbox.models import Mail

        while time.monotonic() - drain_started < args.drain:
            received = sink.snapshot()
            owed = Mail.objects.unsent().count()
            owed += len(calendar_figures(officer_ids, received_by_key(received, cache))["wrong"])
            owed += exports_owed(drain_deadline_wall)
            connections.close_all()
            if len(received) != last:
                last, quiet_since = len(received), time.monotonic()
            if owed == 0 and time.monotonic() - quiet_since > QUIET_SECONDS:
                break
            time.sleep(1)
        drained = time.monotonic() - drain_started

        counts = database_counts(officer_ids)
        copies = received_by_key(sink.snapshot(), cache)
        outbox = outbox_figures(copies)
        mails = registration_mail_figures(officer_ids, copies)
        calendars = calendar_figures(officer_ids, copies)
        coordinator_cookie = f"sessionid={data['coordinator'].split('=', 1)[1]}"
        exports = export_figures(port, coordinator_cookie, copies)
        in_flight = [pk for s in database_fault.strikes for pk, _attempts in s["in_flight"]]
        taken_back = [
            pk
            for s in database_fault.strikes
            for pk, attempts in s["in_flight"]
            if outbox["attempts_by_pk"].get(pk, 0) > attempts
        ]
        unsent_detail = mail_detail([m.pk for m in outbox["unsent"]][:10], state["started_wall"])
        in_flight_detail = [
            f"{line}; attempts at the kill {attempts}"
            for s in database_fault.strikes
            for pk, attempts in s["in_flight"]
            for line in mail_detail([pk], state["started_wall"])
        ][:10]
        connections.close_all()
    database_fault.close()
    server_log = (logs / "gunicorn.log").read_text(errors="replace")
    worker_log = (logs / "worker.log").read_text(errors="replace")
    worker_alive = worker.proc.poll() is None
    beat_alive = beat.proc.poll() is None

    # Responses vs database.
    db_by = counts["by_officer"]
    mismatched_states = []
    for key, expect in stats.expected.items():
        state_now = counts["states"].get(key)
        active = state_now in ("confirmed", "waitlisted")
        if (expect == "active") != active:
            mismatched_states.append((key, expect, state_now))
    unexplained = [
        key
        for key, st in counts["states"].items()
        if key not in stats.expected and st != "cancelled"
    ]

    v = Verdicts()
    v.equal("HTTP errors (5xx, connection, unexpected status)", len(stats.errors), 0)
    v.equal(
        "'Internal Server Error' in the server log", server_log.count("Internal Server Error"), 0
    )
    for outcome in ("confirmed", "waitlisted", "cancelled"):
        v.equal(
            f"{outcome} responses vs officer '{outcome}' events",
            stats.outcomes[outcome],
            db_by.get(outcome, 0),
        )
    v.equal("registrations whose final state contradicts the responses", len(mismatched_states), 0)
    v.equal("registrations no response accounts for", len(unexplained), 0)
    v.equal("workshops over capacity", len(counts["over_capacity"]), 0)
    # The outbox, every kind.
    v.equal("mails left ready or sending after the drain", len(outbox["unsent"]), 0)
    v.equal("mails given up", len(outbox["given_up"]), 0)
    v.equal("mails sent but never received", len(outbox["not_received"]), 0)
    v.equal("messages received that no Mail row holds", len(outbox["unknown"]), 0)
    v.equal("Mail rows sharing a Message-ID", outbox["shared_id"], 0)
    v.report("resends received (same Message-ID, at least once)", outbox["resends"])
    v.equal("resends not identical to the first copy", len(outbox["changed"]), 0)
    v.equal("copies beyond the mail's attempts", len(outbox["beyond_attempts"]), 0)
    v.equal("copies cut off before 250 and never sent again", len(outbox["cut_off_not_resent"]), 0)
    v.equal("mails arriving before an earlier change's mail", len(outbox["out_of_order"]), 0)
    # Registration e-mails.
    v.equal("registration mails vs registration events", mails["mails"], mails["events"])
    v.equal("registration events without their mail", mails["missing"], 0)
    v.equal("registration mails without their event", mails["extra"], 0)
    v.equal(
        "registration mails whose subject is not their event's state", mails["wrong_subject"], 0
    )
    v.equal("registration mails whose text is not their change", mails["wrong_text"], 0)
    v.equal(
        "registration events whose mail the officer received", mails["reached"], mails["events"]
    )
    # Calendars.
    v.equal("calendars: sessions out of line with registrations", len(calendars["wrong"]), 0)
    v.equal("calendars: UIDs the database never issued", len(calendars["unknown_uids"]), 0)
    v.equal("calendars: one SEQUENCE, two messages", len(calendars["conflicting"]), 0)
    v.equal("calendars: REQUEST repeated unchanged", calendars["repeated"], 0)
    v.equal("calendars: last SEQUENCE queued not received", calendars["behind"], 0)
    # Exports.
    v.equal("queued exports: failed", exports["failed_jobs"], 0)
    v.equal("queued exports: lost and not rebuilt by recover_exports", exports["lost"], 0)
    v.report(
        "queued exports: lost, pending recover_exports",
        exports["pending"],
        f"reported (grace {exports['grace_minutes']:.0f} min)",
    )
    v.equal("queued exports: done without a link e-mail", exports["done_unlinked"], 0)
    v.equal("queued exports: link e-mailed twice", exports["linked_twice"], 0)
    v.equal("queued exports: e-mails without a readable link to a job", 
            exports["unreadable"] + exports["links_to_no_job"], 0)  # fmt: skip
    v.equal(
        "queued exports: links that download the file", exports["downloaded"], exports["linked"]
    )
    # The faults reached what they were meant to test.
    v.at_least("fault landed: messages kept, then cut off before 250", outbox["cut_off"], 1)
    v.at_least("fault landed: claims taken back after a database kill", len(taken_back), 1)
    if not worker_alive or not beat_alive:
        v.failed.append("a Celery process died")

    print()
    print_table(
        f"soak: {elapsed:.0f}s of traffic, {args.clients} officer clients + coordinator + sign-in, "
        f"gunicorn {args.workers} workers ({dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, "
        f"load {' '.join(f'{x:.1f}' for x in os.getloadavg())})",
        ["action", "requests", "req/s"],
        [[a, n, f"{n / elapsed:.1f}"] for a, n in sorted(stats.requests.items())]
        + [
            ["total", sum(stats.requests.values()), f"{sum(stats.requests.values()) / elapsed:.1f}"]
        ],
    )
    print(f"\nHTTP statuses {dict(sorted(stats.statuses.items()))}")
    print("faults (s from the start of traffic):")
    for at, text in timeline:
        print(f"  {at:>6}  {text}")
    print(
        f"responses: {dict(stats.outcomes)}; promotions from the waitlist {counts['promoted']}; "
        f"registration events {counts['events']}"
    )
    print(
        f"outbox: {outbox['mails']} mails {dict(outbox['by_kind'])}; sink received "
        f"{outbox['copies']} copies; {outbox['resends']} resends of {outbox['resent_mails']} mails "
        f"{dict(outbox['resent_by_kind'])}; {outbox['late']} sent more than {LATE_SECONDS}s "
        f"after queued (retried or swept)"
    )
    print(
        f"SMTP fault: {sink.dropped} messages kept then cut off; database fault: "
        f"{len(database_fault.strikes)} kills, "
        f"{sum(s['backends'] for s in database_fault.strikes)} "
        f"backends ended, {len(in_flight)} mails in flight, {len(taken_back)} taken back by the "
        f"sweep and sent again"
    )
    print(
        f"invites received {calendars['received']} (sessions confirmed now "
        f"{calendars['expected_live']})"
    )
    print(
        f"queued exports: {exports['jobs']} jobs ({stats.outcomes['export queued']} queued "
        f"responses), {exports['done']} built, {exports['linked']} link e-mails, "
        f"{exports['downloaded']} downloaded through the link, {exports['pending']} pending "
        f"recover_exports"
    )
    for failure in exports["download_failures"][:5]:
        print(f"  export download failed: {failure}")
    print(f"drained in {drained:.1f}s; worker alive {worker_alive}, beat alive {beat_alive}")
    print(
        f"worker log {logs / 'worker.log'}: {worker_log.count('raised unexpected')} task "
        f"failures ({worker_log.count('OperationalError')} lines on database errors)"
    )
    print(
        f"server log {logs / 'gunicorn.log'}: {server_log.count('Could not run')} enqueues "
        f"refused while Redis was down (left to the sweeps), "
        f"{server_log.count('Exception ignored')} cache calls degraded to a miss"
    )
    print_table("invariants", ["check", "got", "expected", "verdict"], v.rows)
    for err in stats.errors[:15]:
        print(f"  error: {err}")
    if len(stats.errors) > 15:
        print(f"  … {len(stats.errors) - 15} more errors")
    for line in in_flight_detail:
        print(f"  in flight at a database kill: {line}")
    for line in unsent_detail:
        print(f"  unsent: {line}")
    for m in outbox["not_received"][:10]:
        print(f"  sent, never received: #{m.pk} {m.kind} to {m.to} {m.message_id}")
    for key in outbox["unknown"][:10]:
        print(f"  received, in no Mail row: {key}")
    for item in outbox["out_of_order"][:10]:
        print(f"  out of order (to, earlier #, kind, later #, kind): {item}")
    for key in (outbox["changed"] + outbox["beyond_attempts"])[:10]:
        print(f"  bad resend: {key}")
    for line in mails["details"][:10]:
        print(f"  registration mail: {line}")
    for item in mismatched_states[:10]:
        print(f"  state mismatch (officer, workshop), response, database: {item}")
    for item in calendars["wrong"][:10]:
        print(f"  calendar out of line (officer, session, state, last received): {item}")
    print(f"\n{'FAILED: ' + '; '.join(v.failed) if v.failed else 'all invariants hold'}")
    return 1 if v.failed else 0


if __name__ == "__main__":
    sys.exit(main())
