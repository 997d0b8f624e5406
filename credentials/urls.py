from django.urls import path

from .views import downloads, issuer, shares, verify

app_name = "credentials"
urlpatterns = [
    # The issuer: its keys (did:web and JWKS), its profile and the revocation status list.
    path(".well-known/did.json", issuer.did_document, name="did_document"),
    # Where did:web looks when SITE_URL has a path (did:web:host:path → <SITE_URL>/did.json).
    path("did.json", issuer.did_document, name="did_document_at_path"),
    path(".well-known/jwks.json", issuer.jwks, name="jwks"),
    path("credentials/issuer/", issuer.issuer, name="issuer"),
    path("credentials/status/revocation/", issuer.status_list, name="status_list"),
    # The holder's downloads and share links.
    path(
        "my-training/certificates/<int:pk>/credential.json",
        downloads.credential_json,
        name="credential_json",
    ),
    path(
        "my-training/certificates/<int:pk>/credential.jwt",
        downloads.credential_jwt,
        name="credential_jwt",
    ),
    path("my-training/certificates/<int:pk>/shares/", shares.share_create, name="share_create"),
    path("my-training/shares/<int:pk>/revoke/", shares.share_revoke, name="share_revoke"),
    # Public verification: people and machines (see credentials/views/verify.py).
    path("verify/", verify.verify, name="verify"),
    path("verify/file/", verify.verify_file, name="verify_file"),
    path("verify/shared/<slug:token>/", verify.verify_shared, name="verify_shared"),
    path("verify/<str:number>.json", verify.verify_json, name="verify_json"),
    path("verify/<str:number>/", verify.verify, name="verify_number"),
]
