"""Django's admin site, refusing with a 400 the hostile input its views answer with a 500.

Found by tests/fuzz/test_fuzz_admin.py: a NUL character in a change-list filter reaches
PostgreSQL, which cannot store one in text (DataError); a change-list action posted with a
selection that is not an id of the model fails in the ORM (ValueError); an id beyond 64 bits in
that selection or in a many-to-many field fails on SQLite (OverflowError, see trainingsite/ids.py);
a year past 9998 or beyond a C long, in any date filter of a change list's query string, fails
while Django computes the year's bounds as dates (ValueError, OverflowError), as does an
impossible month or day of the date drill-down while it computes the period's end; a `__range`
filter gets its text as the range (ProgrammingError) and a `__regex` one a pattern PostgreSQL
may refuse (DataError), both only when the page's query runs, past the admin's own checks.
None can come from the admin's own pages, so a plain 400 is the answer; everything else is
Django's admin as is.
"""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.apps import AdminConfig
from django.core.exceptions import ValidationError
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from trainingsite.ids import out_of_range

# A year lookup (`starts_at__year`, `__year__gte`, `__iso_year`: any date field, filtered or
# not, may be named in the query string) becomes a range of dates from the year's start to the
# next one's, and the drill-down builds [start, start + a year, month or day): they must exist.
_YEAR_TRANSFORMS = frozenset({"year", "iso_year"})
_YEAR_RANGE = (1, 9998)
# Lookups the admin's pages never write into a change list's address (see the docstring).
_REFUSED_LOOKUPS = frozenset({"range", "regex", "iregex"})
_DRILL_DOWN_RANGE = {"month": (1, 12), "day": (1, 31)}


def _refusal(request, model_admin) -> str | None:
    for data in (request.GET, request.POST):
        for key, values in data.lists():
            if "\x00" in key or any("\x00" in value for value in values):
                return _("The request contains a NUL character.")
    if model_admin is None:
        return None
    if request.method == "POST" and (refusal := _ids_refusal(request, model_admin.model._meta)):
        return refusal
    # A change list's action form posts to the page's own address, filters included.
    return _filter_refusal(request) or _drill_down_refusal(request, model_admin.date_hierarchy)


def _ids_refusal(request, opts) -> str | None:
    pk = opts.pk
    try:
        for value in request.POST.getlist(helpers.ACTION_CHECKBOX_NAME):
            pk.get_prep_value(pk.to_python(value))
            if out_of_range(value, pk):
                raise ValueError(value)
    except (ValidationError, ValueError, TypeError):
        return _("The selection is not a list of this model's ids.")
    for field in opts.many_to_many:
        # A raw-id widget sends the ids comma-separated.
        values = ",".join(request.POST.getlist(field.name)).split(",")
        if any(out_of_range(value, field.target_field) for value in values):
            return _("The form chooses an id that no row can have.")
    return None


def _outside(values, low: int, high: int) -> bool:
    for value in values:
        # A list lookup (`__in`) carries its values comma-separated.
        for item in value.split(","):
            try:
                number = int(item)
            except ValueError:
                continue  # Django refuses text and impossible dates (30 February) itself
            if not low <= number <= high:
                return True
    return False


def _filter_refusal(request) -> str | None:
    for key, values in request.GET.lists():
        # The first part names a field; transforms and the lookup can only follow it.
        lookups = key.split("__")[1:]
        if lookups and lookups[-1] in _REFUSED_LOOKUPS:
            return _("Change lists do not filter by ranges or regular expressions.")
        if _YEAR_TRANSFORMS.intersection(lookups) and _outside(values, *_YEAR_RANGE):
            return _("The date is outside the calendar.")
    return None


def _drill_down_refusal(request, hierarchy: str | None) -> str | None:
    for part, (low, high) in _DRILL_DOWN_RANGE.items() if hierarchy else ():
        if _outside(request.GET.getlist(f"{hierarchy}__{part}"), low, high):
            return _("The date is outside the calendar.")
    return None


class AdminSite(admin.AdminSite):
    def __init__(self, name: str = "admin"):
        super().__init__(name)
        # Pages headed by the program's name, not "Django administration".
        self.site_header = self.site_title = settings.PROGRAM_NAME

    def password_change(self, request, extra_context=None):
        # The site's own page: a wrong current password there counts toward the sign-in lockout.
        return redirect("account_change_password")

    def admin_view(self, view, cacheable=False):
        # A ModelAdmin's views are its bound methods: their selections are its model's ids.
        owner = getattr(view, "__self__", None)
        model_admin = owner if isinstance(owner, admin.ModelAdmin) else None

        @wraps(view)
        def checked(request, *args, **kwargs):
            refusal = _refusal(request, model_admin)
            if refusal is not None:
                return HttpResponseBadRequest(refusal, content_type="text/plain; charset=utf-8")
            return view(request, *args, **kwargs)

        # Inside Django's wrapper: staff check, CSRF and no-cache headers come first.
        return super().admin_view(checked, cacheable)


class SiteAdminConfig(AdminConfig):
    default_site = "trainingsite.admin_site.AdminSite"


class ViewOnly:
    """For a ModelAdmin or an inline whose rows a service writes, under rules the admin's forms
    would skip: staff see them, and neither add, change nor delete them here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
