"""How the report page shows figures: the roundings of reports/figures.py, localised."""

from django import template
from django.utils.formats import number_format

from attendance.hours import format_hours
from reports import figures

register = template.Library()


@register.filter
def percent(value) -> str:
    """0.8125 → "81.3 %"; None → "—"."""
    shown = figures.percent(value)
    if shown is None:
        return "—"
    return f"{number_format(shown, 1)} %"


@register.filter
def hours(value) -> str:
    """Training hours (a Decimal already rounded to 0.1 h) → "8.5"; None → "—"."""
    if value is None:
        return "—"
    return format_hours(value)


@register.filter
def rating(value) -> str:
    """An average rating → "4.2"; None → "—"."""
    shown = figures.rating(value)
    if shown is None:
        return "—"
    return number_format(shown, 1)
