"""What the benchmarks share: a scratch PostgreSQL database, a real gunicorn server with
production settings on 127.0.0.1, and a bounded HTTP load generator with keep-alive clients.

Every figure a benchmark prints is a ratio to a baseline measured in the same run on the same
machine, so the numbers travel between machines better than absolute rates.
"""

from __future__ import annotations

import http.client
import os
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PG_SERVER = os.environ.get("BENCH_PG_SERVER", "postgres://postgres@127.0.0.1:5432")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/8")


def scratch_database(name: str) -> str:
    """Drop and create database `name`; return its URL."""
    import psycopg

    drop_database(name)
    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{PG_SERVER}/{name}"


def drop_database(name: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def production_env(database_url: str, **extra: str) -> dict[str, str]:
    """Production settings (DEBUG off, PostgreSQL, Redis) minus TLS, which 127.0.0.1 lacks."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CELERY_"))}
    env.update(
        DEBUG="0",
        SECRET_KEY="bench-" + "x" * 60,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SITE_URL="http://127.0.0.1",
        DATABASE_URL=database_url,
        REDIS_URL=REDIS_URL,
        CELERY_TASK_ALWAYS_EAGER="0",
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        SECURE_HSTS_SECONDS="0",
        CONN_MAX_AGE="60",
        LOG_LEVEL="WARNING",
        EMAIL_URL="dummymail://",
    )
    env.update(extra)
    return env


def manage(env: dict[str, str], *args: str, quiet: bool = True) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=quiet,
        text=True,
    )
    return result.stdout or ""


def django_setup(env: dict[str, str]) -> None:
    """Configure Django in this process with `env` (for seeding and session creation)."""
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trainingsite.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def seed_agency(label: str, domain: str):
    """A region and an auto-vetted agency owning `domain` (after `django_setup`)."""
    from attendees.models import Agency, AgencyDomain, Region

    region = Region.objects.create(name=f"{label} region", slug=label.lower())
    agency = Agency.objects.create(
        name=f"{label} agency", country="SG", region=region, vetting_mode="auto"
    )
    AgencyDomain.objects.create(agency=agency, domain=domain)
    return region, agency


def seed_officers(agency, domain: str, count: int) -> list:
    """`count` verified officers of `agency`, in one insert with an unusable password (no
    hashing): they are signed in by sessions written straight to the session table."""
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from attendees.models import User

    now, unusable = timezone.now(), make_password(None)
    return User.objects.bulk_create(
        User(
            email=f"officer{i}@{domain}",
            full_name=f"Officer {i}",
            agency=agency,
            country="SG",
            status=User.Status.VERIFIED,
            vetted_at=now,
            password=unusable,
        )
        for i in range(count)
    )


def request_headers(cookies: dict[str, str], form: dict | None) -> tuple[dict, str | None]:
    """Headers and body for a request from a browser holding `cookies`; a form is posted with
    the CSRF token the jar holds (one is made up and kept if there is none yet)."""
    headers = {"Host": "127.0.0.1"}
    body = None
    if form is not None:
        csrf = cookies.setdefault("csrftoken", secrets.token_hex(16))
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": csrf, **form})
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    return headers, body


def keep_cookies(cookies: dict[str, str], response: http.client.HTTPResponse) -> None:
    """Apply a response's Set-Cookie headers to `cookies` as a browser would: a cookie set
    empty or with Max-Age=0 is deleted."""
    for header in response.headers.get_all("Set-Cookie") or []:
        jar = SimpleCookie()
        jar.load(header)
        for name, morsel in jar.items():
            if morsel["max-age"] == "0" or morsel.value == "":
                cookies.pop(name, None)
            else:
                cookies[name] = morsel.value


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass(frozen=True)
class Server:
    port: int
    pid: int  # the gunicorn master (its workers are its children)


@contextmanager
def serve(
    env: dict[str, str],
    *,
    app: str = "trainingsite.wsgi",
    workers: int = 4,
    threads: int = 1,
    worker_class: str | None = None,
    port: int | None = None,
    log: Path | None = None,
    backlog: int = 2048,
):
    """Serve `app` with gunicorn on 127.0.0.1; yields the Server; stops it afterwards.
    `log`: a file for the server's output (default: this process's stderr)."""
    port = port or free_port()
    output = open(log, "a") if log else None  # closed in the finally below
    extra = ["--worker-class", worker_class] if worker_class else []
    proc = subprocess.Popen(
        [
            PYTHON, "-m", "gunicorn", app,
            "--bind", f"127.0.0.1:{port}",
            "--workers", str(workers),
            "--threads", str(threads),
            *extra,
            "--backlog", str(backlog),
            "--log-level", "warning",
            "--keep-alive", "30",
        ],
        cwd=ROOT,
        env=env,
        stdout=output,
        stderr=output,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError("gunicorn did not start")
        yield Server(port=port, pid=proc.pid)
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        if output:
            output.close()


@contextmanager
def gunicorn(env: dict[str, str], **options):
    """The real app on 127.0.0.1 (`serve`'s options); yields the port."""
    with serve(env, **options) as server:
        yield server.port


@dataclass
class LoadResult:
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    elapsed: float = 0.0

    @property
    def count(self) -> int:
        return len(self.latencies)

    def add(self, other: LoadResult) -> None:
        """Fold another measurement of the same thing into this one."""
        self.latencies.extend(other.latencies)
        for status, n in other.statuses.items():
            self.statuses[status] = self.statuses.get(status, 0) + n
        self.elapsed += other.elapsed

    @property
    def rps(self) -> float:
        return self.count / self.elapsed if self.elapsed else 0.0

    @property
    def p95_ms(self) -> float:
        if len(self.latencies) < 2:
            return (self.latencies or [0.0])[0] * 1000
        return statistics.quantiles(self.latencies, n=20)[18] * 1000


def hammer(
    port: int,
    request: Callable[[int], tuple[str, str, dict[str, str], bytes | None]],
    *,
    concurrency: int = 16,
    total: int | None = None,
    seconds: float | None = None,
) -> LoadResult:
    """Send requests from `concurrency` keep-alive clients until `total` requests are done or
    `seconds` have passed (whichever is given; both are bounds). `request(i)` returns
    (method, path, headers, body) for the i-th request."""
    assert total or seconds, "a load must be bounded"
    result = LoadResult()
    lock = threading.Lock()
    counter = iter(range(total or 10**12))
    deadline = time.monotonic() + (seconds or 600)

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.monotonic() < deadline:
            with lock:
                i = next(counter, None)
            if i is None:
                break
            method, path, headers, body = request(i)
            started = time.perf_counter()
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                status = 0
            took = time.perf_counter() - started
            with lock:
                result.latencies.append(took)
                result.statuses[status] = result.statuses.get(status, 0) + 1
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    result.elapsed = time.perf_counter() - started
    return result


def print_table(title: str, headers: list[str], rows: list[list]) -> None:
    widths = [max(len(str(h)), *(len(str(r[i])) for r in rows)) for i, h in enumerate(headers)]
    print(f"\n{title}")
    print("  ".join(str(h).ljust(w) for h, w in zip(headers, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)))
