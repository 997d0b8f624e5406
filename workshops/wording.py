"""A track's certificate wording: one short sentence per language, with placeholders.

The text is a coordinator's, so it is never given to `str.format` (which would read attributes
and indexes out of it): only the names below are replaced, by a regular expression."""

from __future__ import annotations

import re
from collections.abc import Mapping

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

PLACEHOLDERS = ("workshop", "track", "hours", "dates", "place")
MAX_LENGTH = 300
# What a wording may grow to once filled, since a placeholder may be repeated: a value keeps the
# length of the longest title, and the sentence what three printed lines of prose take.
MAX_VALUE_LENGTH = 200
MAX_FILLED_LENGTH = 500

_KNOWN = re.compile(r"\{(" + "|".join(PLACEHOLDERS) + r")\}")
_BRACED = re.compile(r"\{([^{}]*)\}")


def placeholder_list() -> str:
    return ", ".join(f"{{{name}}}" for name in PLACEHOLDERS)


def validate_wording(text: str) -> None:
    """ValidationError (every problem found) unless `text` is a usable wording: at most
    MAX_LENGTH characters, braces only around the known placeholder names."""
    errors = []
    if len(text) > MAX_LENGTH:
        errors.append(
            _("Keep the wording to %(max)d characters (it has %(count)d).")
            % {"max": MAX_LENGTH, "count": len(text)}
        )
    unknown = [name for name in _BRACED.findall(text) if name not in PLACEHOLDERS]
    if unknown:
        errors.append(
            _("Unknown placeholder %(names)s. Use only %(known)s.")
            % {
                "names": ", ".join(f"{{{name}}}" for name in dict.fromkeys(unknown)),
                "known": placeholder_list(),
            }
        )
    elif "{" in _BRACED.sub("", text) or "}" in _BRACED.sub("", text):
        errors.append(
            _("Braces are only for placeholders, written whole: %(known)s.")
            % {"known": placeholder_list()}
        )
    if errors:
        raise ValidationError(errors)


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def fill_wording(text: str, values: Mapping[str, str]) -> str:
    """`text` with each known placeholder replaced by its value (missing: empty); a value
    longer than MAX_VALUE_LENGTH characters, and a result longer than MAX_FILLED_LENGTH, end
    in an ellipsis."""
    shortened = {name: _shorten(values.get(name, ""), MAX_VALUE_LENGTH) for name in PLACEHOLDERS}
    return _shorten(_KNOWN.sub(lambda match: shortened[match.group(1)], text), MAX_FILLED_LENGTH)


def wording_languages() -> list[tuple[str, str]]:
    """The site's languages, whose codes key `Track.certificate_wording`."""
    return [(code, str(name)) for code, name in settings.LANGUAGES]


def clean_wording(wording: Mapping[str, str]) -> dict[str, str]:
    """Only the site's languages, whitespace collapsed, empty entries left out (the site's own
    sentence applies); ValidationError if any text is unusable."""
    codes = {code for code, _name in settings.LANGUAGES}
    unknown = set(wording) - codes
    if unknown:
        raise ValidationError(
            _("Not a site language: %(codes)s.") % {"codes": ", ".join(sorted(unknown))}
        )
    cleaned = {}
    for code, text in wording.items():
        text = " ".join(str(text or "").split())
        if text:
            validate_wording(text)
            cleaned[code] = text
    return cleaned
