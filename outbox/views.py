from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from trainingsite.errors import ServiceError
from trainingsite.roles import role_required

from .models import Mail
from .services import retry_mail


@role_required("coordinator")
def failed_deliveries(request):
    mails = (
        Mail.objects.visible_to(request.user)
        .given_up()
        .select_related("workshop", "recipient")
        .order_by("-claimed_at", "-pk")[:200]
    )
    return render(request, "outbox/failed_deliveries.html", {"mails": mails})


@require_POST
@role_required("coordinator")
def retry(request, pk: int):
    mail = get_object_or_404(Mail.objects.visible_to(request.user), pk=pk)
    try:
        retry_mail(mail=mail, actor=request.user)
    except ServiceError as err:
        messages.error(request, err.message)
    else:
        messages.success(request, _("The message was queued again."))
    return redirect("outbox:failed")
