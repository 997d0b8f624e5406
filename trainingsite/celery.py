import os

from celery import Celery
from celery.schedules import crontab
from django.conf import settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trainingsite.settings")

app = Celery("trainingsite", task_cls="trainingsite.celery_base:Task")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Periodic jobs; beat must run once per deployment (see README, production topology). Every
# job is idempotent.
app.conf.beat_schedule = {
    # Mail whose send was lost, is due for a retry, or whose sender died mid-send.
    "outbox-sweep": {
        "task": "outbox.tasks.sweep_outbox",
        "schedule": settings.OUTBOX_SWEEP_SECONDS,
    },
    # Webhook events whose fan-out was lost, deliveries due for a retry or whose sender died.
    "webhooks-sweep": {
        "task": "webhooks.tasks.sweep_webhooks",
        "schedule": settings.WEBHOOK_SWEEP_SECONDS,
    },
    # Webhook events and deliveries past WEBHOOK_KEEP_DAYS.
    "webhooks-purge": {
        "task": "webhooks.tasks.purge_webhooks",
        "schedule": crontab(minute=25, hour=3),
    },
    # Mails past OUTBOX_KEEP_DAYS.
    "outbox-purge": {"task": "outbox.tasks.purge_mails", "schedule": crontab(minute=20, hour=3)},
    # Calendars a lost sync left out of line with the registrations.
    "invites-reconcile": {
        "task": "invites.tasks.reconcile_invites",
        "schedule": settings.RECOVERY_SWEEP_SECONDS,
    },
    # Export builds whose task was lost (broker down, worker killed).
    "reports-recover-exports": {
        "task": "reports.tasks.recover_exports",
        "schedule": settings.RECOVERY_SWEEP_SECONDS,
    },
    # Reminders INVITE_REMINDER_DAYS before a workshop's first session.
    "invites-send-due-reminders": {
        "task": "invites.tasks.send_due_reminders",
        "schedule": crontab(minute=5),
    },
    # Seats held for an agency whose date has come return to the pool (the waitlist first):
    # until then they stay the agency's.
    "registrations-release-due-reservations": {
        "task": "registrations.tasks.release_due_reservations",
        "schedule": crontab(minute="*/5"),
    },
    # Test attempts whose time limit or window ended unsent: sent with the answers saved.
    "assessments-send-overdue-attempts": {
        "task": "assessments.tasks.send_overdue_attempts",
        "schedule": crontab(minute="*/5"),
    },
    # Export files whose download link has expired.
    "reports-purge-exports": {"task": "reports.tasks.purge_exports", "schedule": 3600.0},
    # Each digest-mode staff member's daily or weekly digest, once due at DIGEST_HOUR locally.
    "inbox-send-digests": {
        "task": "inbox.tasks.send_digests",
        "schedule": crontab(minute=10),
    },
    # Reminders CERTIFICATE_EXPIRY_REMINDER_DAYS before a certificate expires.
    "credentials-expiry-reminders": {
        "task": "credentials.tasks.send_expiry_reminders",
        "schedule": crontab(minute=30, hour=6),
    },
    # Sign-ups never confirmed within UNCONFIRMED_ACCOUNT_DAYS.
    "privacy-purge-unconfirmed": {
        "task": "privacy.tasks.purge_unconfirmed_accounts_task",
        "schedule": crontab(minute=40, hour=3),
    },
    # The feedback reminder to attendees of workshops closed and over, once each.
    "surveys-feedback-reminders": {
        "task": "surveys.tasks.send_feedback_reminders",
        "schedule": crontab(minute=15),
    },
    # Follow-up surveys come due a questionnaire's days after the workshop, once per officer.
    "surveys-follow-up-surveys": {
        "task": "surveys.tasks.send_follow_up_surveys",
        "schedule": crontab(minute=50, hour=7),
    },
}
