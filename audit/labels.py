"""What the audit log page calls each recorded action, in the reader's language.

The log stores stable codes (`registration.approved`); their labels live here so the audit
app, the lowest layer, names every app's actions without importing any of them."""

from __future__ import annotations

from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    "agency.suspended": _("Agency suspended"),
    "agency.reactivated": _("Agency reactivated"),
    "agency.domain_added": _("Agency e-mail domain added"),
    "agency.domain_removed": _("Agency e-mail domain removed"),
    "agency.vetting_mode": _("Agency vetting mode changed"),
    "agency.focal_named": _("Focal point named"),
    "agency.focal_removed": _("Focal point removed"),
    "agency.request_made": _("Agency change requested"),
    "agency.request_withdrawn": _("Agency change request withdrawn"),
    "agency.request_decided": _("Agency change request decided"),
    "assessment.configured": _("Workshop test set up"),
    "assessment.removed": _("Workshop test removed"),
    "attendance.closed": _("Attendance closed"),
    "attendance.reopened": _("Attendance re-opened"),
    "attendance.settings": _("Completion rule changed"),
    "attendance.marked": _("Attendance marked"),
    "attendance.marked_all": _("Everyone marked present"),
    "attendance.sheet_printed": _("Sign-in sheet downloaded"),
    "audit.exported": _("Audit log exported"),
    "certificate.revoked": _("Certificate revoked"),
    "certificate.holder_name": _("Certificate name display chosen"),
    "credential.shared": _("Full name shared by link"),
    "credential.share_revoked": _("Share link revoked"),
    "material.deleted": _("Material deleted"),
    "module.published": _("Module published"),
    "module.archived": _("Module archived"),
    "module.unarchived": _("Module unarchived"),
    "outbox.retry": _("E-mail delivery retried"),
    "privacy.erase": _("Officer erased"),
    "privacy.export": _("Personal data downloaded"),
    "profile.verify_name": _("Verification name display changed"),
    "registration.approved": _("Registration approved"),
    "registration.declined": _("Registration declined"),
    "registration.removed": _("Officer removed from a workshop"),
    "registration.walk_in": _("Walk-in admitted"),
    "registration.endorsed": _("Nomination endorsed"),
    "registration.not_endorsed": _("Nomination not endorsed"),
    "user.staff_created": _("Staff account created"),
    "user.roles_changed": _("Roles changed"),
    "vetting.approved": _("Officer approved"),
    "vetting.rejected": _("Officer rejected"),
    "vetting.suspended": _("Officer suspended"),
    "vetting.reinstated": _("Officer reinstated"),
    "vetting.focal_named": _("Focal point named"),
    "vetting.focal_removed": _("Focal point removed"),
    "vetting.name_approved": _("Name change accepted"),
    "vetting.name_declined": _("Name change declined"),
    "workshop.created": _("Workshop created"),
    "workshop.updated": _("Workshop edited"),
    "workshop.published": _("Workshop published"),
    "workshop.cancelled": _("Workshop cancelled"),
}

# Families whose last part varies (`export.<kind>.<format>`): named by their first part.
FAMILY_LABELS = {
    "export": _("Data exported"),
    "vetting": _("Vetting decision"),
    "agency": _("Agency changed"),
    "registration": _("Registration changed"),
}

# Keys of an entry's data shown on the page and in the export, in this order.
DETAIL_LABELS = {
    "reason": _("Reason"),
    "message": _("Message"),
    "detail": _("Detail"),
    "fields": _("Changed"),
    "changes": _("Changes"),
    "revision": _("Revision"),
    "material": _("Material"),
    "completed": _("Completed"),
    "total": _("Officers"),
    "issued": _("Certificates issued"),
    "revoked": _("Certificates revoked"),
    "completion_threshold": _("Completion threshold"),
    "checkin_opens_minutes": _("Check-in opens (minutes before)"),
    "rows": _("Rows"),
    "queued": _("Queued"),
    "kind": _("Kind"),
    "shown": _("Full name shown"),
    "share": _("Share link"),
    "shared_with": _("Shared with"),
    "expires": _("Expires"),
    "filters": _("Filters"),
    "note": _("Note"),
}


def action_label(code: str) -> str:
    """The reader's name for an action code; an unknown code is shown as it is."""
    if code in ACTION_LABELS:
        return str(ACTION_LABELS[code])
    family, _dot, rest = code.partition(".")
    if family in FAMILY_LABELS and rest:
        return f"{FAMILY_LABELS[family]} ({rest.replace('.', ', ')})"
    return code


# Keys of a recorded change ({"key": [before, after]}), e.g. a role change.
CHANGE_LABELS = {
    "is_trainer": _("trainer"),
    "is_program_admin": _("program administrator"),
    "is_staff": _("Django admin access"),
    "is_superuser": _("superuser"),
    "is_active": _("active"),
    "coordinated_regions": _("coordinated regions"),
    "groups": _("groups"),
    # The audit log's own filters, kept with its exports.
    "actor": _("Who"),
    "action": _("Action"),
    "date_from": _("From"),
    "date_to": _("To"),
}
# Keys whose value is one [before, after] pair.
PAIRS = frozenset({"completion_threshold", "checkin_opens_minutes"})


def _text(value) -> str:
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if value is None or value == []:
        return "—"
    if isinstance(value, list):
        return ", ".join(_text(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(
            f"{CHANGE_LABELS.get(key, key)}: {action_label(v) if key == 'action' else _pair(v)}"
            for key, v in value.items()
        )
    return str(value)


def _pair(value) -> str:
    if isinstance(value, list) and len(value) == 2:
        return f"{_text(value[0])} → {_text(value[1])}"
    return _text(value)


# Parts of a row recorded as edited that are not one of its columns.
PART_LABELS = {"sessions": _("sessions"), "modules": _("modules")}


def _field_names(names: list, model) -> list[str]:
    """A recorded list of edited fields, in the reader's words (the model's verbose names)."""
    shown = []
    for name in names:
        label = PART_LABELS.get(name)
        if label is None and model is not None:
            try:
                label = model._meta.get_field(name).verbose_name
            except (FieldDoesNotExist, TypeError):
                label = None
        shown.append(str(label) if label is not None else str(name))
    return shown


def entry_details(data: dict, model=None) -> list[tuple[str, str]]:
    """(label, text) for each known key of an entry's data that says something; `model` is
    the target's, whose verbose names name the edited fields."""
    details = []
    for key, label in DETAIL_LABELS.items():
        value = data.get(key) if isinstance(data, dict) else None
        if value in (None, "", [], {}):
            continue
        if key == "fields" and isinstance(value, list):
            value = _field_names(value, model)
        details.append((str(label), _pair(value) if key in PAIRS else _text(value)))
    return details
