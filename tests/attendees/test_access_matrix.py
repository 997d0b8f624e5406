"""Every attendees page for every role: anonymous → login, no access → waiting page,
wrong role → 403, right role → 200."""

import pytest
from django.urls import reverse

from tests.signin import sign_in

pytestmark = pytest.mark.django_db

# url name, args factory, roles that get 200
PAGES = [
    ("dashboard", None, {"officer", "focal_point", "trainer", "coordinator", "program_admin"}),
    ("profile", None, {"officer", "focal_point", "trainer", "coordinator", "program_admin"}),
    ("vetting_queue", None, {"focal_point", "coordinator", "program_admin"}),
    ("vetting_detail", "pending", {"focal_point", "coordinator", "program_admin"}),
    ("my_agency", None, {"focal_point"}),
    ("agency_list", None, {"coordinator", "program_admin"}),
    ("agency_detail", "agency", {"coordinator", "program_admin"}),
]
ROLES = ["officer", "focal_point", "trainer", "coordinator", "program_admin"]


def _url(name, arg, request):
    if arg == "pending":
        return reverse(name, args=[request.getfixturevalue("pending_officer").pk])
    if arg == "agency":
        return reverse(name, args=[request.getfixturevalue("agency").pk])
    return reverse(name)


@pytest.mark.parametrize(("name", "arg", "allowed"), PAGES)
def test_anonymous_is_sent_to_login(client, request, name, arg, allowed):
    response = client.get(_url(name, arg, request))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize(("name", "arg", "allowed"), [p for p in PAGES if p[0] != "profile"])
def test_pending_officer_is_sent_to_waiting_page(client, request, name, arg, allowed):
    sign_in(client, request.getfixturevalue("pending_officer"))
    response = client.get(_url(name, arg, request))
    assert response.url == reverse("access_status")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "arg", "allowed"), PAGES)
def test_role_reaches_only_its_pages(client, request, role, name, arg, allowed):
    url = _url(name, arg, request)
    sign_in(client, request.getfixturevalue(role))
    assert client.get(url).status_code == (200 if role in allowed else 403)


@pytest.mark.parametrize(
    ("name", "arg"),
    [
        ("agency_domain_add", "agency"),
        ("agency_status", "agency"),
        ("agency_vetting_mode", "agency"),
        ("vetting_decide", "pending"),
    ],
)
def test_officer_gets_403_on_every_write(client, request, officer, name, arg):
    sign_in(client, officer)
    assert client.post(_url(name, arg, request), {}).status_code == 403


def test_writes_refuse_get(client_for, coordinator, agency):
    response = client_for(coordinator).get(reverse("agency_status", args=[agency.pk]))
    assert response.status_code == 405


def test_dashboard_panels_per_role(client_for, coordinator, focal_point, officer, pending_officer):
    body = client_for(coordinator).get(reverse("dashboard")).content.decode()
    assert reverse("vetting_queue") in body and reverse("agency_list") in body
    body = client_for(focal_point).get(reverse("dashboard")).content.decode()
    assert reverse("my_agency") in body and reverse("agency_list") not in body
    body = client_for(officer).get(reverse("dashboard")).content.decode()
    assert reverse("vetting_queue") not in body and reverse("my_agency") not in body
    assert reverse("profile") in body


def test_404_page_uses_site_template(client_for, officer):
    response = client_for(officer).get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_403_page_uses_site_template(client_for, officer):
    response = client_for(officer).get(reverse("agency_list"))
    assert "Access denied" in response.content.decode()


def test_500_page_renders_without_request_context():
    from django.template import loader

    html = loader.get_template("500.html").render({})
    assert "Something went wrong" in html and "vendor/theme/theme.css" in html


def test_healthz_is_public(client):
    assert client.get(reverse("healthz")).content == b"ok"
