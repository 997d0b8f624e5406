import os

from celery import Celery
from celery.schedules import crontab
from django.conf import settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trainingsite.settings")

app = Celery("trainingsite", task_cls="trainingsite.celery_base:Task")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Periodic jobs; beat must run once per deployment (see README, production topology).
app.conf.beat_schedule = {
    # --- invites: workshop reminders (INVITE_REMINDER_DAYS before the first session) ---
    "invites-send-due-reminders": {
        "task": "invites.tasks.send_due_reminders",
        "schedule": crontab(minute=5),
    },
    # reports: delete e-mailed export files once their download link has expired.
    "reports-purge-exports": {"task": "reports.tasks.purge_exports", "schedule": 3600.0},
    # --- outbox (issue #9): re-enqueue e-mails whose task never ran (Redis/worker/SMTP down) ---
    "outbox-sweep": {
        "task": "outbox.tasks.sweep_outbox",
        "schedule": settings.OUTBOX_SWEEP_SECONDS,
    },
}

# --- privacy (feat/h8): purge sign-ups never confirmed within UNCONFIRMED_ACCOUNT_DAYS -------
app.autodiscover_tasks(related_name="tasks_privacy")
app.conf.beat_schedule["attendees-purge-unconfirmed"] = {
    "task": "attendees.tasks_privacy.purge_unconfirmed_accounts",
    "schedule": crontab(minute=40, hour=3),
}
# --- end privacy ----------------------------------------------------------------------------
