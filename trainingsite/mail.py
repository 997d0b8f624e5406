"""Templated e-mails: a text and an HTML body, rendered in the recipient's language."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation


def build_templated_email(
    *, to: str, template: str, context: dict, language: str | None = None
) -> EmailMultiAlternatives:
    """Render `<template>_subject.txt`, `<template>.txt` and `<template>.html`."""
    context = {"PROGRAM_NAME": settings.PROGRAM_NAME, "SITE_URL": settings.SITE_URL, **context}
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = render_to_string(f"{template}_subject.txt", context).strip()
        text = render_to_string(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
    message = EmailMultiAlternatives(subject=" ".join(subject.splitlines()), body=text, to=[to])
    message.attach_alternative(html, "text/html")
    return message
