"""Rendered HTML fragments in the cache, keyed by everything they show.

A fragment's key names every input of its rendering (the caller passes them: the data shown,
or a data version that changes with it) plus the active language; so an entry is never stale,
it just stops being asked for. Fragments that show a person (roster rows) are also listed under
a group, so that erasing the person can delete them (`forget_group`) instead of leaving their
name in the cache until it expires. Never cache what shows live seat counts, a CSRF token or
anything else that differs per request without being in the key. A Redis outage costs speed,
never the page: the cache backend turns it into misses and dropped writes (trainingsite/cache.py).
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Iterable
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

TIMEOUT = 24 * 3600  # entries are never stale (see above): this only bounds the memory held


@functools.cache
def release() -> str:
    """A digest of this project's code and templates: part of every key, so a deploy never
    serves what the previous templates (or figure classes) rendered."""
    from django.apps import apps

    root = Path(settings.BASE_DIR)
    folders = {Path(c.path) for c in apps.get_app_configs() if Path(c.path).is_relative_to(root)}
    digest = hashlib.blake2b(digest_size=8)
    for folder in sorted(folders | {root / "trainingsite"}):
        for path in sorted(folder.rglob("*")):
            if path.suffix in (".py", ".html"):
                digest.update(str(path.relative_to(root)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def _key(name: str, parts) -> str:
    digest = hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()
    return f"frag:{release()}:{name}:{get_language()}:{digest}"


def fragment(name: str, parts, render: Callable[[], str]) -> SafeString:
    """The cached rendering for `parts`, rendering (and storing) it on a miss."""
    key = _key(name, parts)
    html = cache.get(key)
    if html is None:
        html = str(render())
        cache.set(key, html, TIMEOUT)
    return mark_safe(html)  # noqa: S308 (our own template output)


def fragments(
    name: str,
    items: Iterable,
    parts: Callable,
    render: Callable[[list], list[str]],
    *,
    group: str = "",
) -> list[SafeString]:
    """One fragment per item in one round trip: `parts(item)` keys an item, `render(missing)`
    renders the missing items (in one template pass) in order. Fragments rendered here are
    listed under `group`, if given."""
    items = list(items)
    keys = [_key(name, parts(item)) for item in items]
    found = cache.get_many(keys)
    missing = [i for i, key in enumerate(keys) if key not in found]
    if missing:
        rendered = render([items[i] for i in missing])
        new = {keys[i]: str(html) for i, html in zip(missing, rendered, strict=True)}
        cache.set_many(new, TIMEOUT)
        if group:
            _list_in_group(group, list(new))
        found.update(new)
    return [mark_safe(found[key]) for key in keys]  # noqa: S308


def _group_key(group: str) -> str:
    return f"frag-group:{group}"


def _list_in_group(group: str, keys: list[str]) -> None:
    """One more list of a group's keys, numbered by an atomic counter (no read-modify-write to
    lose a concurrent list); the counter outlives every list it numbered."""
    counter = _group_key(group)
    cache.add(counter, 0, TIMEOUT)
    try:
        number = cache.incr(counter)
    except ValueError:  # expired meanwhile
        return
    if number is None:  # Redis down (django-redis ignored it): nothing is cached either
        return
    cache.touch(counter, TIMEOUT)
    cache.set(f"{counter}:{number}", keys, TIMEOUT)


def forget_group(group: str) -> int:
    """Delete every fragment listed under `group` (and the lists); returns the fragments."""
    counter = _group_key(group)
    count = cache.get(counter) or 0
    lists = [f"{counter}:{number}" for number in range(1, count + 1)]
    keys = {key for listed in cache.get_many(lists).values() for key in listed}
    cache.delete_many([*keys, *lists, counter])
    return len(keys)
