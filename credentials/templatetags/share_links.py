"""`{% load share_links %}{% share_links certificate %}`: on the holder's training record, the
links of one certificate that show their full name to a verifier, and the form for a new one.

The certificate's `shares` are expected prefetched: the tag filters them, it never queries.
"""

from __future__ import annotations

from django import template
from django.conf import settings
from django.urls import reverse

from credentials.forms import ShareForm

register = template.Library()


@register.inclusion_tag("credentials/_share_links.html", takes_context=True)
def share_links(context, certificate) -> dict:
    shares = [
        (share, settings.SITE_URL + reverse("credentials:verify_shared", args=[share.token]))
        for share in certificate.shares.all()
        if share.is_live
    ]
    form = None
    if certificate.is_valid:
        form = ShareForm(auto_id=f"share-{certificate.pk}-%s")
        form.fields["label"].widget.attrs["class"] = "form-control"
        form.fields["expires"].widget.attrs["class"] = "form-select"
    return {
        "certificate": certificate,
        "shares": shares,
        "form": form,
        "csrf_token": context.get("csrf_token"),
    }
