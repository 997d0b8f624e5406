"""The site's language switcher, for everyone (signed in or not)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.utils import translation
from django.utils.translation import gettext as _
from django.views import i18n
from django.views.decorators.http import require_POST

from attendees import services


@login_not_required
@require_POST
def set_language(request):
    """Django's `set_language` (the cookie, back to a safe `next`), and for a signed-in user
    their profile's language too: it is what the site and their e-mails speak to them
    (`UserLanguageMiddleware`), so the cookie alone would change nothing. The confirmation is
    said in the language chosen."""
    response = i18n.set_language(request)
    code = request.POST.get("language", "")
    if code not in dict(settings.LANGUAGES):
        return response
    if request.user.is_authenticated:
        services.set_language(user=request.user, language=code)
    with translation.override(code):
        name = translation.get_language_info(code)["name_local"]
        messages.success(request, _("The site is now in %(language)s.") % {"language": name})
    return response
