from urllib.parse import urlsplit

from django.apps import AppConfig
from django.apps import apps as global_apps
from django.conf import settings
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def sync_site(sender, using, apps=global_apps, **kwargs):
    """After every migrate (each deploy), the one Site says SITE_URL's host and the program's
    name: allauth keys its lockout and names the program in its mails by it."""
    Site = apps.get_model("sites", "Site")
    Site.objects.using(using).update_or_create(
        pk=settings.SITE_ID,
        defaults={"domain": urlsplit(settings.SITE_URL).netloc, "name": settings.PROGRAM_NAME},
    )


class AttendeesConfig(AppConfig):
    name = "attendees"
    verbose_name = _("Agencies and officers")

    def ready(self):
        from . import receivers  # noqa: F401  (connects the signal receivers)

        post_migrate.connect(sync_site, sender=self)
