"""A page of a queryset and the total in one query (a window count), where Django's Paginator
runs a COUNT first: one database round trip fewer on every catalog page."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import Count, Window

MAX_OFFSET = 10**9


def counted_page(queryset, per_page: int, number) -> Page:
    """What `Paginator(queryset, per_page).get_page(number)` returns (a missing or bad number is
    page 1, one below 1 or past the end the last page), with the count read from the page's
    rows."""
    paginator = Paginator(queryset, per_page)
    try:
        number = int(number) if number is not None else 1
    except (TypeError, ValueError):
        number = 1
    start = (number - 1) * per_page
    if not 0 <= start <= MAX_OFFSET:  # Django's answer (with its COUNT) for the odd ones
        return paginator.get_page(number)
    rows = list(queryset.annotate(_total=Window(Count("pk")))[start : start + per_page])
    if rows:
        paginator.count = rows[0]._total  # cached_property: set, never queried
        return Page(rows, number, paginator)
    # Past the end (or nothing at all): Django's own behaviour, with its COUNT.
    return paginator.get_page(number)
