from django.urls import path

from .views import downloads, issuer, shares

app_name = "credentials"
urlpatterns = [
    # The issuer: its keys (did:web and JWKS), its profile and the revocation status list.
    path(".well-known/did.json", issuer.not_yet, name="did_document"),
    path(".well-known/jwks.json", issuer.not_yet, name="jwks"),
    path("credentials/issuer/", issuer.not_yet, name="issuer"),
    path("credentials/status/revocation/", issuer.not_yet, name="status_list"),
    # The holder's downloads and share links.
    path(
        "my-training/certificates/<int:pk>/credential.json",
        downloads.not_yet,
        name="credential_json",
    ),
    path(
        "my-training/certificates/<int:pk>/credential.jwt",
        downloads.not_yet,
        name="credential_jwt",
    ),
    path("my-training/certificates/<int:pk>/shares/", shares.not_yet, name="share_create"),
    path("my-training/shares/<int:pk>/revoke/", shares.not_yet, name="share_revoke"),
]
