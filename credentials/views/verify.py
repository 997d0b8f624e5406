"""Public certificate verification, for people (HTML) and machines (JSON).

    GET /verify/<number>/                   HTML; JSON when the client prefers application/json
    GET /verify/?number=<number>            the same (the page's form)
    GET /verify/<number>.json               always JSON
    GET /verify/shared/<token>/             a share link the holder made: adds their full name
    POST /verify/file/                      a credential file the holder gave (see verify_file)

The JSON of a certificate (200, also for a revoked or expired one):

    {
      "number": "CERT-ABCD-EFGH-IJKL-MNOP",
      "status": "valid",                    # "valid" | "revoked" | "expired"
      "issuer": {"id": "did:web:<host>", "name": "<settings.PROGRAM_NAME>"},
      "achievement": {"type": "workshop",  # "workshop" | "track"
                      "name": "Tracing Bitcoin", "hours": 5,
                      "post_test_required_percent": 70},   # only when the rule required a
                                                            # post-test score (never the score)
      "issued": "2026-12-01",               # ISO dates, UTC
      "valid_until": "2029-12-01",          # null: never expires
      "revoked": null,                      # the day it was revoked, or null
      "holder": {"initials": "A. B. C.", "agency_country": "SG"}
    }

Through a share link, "holder" also carries "name" (the name printed on the certificate),
except on a revoked certificate. An unknown or malformed number, and a share link that is
unknown, revoked or expired, are 404 {"status": "unknown"}; too many look-ups from one client
are 429 {"error": "rate_limited", "retry_after": <seconds>} with a Retry-After header.

Every answer is `Cache-Control: no-store`, `X-Robots-Tag: noindex, nofollow` and `Vary: Accept`;
JSON answers also `Access-Control-Allow-Origin: *` (the data is public) and set no cookie. The
pages never list certificates, and look-ups are rate limited per client (an IPv4 address, an
IPv6 /64), share links counting with numbers.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_POST, require_safe

from credentials import filecheck, verification
from credentials.forms import CredentialFileForm, VerifyForm
from credentials.shares import record_share_view
from trainingsite import ratelimit

JSON = "application/json"
# The longest number echoed back on the page ("No certificate has the number …").
ECHO_LENGTH = 40


def _wants_json(request: HttpRequest) -> bool:
    return request.get_preferred_type(["text/html", JSON]) == JSON


def _allowed(request: HttpRequest) -> bool:
    return ratelimit.hit(
        f"verify:{ratelimit.client_key(request)}",
        limit=settings.CERTIFICATE_VERIFY_LIMIT,
        window_seconds=settings.CERTIFICATE_VERIFY_WINDOW_SECONDS,
    )


def _private(response: HttpResponse) -> HttpResponse:
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Cache-Control"] = "no-store"
    patch_vary_headers(response, ["Accept"])
    return response


def _json(data: dict, status: int = 200) -> HttpResponse:
    response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"
    return _private(response)


def _page(request: HttpRequest, template: str, context: dict, status: int = 200) -> HttpResponse:
    return _private(render(request, template, context, status=status))


def _limited(request: HttpRequest, as_json: bool) -> HttpResponse:
    seconds = settings.CERTIFICATE_VERIFY_WINDOW_SECONDS
    if as_json:
        response = _json({"error": "rate_limited", "retry_after": seconds}, status=429)
    else:
        response = _page(request, "credentials/verify_limited.html", {}, status=429)
    response["Retry-After"] = str(seconds)
    return response


def _verify_page(request: HttpRequest, context: dict, status: int = 200) -> HttpResponse:
    context.setdefault("form", VerifyForm())
    context.setdefault("file_form", CredentialFileForm())
    return _page(request, "credentials/verify.html", context, status=status)


def _answer(request: HttpRequest, number: str | None, as_json: bool) -> HttpResponse:
    if not number:
        if as_json:
            return _json({"error": "number_required"}, status=400)
        return _verify_page(request, {})
    if not _allowed(request):
        return _limited(request, as_json)
    certificate = verification.find_certificate(number)
    if certificate is None:
        if as_json:
            return _json({"status": verification.UNKNOWN}, status=404)
        context = {"form": VerifyForm(initial={"number": number[:ECHO_LENGTH]})}
        context.update(looked_up=True, number=number[:ECHO_LENGTH])
        return _verify_page(request, context, status=404)
    found = verification.verify(certificate)
    if as_json:
        return _json(found.as_json())
    form = VerifyForm(initial={"number": certificate.number})
    return _verify_page(request, {"form": form, "looked_up": True, "found": found})


@login_not_required
@require_safe
def verify(request: HttpRequest, number: str | None = None) -> HttpResponse:
    """Confirms one certificate by its number with only what a verifier needs: status,
    achievement, issuer and dates, the holder's initials and agency country; never their name,
    agency, rank or e-mail."""
    return _answer(request, number or request.GET.get("number"), _wants_json(request))


@login_not_required
@require_safe
def verify_json(request: HttpRequest, number: str) -> HttpResponse:
    """The JSON of /verify/<number>/, whatever the client accepts."""
    return _answer(request, number, as_json=True)


@login_not_required
@require_safe
def verify_shared(request: HttpRequest, token: str) -> HttpResponse:
    """A link the holder gave one verifier: the public facts and the holder's full printed
    name. A link unknown, revoked or expired is one answer that reveals nothing; each opening
    by someone other than the holder is counted."""
    as_json = _wants_json(request)
    if not _allowed(request):
        return _limited(request, as_json)
    share = verification.find_share(token)
    if share is None:
        if as_json:
            return _json({"status": verification.UNKNOWN}, status=404)
        return _page(request, "credentials/share_gone.html", {}, status=404)
    if request.method == "GET" and request.user.pk != share.certificate.holder_id:
        record_share_view(share_id=share.pk)
    found = verification.verify(share.certificate, shared=True)
    if as_json:
        response = _json(found.as_json())
    else:
        context = {"found": found, "share_expires_at": share.expires_at}
        response = _page(request, "credentials/verify_shared.html", context)
    # The address is the credential: no page it links to learns it.
    response["Referrer-Policy"] = "no-referrer"
    return response


def _unreadable(request: HttpRequest, form: CredentialFileForm, code: str, as_json: bool):
    status = 413 if code == "too_large" else 400
    if as_json:
        message = " ".join(str(m) for messages in form.errors.values() for m in messages)
        return _json({"status": "unreadable", "error": code, "message": message}, status=status)
    return _verify_page(request, {"file_form": form, "file_failed": True}, status=status)


@login_not_required
@require_POST
def verify_file(request: HttpRequest) -> HttpResponse:
    """Checks a credential file a holder gave the verifier: the .jwt download, the .json one
    (an EnvelopedVerifiableCredential, "data:application/vc+jwt,<jwt>" in its id), or the JWT
    pasted. Its signature must verify with one of the issuer's published keys (current or
    retired); then its status list bit and dates give the status. Counted with number look-ups.

    Form fields (multipart): `credential` (a file, at most 64 KB) or `jwt` (text). CSRF
    applies: a script first GETs /verify/ for the csrftoken cookie and sends it back as
    `X-CSRFToken` (over HTTPS, with a Referer of this site). With `Accept: application/json`:

        200 {"status": "valid",             # "valid" | "revoked" | "expired" | "invalid"
             "signature": {"valid": true, "key": "did:web:<host>#<key id>",
                           "key_state": "current"},          # or "retired"
             "issuer": {"id": "did:web:<host>", "name": "<program>"},
             "achievement": {"type": "workshop", "name": "Tracing Bitcoin"},  # or "track"
             "issued": "2026-12-01", "valid_until": null,    # ISO dates, UTC
             "activity": {"start": "2026-11-30", "end": "2026-12-01"},  # nulls for a track
             "holder": {"name": "Ana Bela Costa"},           # the name in the credential
             "certificate": {"number": "CERT-…", "url": "<SITE_URL>/verify/CERT-…/"}}
                                                 # null: no certificate here has it
        200 {"status": "invalid", "signature": {"valid": false, "error": "<why>"}}
                                                 # nothing of an unverified file is repeated
        200 {"status": "invalid", "signature": {"valid": true, …}, "error": "<why>"}
                                                 # this issuer signed it, but not a certificate
        400 {"status": "unreadable", "error": "required" | "empty" | "unreadable",
             "message": "<why>"}
        413 {"status": "unreadable", "error": "too_large", "message": "<why>"}
        429 {"error": "rate_limited", "retry_after": <seconds>}

    Headers as for number look-ups (no-store, noindex, Vary: Accept)."""
    as_json = _wants_json(request)
    if not _allowed(request):
        return _limited(request, as_json)
    form = CredentialFileForm(request.POST, request.FILES)
    if not form.is_valid():
        errors = form.non_field_errors().as_data() or [
            e for field in form.errors.as_data().values() for e in field
        ]
        return _unreadable(request, form, errors[0].code or "unreadable", as_json)
    try:
        token = filecheck.token_from(form.cleaned_data["data"])
    except filecheck.UnreadableCredential as err:
        form.add_error(None, err.message)
        return _unreadable(request, form, err.code, as_json)
    checked = filecheck.check(token)
    if as_json:
        return _json(checked.as_json())
    return _verify_page(request, {"checked": checked})
