from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def percent(value) -> str:
    """0.8125 → "81.3 %"; None → "—"."""
    if value is None:
        return "—"
    return f"{number_format(100 * value, 1)} %"


@register.filter
def decimal1(value) -> str:
    if value is None:
        return "—"
    return number_format(value, 1)
