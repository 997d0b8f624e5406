"""Removing a person's identifiers from text and JSON that outlive their erasure.

A term matches as a whole word, case-insensitively, with any run of spaces inside it matching
any other: "Li" is removed from "Li called", never from "Delivery".
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from functools import lru_cache

ERASED = "[erased]"


def clean_terms(terms: Iterable[str]) -> tuple[str, ...]:
    """The terms worth matching: stripped, at least two characters, each once, longest first
    (so a full name goes before the first name inside it)."""
    unique: dict[str, str] = {}
    for term in terms:
        term = " ".join((term or "").split())
        unique.setdefault(term.casefold(), term)
    return tuple(sorted((t for t in unique.values() if len(t) >= 2), key=lambda t: (-len(t), t)))


@lru_cache(maxsize=64)
def _pattern(terms: tuple[str, ...]) -> re.Pattern:
    alternatives = "|".join(r"\s+".join(map(re.escape, t.split())) for t in terms)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def redact_text(text: str, terms: Iterable[str]) -> str:
    terms = clean_terms(terms)
    if not text or not terms:
        return text
    return _pattern(terms).sub(ERASED, text)


def redact_json(value, terms: Iterable[str]):
    """`value` (parsed JSON) with every string in it redacted; keys are left as they are."""
    terms = clean_terms(terms)
    if isinstance(value, str):
        return redact_text(value, terms)
    if isinstance(value, list):
        return [redact_json(item, terms) for item in value]
    if isinstance(value, dict):
        return {key: redact_json(item, terms) for key, item in value.items()}
    return value


def json_search_forms(term: str) -> set[str]:
    """How `term` appears inside JSON text: as is (PostgreSQL's jsonb) and with non-ASCII
    characters escaped (json.dumps, as SQLite and Django's admin log store it)."""
    return {json.dumps(term, ensure_ascii=flag)[1:-1] for flag in (False, True)}
