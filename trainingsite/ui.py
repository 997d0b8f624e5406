"""Template tags for the site's look (`{% load ui %}`): the menu's current page, and headings
from libraries written in Title Case shown in the site's sentence case."""

import re

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.safestring import SafeData, mark_safe

register = template.Library()

_TAG = re.compile(r"(<[^>]+>)")
_WORD = re.compile(r"[^\W\d_]+")
_TITLE_WORD = re.compile(r"[A-Z][a-z]+")


@register.simple_tag(takes_context=True)
def aria_current(context, *url_names: str) -> str:
    """` aria-current="page"` on the menu link of the section being shown.

    A link marks its own page and the pages below it (the catalog link marks a workshop's
    page), and any other section it stands for (a focal point's "My agency" for the vetting
    queue); the start page marks only itself, or it would mark every page."""
    request = context.get("request")
    if request is None:
        return ""
    current = False
    for url_name in url_names:
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        current = current or (url == request.path if url == "/" else request.path.startswith(url))
    return mark_safe(' aria-current="page"') if current else ""


@register.filter(is_safe=True)
def sentence_case(value: str) -> str:
    """ "Change Email Address" → "Change email address": every capitalised word after the
    first is lowered. Markup is left alone, and so are acronyms and mixed-case words ("TOTP",
    "WebAuthn"); scripts without case pass through unchanged."""
    seen_first = False
    parts = _TAG.split(str(value))
    for i, part in enumerate(parts):
        if not part or part.startswith("<"):
            continue

        def lower(match: re.Match[str]) -> str:
            nonlocal seen_first
            word = match.group(0)
            if not seen_first:
                seen_first = True
                return word
            return word.lower() if _TITLE_WORD.fullmatch(word) else word

        parts[i] = _WORD.sub(lower, part)
    result = "".join(parts)
    return mark_safe(result) if isinstance(value, SafeData) else result
