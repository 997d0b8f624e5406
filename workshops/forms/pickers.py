"""Widget attributes that static/js/pickers.js turns into a searchable picker (Tom Select)."""

from django.utils.translation import gettext_lazy as _

PICKER_ATTRS = {
    "data-picker": "multi",
    "data-placeholder": _("Type to search…"),
    "data-no-results": _("No match."),
}
