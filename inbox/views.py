from django.shortcuts import render

from trainingsite.roles import role_required

from .context_processors import STAFF_ROLES, Waiting
from .items import items_for


@role_required(*STAFF_ROLES)
def index(request):
    """What waits for the signed-in staff member, each item linking to where it is done."""
    waiting = Waiting(request.user)
    sections = items_for(request.user, counts=waiting.counts)
    # The page's own counts feed the navigation badge too: counted once.
    return render(request, "inbox/index.html", {"sections": sections, "waiting": waiting})
