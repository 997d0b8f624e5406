"""Ids from user input: a number no row can have is refused before it reaches the database.

SQLite (the embedded default) cannot bind an integer beyond 64 bits: the query fails with an
OverflowError. Django refuses such a number itself only in a `pk=` lookup (no row can match); a
`pk__in=` lookup, a foreign key's `=` or `__in=` and a multiple choice field pass it on.
PostgreSQL answers those queries, so the bug shows on the embedded site only. Views and forms
that take ids from input check them here.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db import connection, models

# Every table of the site has a 64-bit id (DEFAULT_AUTO_FIELD).
_ID_TYPE = "BigAutoField"


def out_of_range(value: object, field: models.Field | None = None) -> bool:
    """Whether `value` is an integer the database cannot hold in `field` (by default, any id of
    the site). Text is not: Django's lookups and fields refuse it themselves."""
    try:
        # Whatever was posted: int() itself refuses what it cannot take (TypeError).
        number = int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return False
    internal_type = field.get_internal_type() if field is not None else _ID_TYPE
    low, high = connection.ops.integer_field_range(internal_type)
    return (low is not None and number < low) or (high is not None and number > high)


class ModelMultipleIdField(forms.ModelMultipleChoiceField):
    """Django's multiple choice of rows, answering an id no row can have with its own "not one
    of the available choices" error instead of sending it to the database."""

    def clean(self, value):
        opts = self.queryset.model._meta
        key = opts.get_field(self.to_field_name) if self.to_field_name else opts.pk
        if isinstance(key, models.IntegerField) and isinstance(value, list | tuple):
            for item in value:
                if out_of_range(item, key):
                    raise ValidationError(
                        self.error_messages["invalid_choice"],
                        code="invalid_choice",
                        params={"value": item},
                    )
        return super().clean(value)
