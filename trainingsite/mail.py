"""Templated e-mails: a text and an HTML body, rendered in the recipient's language."""

from __future__ import annotations

import re

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone, translation

# Line breaks and other control characters: a header must be one line (Django refuses the rest,
# after the change that caused the mail was saved).
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def header_text(value: str) -> str:
    """Text fit for a mail header, whatever users typed into it (names, agencies, titles)."""
    return " ".join(_CONTROL.sub(" ", value).split())


def build_templated_email(
    *,
    to: str,
    template: str,
    context: dict,
    language: str | None = None,
    time_zone: str | None = None,
) -> EmailMultiAlternatives:
    """Render `<template>_subject.txt`, `<template>.txt` and `<template>.html` (most extend
    `email/layout.*`) in the recipient's language, times in their zone (`TIME_ZONE_NAME`
    says which)."""
    zone = time_zone or settings.TIME_ZONE
    context = {
        "PROGRAM_NAME": settings.PROGRAM_NAME,
        "SITE_URL": settings.SITE_URL,
        "TIME_ZONE_NAME": zone,
        **context,
    }
    with translation.override(language or settings.LANGUAGE_CODE), timezone.override(zone):
        subject = render_to_string(f"{template}_subject.txt", context)
        text = render_to_string(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
    message = EmailMultiAlternatives(subject=header_text(subject), body=text, to=[to])
    message.attach_alternative(html, "text/html")
    return message
