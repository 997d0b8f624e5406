from django import forms
from django.core.validators import validate_slug
from django.utils.translation import gettext_lazy as _
from django_filters import fields as filter_fields
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema_field

# Ids are 64-bit: a bigger number is refused as invalid before any query.
MAX_ID = 2**63 - 1


class NotBlank:
    """A filter given must have a value: `?state=` is a 400, not "no filter" (the contract
    says a state, a date or an id)."""

    def clean(self, value):
        if value == "":
            raise forms.ValidationError(_("Give a value or leave this filter out."), code="blank")
        return super().clean(value)


class IdField(NotBlank, forms.IntegerField):
    pass


class DateField(NotBlank, forms.DateField):
    pass


class ChoiceField(NotBlank, filter_fields.ChoiceField):
    pass


class BooleanField(NotBlank, forms.NullBooleanField):
    """`true`/`false` (or `1`/`0`); anything else is an error, not "no filter"."""

    widget = forms.TextInput

    def to_python(self, value):
        if value in (None, ""):
            return None
        if value in ("true", "True", "1", True):
            return True
        if value in ("false", "False", "0", False):
            return False
        raise forms.ValidationError(_("Enter true or false."), code="invalid")


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class IdFilter(filters.NumberFilter):
    """An id: a whole number a row can have (anything else is a 400, never a query)."""

    field_class = IdField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class DateFilter(filters.DateFilter):
    field_class = DateField


class ChoiceFilter(filters.ChoiceFilter):
    field_class = ChoiceField


class BooleanFilter(filters.BooleanFilter):
    field_class = BooleanField

    def __init__(self, *args, **kwargs):
        kwargs["widget"] = forms.TextInput
        super().__init__(*args, **kwargs)


class PeriodFilterSet(filters.FilterSet):
    """`starts_after` / `starts_before` (dates, inclusive) on the workshop's first session."""

    period_field = "starts_at"
    starts_after = DateFilter(
        method="filter_starts_after", help_text="Workshops starting on or after this date."
    )
    starts_before = DateFilter(
        method="filter_starts_before", help_text="Workshops starting on or before this date."
    )

    def filter_starts_after(self, queryset, name, value):
        return queryset.filter(**{f"{self.period_field}__date__gte": value})

    def filter_starts_before(self, queryset, name, value):
        return queryset.filter(**{f"{self.period_field}__date__lte": value})


class SlugFilter(filters.CharFilter):
    """A slug (a region's, a track's): anything else is a 400, not an empty list, and never
    reaches the database (a NUL, say)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("validators", [validate_slug])
        super().__init__(*args, **kwargs)
