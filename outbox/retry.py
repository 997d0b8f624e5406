"""Retry policy of the e-mail tasks: SMTP refusals and network errors are retried with
exponential backoff (1 s, 2 s, 4 s, … capped at 10 min, jittered); anything else fails at once.
Every failure is recorded in the outbox (`outbox.services.record_failure`)."""

import smtplib

TRANSIENT_MAIL_ERRORS = (smtplib.SMTPException, OSError)

MAIL_RETRY = {
    "autoretry_for": TRANSIENT_MAIL_ERRORS,
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 5,
}
