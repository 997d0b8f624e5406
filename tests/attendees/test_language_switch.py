"""The language switcher: in the navigation for everyone, signed in or not; a signed-in user's
choice is saved to their profile (which the site follows); the confirmation is in the new
language."""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from attendees.models import User

pytestmark = pytest.mark.django_db
SWITCH = reverse("set_language")


def _said_in(code: str) -> str:
    with translation.override(code):
        name = translation.get_language_info(code)["name_local"]
        return translation.gettext("The site is now in %(language)s.") % {"language": name}


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


@pytest.mark.parametrize("who", ["officer", "coordinator", "trainer", "pending_officer"])
def test_switcher_is_in_the_navigation_when_signed_in(request, client_for, who):
    user = request.getfixturevalue(who)
    page = "profile" if who == "pending_officer" else "dashboard"
    body = client_for(user).get(reverse(page)).content.decode()
    # In the account menu: one button per language, the current one marked.
    assert f'action="{SWITCH}"' in body
    for code, _name in settings.LANGUAGES:
        assert f'name="language" value="{code}"' in body
    assert 'value="en" lang="en" aria-current="true"' in body


def test_switcher_is_in_the_navigation_when_signed_out(client):
    body = client.get(reverse("account_login")).content.decode()
    assert f'action="{SWITCH}"' in body


def test_signed_in_officer_switches_and_the_profile_follows(client_for, officer):
    client = client_for(officer)
    response = client.post(
        SWITCH, {"language": "fr", "next": reverse("registration:my_training")}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("registration:my_training")
    officer.refresh_from_db()
    assert officer.language == "fr"
    assert response.wsgi_request.LANGUAGE_CODE == "fr"
    assert _messages(response) == [_said_in("fr")]
    assert "français" in _messages(response)[0]
    assert '<html lang="fr">' in response.content.decode()
    # The next page too: the profile's language wins over the browser's.
    again = client.get(reverse("dashboard"), HTTP_ACCEPT_LANGUAGE="es")
    assert '<html lang="fr">' in again.content.decode()


def test_staff_member_switches_too(client_for, coordinator):
    client_for(coordinator).post(SWITCH, {"language": "es", "next": "/"})
    coordinator.refresh_from_db()
    assert coordinator.language == "es"


def test_unvetted_officer_can_switch(client_for, pending_officer):
    response = client_for(pending_officer).post(SWITCH, {"language": "pt-br", "next": "/access/"})
    assert response.status_code == 302
    pending_officer.refresh_from_db()
    assert pending_officer.language == "pt-br"


def test_anonymous_switch_sets_the_cookie_and_says_so_in_the_new_language(client):
    response = client.post(
        SWITCH, {"language": "es", "next": reverse("account_login")}, follow=True
    )
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"
    assert _messages(response) == [_said_in("es")]
    assert '<html lang="es">' in response.content.decode()


@pytest.mark.parametrize("code", ["xx", "", "<script>", "de"])
def test_unknown_language_changes_nothing(client_for, officer, code):
    response = client_for(officer).post(SWITCH, {"language": code, "next": "/"}, follow=True)
    assert response.status_code == 200
    officer.refresh_from_db()
    assert officer.language == "en"
    assert _messages(response) == []


def test_switch_ignores_a_foreign_next(client_for, officer):
    response = client_for(officer).post(SWITCH, {"language": "fr", "next": "https://evil.example/"})
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]


def test_get_is_not_allowed(client_for, officer):
    assert client_for(officer).get(SWITCH).status_code == 405
    assert User.objects.get(pk=officer.pk).language == "en"
