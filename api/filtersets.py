from django.core.validators import validate_slug
from django_filters import rest_framework as filters


class PeriodFilterSet(filters.FilterSet):
    """`starts_after` / `starts_before` (dates, inclusive) on the workshop's first session."""

    period_field = "starts_at"
    starts_after = filters.DateFilter(
        method="filter_starts_after", help_text="Workshops starting on or after this date."
    )
    starts_before = filters.DateFilter(
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
