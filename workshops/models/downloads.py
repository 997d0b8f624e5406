"""Leak deterrence (issue #9): every download of a restricted material is logged, so a leaked
copy can be traced to who fetched it, when and from where."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class MaterialDownload(models.Model):
    material = models.ForeignKey(
        "workshops.Material", on_delete=models.CASCADE, related_name="downloads"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    downloaded_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-downloaded_at", "-pk"]
        verbose_name = _("material download")
        verbose_name_plural = _("material downloads")

    def __str__(self) -> str:
        return f"{self.material_id} by {self.user_id} at {self.downloaded_at:%Y-%m-%d %H:%M}"
