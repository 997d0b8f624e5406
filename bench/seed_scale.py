"""Ten years of a large program in PostgreSQL, fast: COPY straight from Python generators.

`--scale 1.0` = 5,000 workshops, 100,000 officers in 2,000 agencies, 1,000,000 registrations,
attendance marks and completions for every past workshop. `--scale 0.1` is a tenth of it.

    .venv/bin/python bench/seed_scale.py --db ts_bench_scale [--scale 0.1] [--keep]

Generic over the models: every concrete column is written; a column the generator does not set
takes the model field's default (or NULL / "" where the field allows it), so adding a field with a
default never breaks the seeder. Primary keys are assigned here (foreign keys are then known
without a round trip); sequences are reset and VACUUM ANALYZE runs at the end.

Also importable: `seed(scale)` (Django set up on the target DB) returns a `Seeded` summary the
page benchmarks use (ids of a coordinator, an officer, a 300-officer workshop, ...).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

WORKSHOPS = 5_000
OFFICERS = 100_000
AGENCIES = 2_000
REGISTRATIONS = 1_000_000
ROSTER = 300  # the big workshop a coordinator pages through
TRAINERS = 20
REGIONS = [("Asia-Pacific", "apac"), ("Europe", "europe"), ("Americas", "americas")]
PASSWORD = "!bench-unusable"  # unusable password hash: sessions are written directly
COUNTRIES = ["SG", "PT", "NL", "FR", "BR", "US", "JP", "DE", "ES", "MX"]
ZONES = ["Asia/Singapore", "Europe/Lisbon", "Europe/Amsterdam", "America/Sao_Paulo", "UTC"]


@dataclass
class Seeded:
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    admin_id: int = 0
    coordinator_id: int = 0  # coordinates region 1
    officer_id: int = 0  # has registrations, including upcoming ones
    big_workshop_id: int = 0  # upcoming, region 1, ROSTER confirmed officers
    detail_workshop_id: int = 0  # upcoming, published
    report_year: int = 0


class Columns:
    """Row builder for one model: every concrete column, defaults from the fields."""

    def __init__(self, model):
        from django.db import connection

        self.model = model
        self.fields = list(model._meta.concrete_fields)
        self.names = [f.column for f in self.fields]
        self.connection = connection
        self.now = dt.datetime.now(dt.UTC)

    def default(self, f):
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            return self.now
        if f.has_default():
            return f.get_default()
        if f.null:
            return None
        if f.empty_strings_allowed:
            return ""
        raise ValueError(f"{self.model.__name__}.{f.name} needs a value from the seeder")

    def row(self, values: dict) -> tuple:
        out = []
        for f in self.fields:
            if f.attname in values:
                v = values[f.attname]
            elif f.name in values:
                v = values[f.name]
            else:
                v = self.default(f)
            out.append(f.get_db_prep_save(v, self.connection))
        return tuple(out)


def copy_rows(model, rows) -> int:
    """COPY `rows` (dicts of field name → value) into `model`'s table; returns the count."""
    from django.db import connection

    cols = Columns(model)
    columns = ", ".join(connection.ops.quote_name(c) for c in cols.names)
    table = connection.ops.quote_name(model._meta.db_table)
    n = 0
    with connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg cursor under Django's wrapper
        with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for values in rows:
                copy.write_row(cols.row(values))
                n += 1
    return n


def seed(scale: float = 0.1, *, verbose: bool = True) -> Seeded:
    from django.contrib.auth import get_user_model
    from django.core.management.color import no_style
    from django.db import connection, transaction

    from attendance.models import AttendanceMark, Completion, WorkshopClosure
    from attendees.models import Agency, AgencyDomain, Region
    from registrations.models import Registration
    from workshops.models import Workshop, WorkshopSession

    User = get_user_model()
    started = time.perf_counter()
    now = dt.datetime.now(dt.UTC).replace(minute=0, second=0, microsecond=0)
    n_agencies = max(int(AGENCIES * scale), 3)
    n_officers = max(int(OFFICERS * scale), 400)
    n_workshops = max(int(WORKSHOPS * scale), 20)
    per_workshop = max(REGISTRATIONS // WORKSHOPS, 1)  # 200: the same density at any scale
    out = Seeded()
    timings: list[tuple[str, int, float]] = []

    def load(model, rows):
        t = time.perf_counter()
        n = copy_rows(model, rows)
        timings.append((model.__name__, n, time.perf_counter() - t))
        out.counts[model.__name__] = out.counts.get(model.__name__, 0) + n
        if verbose:
            print(
                f"  {model.__name__:<16} {n:>9,} rows  {time.perf_counter() - t:6.1f}s", flush=True
            )

    with transaction.atomic():
        load(Region, ({"id": i + 1, "name": n, "slug": s} for i, (n, s) in enumerate(REGIONS)))
        load(
            Agency,
            (
                {
                    "id": a,
                    "name": f"Bench Police Agency {a}",
                    "country": COUNTRIES[a % len(COUNTRIES)],
                    "region_id": a % len(REGIONS) + 1,
                    "vetting_mode": "auto",
                }
                for a in range(1, n_agencies + 1)
            ),
        )
        load(
            AgencyDomain,
            (
                {"id": a, "agency_id": a, "domain": f"a{a}.police.example"}
                for a in range(1, n_agencies + 1)
            ),
        )

        # Officers 1..n_officers, then staff: admin, one coordinator per region, trainers.
        vetted = now - dt.timedelta(days=30)

        def officer(i):
            a = i % n_agencies + 1
            return {
                "id": i,
                "email": f"officer{i}@a{a}.police.example",
                "full_name": f"Officer {i:06d}",
                "rank": "Inspector",
                "agency_id": a,
                "country": COUNTRIES[a % len(COUNTRIES)],
                "status": "verified",
                "vetted_at": vetted,
                "password": PASSWORD,
                "date_joined": vetted,
            }

        def staff():
            base = n_officers
            yield {
                "id": base + 1,
                "email": "admin@bench.example.org",
                "full_name": "Program Admin",
                "status": "verified",
                "is_program_admin": True,
                "password": PASSWORD,
            }
            for r in range(len(REGIONS)):
                yield {
                    "id": base + 2 + r,
                    "email": f"coord{r + 1}@bench.example.org",
                    "full_name": f"Coordinator {r + 1}",
                    "status": "verified",
                    "password": PASSWORD,
                }
            for t in range(TRAINERS):
                yield {
                    "id": base + 2 + len(REGIONS) + t,
                    "email": f"trainer{t}@bench.example.org",
                    "full_name": f"Trainer {t}",
                    "status": "verified",
                    "is_trainer": True,
                    "password": PASSWORD,
                }

        def users():
            for i in range(1, n_officers + 1):
                yield officer(i)
            yield from staff()

        load(User, users())
        out.admin_id = n_officers + 1
        out.coordinator_id = n_officers + 2
        trainer_ids = [n_officers + 2 + len(REGIONS) + t for t in range(TRAINERS)]
        CoordRegions = User.coordinated_regions.through
        load(
            CoordRegions,
            (
                {"id": r + 1, "user_id": n_officers + 2 + r, "region_id": r + 1}
                for r in range(len(REGIONS))
            ),
        )

        # Workshops over ten years: nine past, one ahead. Index 0..n-1, oldest first.
        span = dt.timedelta(days=3650)
        first = now - dt.timedelta(days=3285)
        step = span / n_workshops
        starts = [first + step * w for w in range(n_workshops)]
        upcoming = [w for w in range(n_workshops) if starts[w] > now]
        big = next(w for w in upcoming if w % len(REGIONS) == 0)  # region 1
        out.big_workshop_id = big + 1
        out.detail_workshop_id = upcoming[len(upcoming) // 2] + 1
        out.report_year = (now - dt.timedelta(days=365)).year

        def workshop(w):
            start = starts[w].replace(hour=1)
            past = start < now
            return {
                "id": w + 1,
                "title": f"Blockchain forensics {w + 1}",
                "description": "Tracing funds across chains, exchanges and mixers.",
                "region_id": w % len(REGIONS) + 1,
                "status": "completed" if past else "published",
                "format": ("in_person", "online", "hybrid")[w % 3],
                "time_zone": ZONES[w % len(ZONES)],
                "city": "Singapore",
                "country": COUNTRIES[w % len(COUNTRIES)],
                "capacity": ROSTER + 20 if w == big else per_workshop + 50,
                "registration_opens_at": start - dt.timedelta(days=90),
                "registration_closes_at": start - dt.timedelta(days=1),
                "host_agency_id": w % n_agencies + 1,
                "starts_at": start,
                "ends_at": start + dt.timedelta(hours=8),
                "created_by_id": n_officers + 2 + w % len(REGIONS),
                "created_at": start - dt.timedelta(days=120),
            }

        load(Workshop, (workshop(w) for w in range(n_workshops)))
        load(
            Workshop.trainers.through,
            (
                {"id": w + 1, "workshop_id": w + 1, "user_id": trainer_ids[w % TRAINERS]}
                for w in range(n_workshops)
            ),
        )
        load(
            WorkshopSession,
            (
                {
                    "id": w + 1,
                    "workshop_id": w + 1,
                    "title": "Day 1",
                    "starts_at": starts[w].replace(hour=1),
                    "ends_at": starts[w].replace(hour=9),
                }
                for w in range(n_workshops)
            ),
        )

        # Registrations: `per_workshop` distinct officers per workshop (ROSTER for the big one);
        # 90% confirmed, 5% waitlisted, 5% cancelled. Officer 1 has a history and upcoming places.
        stride = max(n_officers // max(per_workshop, ROSTER), 1)
        # Officer (w*37 + k*stride): with stride a multiple of 37 (333 at scale 1.0) one officer
        # recurred in every ninth workshop (200 registrations); coprime, each officer has about
        # the average (REGISTRATIONS / OFFICERS, 10).
        while stride % 37 == 0:
            stride += 1
        confirmed_past: list[tuple[int, int]] = []  # (registration id, workshop index)

        def registrations():
            rid = 0
            for w in range(n_workshops):
                count = ROSTER if w == big else per_workshop
                at = starts[w] - dt.timedelta(days=30)
                past = starts[w] < now
                for k in range(count):
                    rid += 1
                    officer_id = (w * 37 + k * stride) % n_officers + 1
                    state = (
                        "confirmed"
                        if k % 20 < 18 or w == big
                        else ("waitlisted" if k % 20 == 18 else "cancelled")
                    )
                    if state == "confirmed" and past:
                        confirmed_past.append((rid, w))
                    yield {
                        "id": rid,
                        "workshop_id": w + 1,
                        "officer_id": officer_id,
                        "state": state,
                        "created_at": at,
                        "confirmed_at": at if state == "confirmed" else None,
                        "waitlisted_at": at if state == "waitlisted" else None,
                    }

        load(Registration, registrations())
        # An officer with both history and upcoming places, for "My training".
        out.officer_id = (
            Registration.objects.filter(workshop_id=out.detail_workshop_id, state="confirmed")
            .values_list("officer_id", flat=True)
            .first()
        )

        past_workshops = [w for w in range(n_workshops) if starts[w] < now]
        load(
            WorkshopClosure,
            (
                {
                    "id": i + 1,
                    "workshop_id": w + 1,
                    "closed_at": starts[w] + dt.timedelta(days=1),
                    "closed_by_id": n_officers + 2 + w % len(REGIONS),
                    "status_before_close": "published",
                }
                for i, w in enumerate(past_workshops)
            ),
        )
        load(
            AttendanceMark,
            (
                {
                    "id": i + 1,
                    "registration_id": rid,
                    "session_id": w + 1,
                    "status": "present" if rid % 10 else "absent",
                    "marked_at": starts[w],
                }
                for i, (rid, w) in enumerate(confirmed_past)
            ),
        )
        load(
            Completion,
            (
                {
                    "id": i + 1,
                    "registration_id": rid,
                    "completed": bool(rid % 10),
                    "attended_minutes": 480 if rid % 10 else 0,
                    "total_minutes": 480,
                    "computed_at": starts[w] + dt.timedelta(days=1),
                }
                for i, (rid, w) in enumerate(confirmed_past)
            ),
        )

        models = [
            Region,
            Agency,
            AgencyDomain,
            User,
            CoordRegions,
            Workshop,
            Workshop.trainers.through,
            WorkshopSession,
            Registration,
            WorkshopClosure,
            AttendanceMark,
            Completion,
        ]
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(sql)
    with connection.cursor() as cursor:
        t = time.perf_counter()
        # VACUUM too: the visibility map lets index-only scans skip the heap, as it would on a
        # database autovacuum has had ten years to visit (plans otherwise differ).
        cursor.execute("VACUUM ANALYZE")
        if verbose:
            print(f"  VACUUM ANALYZE                     {time.perf_counter() - t:6.1f}s")
    out.seconds = time.perf_counter() - started
    return out


def summary() -> Seeded:
    """The `Seeded` ids of an already seeded database (for benchmarks run with --reuse)."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from registrations.models import Registration
    from workshops.models import Workshop

    User = get_user_model()
    out = Seeded(
        counts={"User": User.objects.count(), "Registration": Registration.objects.count()}
    )
    out.admin_id = User.objects.get(email="admin@bench.example.org").pk
    out.coordinator_id = User.objects.get(email="coord1@bench.example.org").pk
    out.big_workshop_id = Workshop.objects.get(capacity=ROSTER + 20).pk
    upcoming = list(
        Workshop.objects.filter(starts_at__gt=timezone.now()).values_list("pk", flat=True)
    )
    out.detail_workshop_id = upcoming[len(upcoming) // 2]
    out.officer_id = (
        Registration.objects.filter(workshop_id=out.detail_workshop_id, state="confirmed")
        .values_list("officer_id", flat=True)
        .first()
    )
    out.report_year = timezone.now().year - 1
    return out


def main() -> int:
    from bench.harness import (
        REDIS_URL,
        django_setup,
        manage,
        print_table,
        production_env,
        scratch_database,
    )

    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--scale", type=float, default=0.1)
    p.add_argument("--db", default="ts_bench_scale")
    args = p.parse_args()
    url = scratch_database(args.db)
    env = production_env(url, REDIS_URL=REDIS_URL)
    t = time.perf_counter()
    manage(env, "migrate", "--no-input")
    print(f"migrated {args.db} in {time.perf_counter() - t:.1f}s; seeding scale {args.scale}")
    django_setup(env)
    result = seed(args.scale)
    print_table(
        f"seed_scale --scale {args.scale}: {result.seconds:.1f}s",
        ["table", "rows"],
        [[k, f"{v:,}"] for k, v in result.counts.items()],
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
