from django.core.paginator import Paginator
from django.shortcuts import render

from trainingsite.roles import role_required

from .models import AuditEntry


@role_required("program_admin")
def audit_log(request):
    entries = AuditEntry.objects.select_related("actor")
    # PostgreSQL refuses a NUL in a query parameter; no action name contains one.
    action = request.GET.get("action", "").replace("\x00", "").strip()[:64]
    if action:
        entries = entries.filter(action=action)
    actions = AuditEntry.objects.order_by("action").values_list("action", flat=True).distinct()
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/audit_log.html",
        {
            "page": page,
            "action": action,
            "actions": actions,
            "query_string": f"action={action}" if action else "",
        },
    )
