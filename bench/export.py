"""Attendance export benchmark: 200,000 rows in a scratch PostgreSQL database.

Measures, each in a fresh child process (peak memory = ru_maxrss of that process):
- bare: the same rows (same columns, presence included) fetched by a plain cursor and written
  by a bare csv.writer — the baseline;
- csv: the real export path (reports.exports.attendance_dataset + reports.tabular.iter_csv);
- xlsx: the real export path into reports.tabular.write_xlsx (constant-memory xlsxwriter).
At 50k rows (a date filter selecting a quarter of the workshops) and 200k rows.

Run: .venv/bin/python bench/export.py [--keep] [--reuse] (PostgreSQL at BENCH_PG_SERVER;
--keep leaves the seeded database, --reuse measures it again without seeding).
Targets: csv <= 3x bare, xlsx <= 12x bare, peak memory < 150 MB at 200k and flat from 50k.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import (
    PYTHON,
    django_setup,
    manage,
    print_table,
    production_env,
    scratch_database,
)

DB_NAME = "ts_h6_bench_export"
WORKSHOPS = 2_000
PER_WORKSHOP = 100  # 2,000 x 100 = 200,000 attendance rows
OFFICERS = 20_000
BASE = dt.datetime(2026, 1, 1, 1, 0, tzinfo=dt.UTC)
SIZES = (50_000, 200_000)


def _date_filter(rows: int) -> tuple[str | None, str | None]:
    # Workshops start one per BASE + i hours; the first quarter of them ends before this date.
    if rows >= WORKSHOPS * PER_WORKSHOP:
        return None, None
    last = BASE + dt.timedelta(hours=rows // PER_WORKSHOP - 1)
    return BASE.date().isoformat(), last.date().isoformat()


def seed() -> None:
    from django.db import connection

    from attendance.models import AttendanceMark, Certificate, Completion
    from attendees.models import Agency, Region, User
    from registrations.models import Registration
    from workshops.models import (
        Module,
        ModuleRevision,
        Track,
        Workshop,
        WorkshopModule,
        WorkshopSession,
    )

    region = Region.objects.create(name="Bench region", slug="bench")
    User.objects.create(
        email="admin@bench.example",
        full_name="Bench admin",
        is_program_admin=True,
        status=User.Status.VERIFIED,
        vetted_at=BASE,
    )
    agencies = Agency.objects.bulk_create(
        Agency(name=f"Agency {i}", country=["SG", "PT", "NL", "BR"][i % 4], region=region)
        for i in range(50)
    )
    officers = User.objects.bulk_create(
        (
            User(
                email=f"officer{i}@agency{i % 50}.example",
                full_name=f"Officer {i:05d}",
                rank="Inspector",
                agency=agencies[i % 50],
                status=User.Status.VERIFIED,
                password="!",
            )
            for i in range(OFFICERS)
        ),
        batch_size=5_000,
    )
    track = Track.objects.create(name="Blockchain forensics", slug="forensics")
    module = Module.objects.create(
        slug="m", title="Tracing", track=track, objectives="x", status="published"
    )
    revision = ModuleRevision.objects.create(
        module=module,
        number=1,
        track=track,
        title="Tracing",
        level=module.level,
        duration_minutes=120,
        objectives="x",
    )
    workshops = Workshop.objects.bulk_create(
        Workshop(
            title=f"Workshop {i}",
            region=region,
            status="completed",
            time_zone="Asia/Singapore",
            city="Singapore",
            country="SG",
            capacity=PER_WORKSHOP,
            registration_opens_at=BASE,
            registration_closes_at=BASE,
            starts_at=BASE + dt.timedelta(hours=i),
            ends_at=BASE + dt.timedelta(hours=i + 5),
        )
        for i in range(WORKSHOPS)
    )
    WorkshopModule.objects.bulk_create(
        WorkshopModule(workshop=w, revision=revision, position=0) for w in workshops
    )
    sessions = WorkshopSession.objects.bulk_create(
        WorkshopSession(
            workshop=w,
            starts_at=w.starts_at + dt.timedelta(hours=h),
            ends_at=w.starts_at + dt.timedelta(hours=h + 2),
        )
        for w in workshops
        for h in (0, 3)
    )
    by_workshop: dict[int, list] = {}
    for s in sessions:
        by_workshop.setdefault(s.workshop_id, []).append(s)
    statuses = ["present", "present", "late", "absent", "excused"]
    n = 0
    for wi, w in enumerate(workshops):
        regs = Registration.objects.bulk_create(
            Registration(
                workshop=w,
                officer=officers[(wi * PER_WORKSHOP + k) % OFFICERS],
                state="confirmed",
                created_at=BASE,
                confirmed_at=BASE,
            )
            for k in range(PER_WORKSHOP)
        )
        marks, completions, certificates = [], [], []
        for k, reg in enumerate(regs):
            a, b = statuses[k % 5], statuses[(k + 1) % 5]
            for s, status in zip(by_workshop[w.pk], (a, b), strict=True):
                marks.append(AttendanceMark(registration=reg, session=s, status=status))
            done = a in ("present", "late") and b in ("present", "late")
            completions.append(
                Completion(
                    registration=reg, completed=done, attended_minutes=240 * done, total_minutes=240
                )
            )
            if done:
                certificates.append(
                    Certificate(registration=reg, holder_id=reg.officer_id, number=f"CERT-{n:016d}")
                )
            n += 1
        AttendanceMark.objects.bulk_create(marks)
        Completion.objects.bulk_create(completions)
        Certificate.objects.bulk_create(certificates)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


BARE_SQL = """
SELECT w.title, w.starts_at, w.ends_at, w.time_zone, rg.name, w.city, w.country, t.name,
       u.full_name, u.rank, a.name, a.country, u.email,
       (SELECT string_agg(COALESCE(m.status, '-'), ' ' ORDER BY s.starts_at, s.id)
          FROM workshops_workshopsession s
          LEFT JOIN attendance_attendancemark m ON m.session_id = s.id AND m.registration_id = r.id
         WHERE s.workshop_id = w.id) AS presence,
       c.attended_minutes, c.completed,
       (SELECT number FROM attendance_certificate ce
         WHERE ce.registration_id = r.id AND ce.revoked_at IS NULL LIMIT 1)
  FROM attendees_registration r
  JOIN workshops_workshop w ON w.id = r.workshop_id
  JOIN attendees_region rg ON rg.id = w.region_id
  JOIN attendees_user u ON u.id = r.officer_id
  LEFT JOIN attendees_agency a ON a.id = u.agency_id
  LEFT JOIN attendance_completion c ON c.registration_id = r.id
  LEFT JOIN workshops_workshopmodule wm ON wm.workshop_id = w.id AND wm.position = 0
  LEFT JOIN workshops_modulerevision mr ON mr.id = wm.revision_id
  LEFT JOIN workshops_module mo ON mo.id = mr.module_id
  LEFT JOIN workshops_track t ON t.id = mo.track_id
 WHERE r.state = 'confirmed'
   AND (%(date_from)s::date IS NULL OR w.starts_at::date >= %(date_from)s::date)
   AND (%(date_to)s::date IS NULL OR w.starts_at::date <= %(date_to)s::date)
 ORDER BY w.starts_at, w.id, u.full_name, r.id
"""


def measure(mode: str, rows: int) -> dict:
    import csv

    from django.db import connection, transaction

    date_from, date_to = _date_filter(rows)
    # Peak so far (Django and every app imported): the export's own growth shows above it.
    setup_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    count = 0
    if mode == "bare":
        connection.ensure_connection()
        with open(os.devnull, "w", newline="") as sink, transaction.atomic():
            writer = csv.writer(sink)
            with connection.connection.cursor(name="bare") as cursor:
                cursor.itersize = 2_000
                cursor.execute(BARE_SQL, {"date_from": date_from, "date_to": date_to})
                for row in cursor:
                    writer.writerow(row)
                    count += 1
    else:
        from attendees.models import User
        from reports.exports import ExportFilter, attendance_dataset
        from reports.tabular import iter_csv, write_xlsx

        user = User.objects.get(email="admin@bench.example")
        flt = ExportFilter(date_from=date_from, date_to=date_to)
        with transaction.atomic():
            dataset = attendance_dataset(user, flt)
            if mode == "csv":
                with open(os.devnull, "w", encoding="utf-8") as sink:
                    for line in iter_csv(dataset.columns, dataset.rows):
                        sink.write(line)
                        count += 1
                count -= 1  # header
            else:
                with tempfile.TemporaryDirectory() as tmp:
                    count = write_xlsx(str(Path(tmp) / "x.xlsx"), dataset.columns, dataset.rows)
    elapsed = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "mode": mode,
        "rows": count,
        "seconds": elapsed,
        "peak_mb": peak_mb,
        "setup_mb": setup_mb,
    }


def child(env: dict[str, str], mode: str, rows: int) -> dict:
    out = subprocess.run(
        [PYTHON, __file__, "--measure", mode, str(rows)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    if "--measure" in sys.argv:
        i = sys.argv.index("--measure")
        django_setup(dict(os.environ))
        print(json.dumps(measure(sys.argv[i + 1], int(sys.argv[i + 2]))))
        return
    if "--reuse" in sys.argv:  # the database a previous `--keep` run left seeded
        from bench.harness import PG_SERVER

        env = production_env(f"{PG_SERVER}/{DB_NAME}")
    else:
        env = production_env(scratch_database(DB_NAME))
        print("migrating and seeding 200,000 attendance rows ...", flush=True)
        started = time.perf_counter()
        manage(env, "migrate", "--no-input")
        django_setup(env)
        seed()
        print(f"seeded in {time.perf_counter() - started:.0f} s", flush=True)

    results = []
    for rows in SIZES:
        measured = {mode: child(env, mode, rows) for mode in ("bare", "csv", "xlsx")}
        base = measured["bare"]["seconds"]
        for mode in ("bare", "csv", "xlsx"):
            m = measured[mode]
            results.append(
                [
                    f"{rows:,}",
                    mode,
                    f"{m['rows']:,}",
                    f"{m['seconds']:.2f}",
                    f"{m['seconds'] / base:.2f}x",
                    f"{m['setup_mb']:.0f}",
                    f"{m['peak_mb']:.0f}",
                ]
            )
    print_table(
        "Attendance export (each run in its own process; peak = ru_maxrss)",
        ["rows", "writer", "rows out", "seconds", "vs bare", "MB after setup", "peak MB"],
        results,
    )
    print("\ntargets: csv <= 3x, xlsx <= 12x, peak < 150 MB at 200k and flat from 50k")
    if "--keep" not in sys.argv:
        scratch_database(DB_NAME)


if __name__ == "__main__":
    main()
