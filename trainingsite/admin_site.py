"""Django's admin site, refusing with a 400 the hostile input its views answer with a 500.

Found by tests/fuzz/test_fuzz_admin.py: a NUL character in a change-list filter reaches
PostgreSQL, which cannot store one in text (DataError), and a change-list action posted with a
selection that is not an id of the model fails in the ORM (ValueError). Neither can come from
the admin's own pages, so a plain 400 is the answer; everything else is Django's admin as is.
"""

from __future__ import annotations

from functools import wraps

from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.apps import AdminConfig
from django.core.exceptions import ValidationError
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect
from django.utils.translation import gettext as _


def _refusal(request, model) -> str | None:
    for data in (request.GET, request.POST):
        for key, values in data.lists():
            if "\x00" in key or any("\x00" in value for value in values):
                return _("The request contains a NUL character.")
    if model is not None and request.method == "POST":
        pk = model._meta.pk
        try:
            for value in request.POST.getlist(helpers.ACTION_CHECKBOX_NAME):
                pk.get_prep_value(pk.to_python(value))
        except (ValidationError, ValueError, TypeError):
            return _("The selection is not a list of this model's ids.")
    return None


class AdminSite(admin.AdminSite):
    def password_change(self, request, extra_context=None):
        # The site's own page: a wrong current password there counts toward the sign-in lockout.
        return redirect("account_change_password")

    def admin_view(self, view, cacheable=False):
        # A ModelAdmin's views are its bound methods: their selections are its model's ids.
        owner = getattr(view, "__self__", None)
        model = owner.model if isinstance(owner, admin.ModelAdmin) else None

        @wraps(view)
        def checked(request, *args, **kwargs):
            refusal = _refusal(request, model)
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
