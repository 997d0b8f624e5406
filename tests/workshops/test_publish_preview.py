"""Publishing goes through a preview of the page officers will see; drafts say they are drafts."""

import pytest
from django.urls import reverse

from tests.factories import RegistrationFactory, WorkshopFactory
from workshops.models import Workshop, WorkshopModule

from .scheduling_helpers import published_revision

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(region, trainer):
    workshop = WorkshopFactory(
        region=region,
        status=Workshop.Status.DRAFT,
        title="Tracing mixers",
        description="Follow coins through mixers.",
        trainers=[trainer],
        format=Workshop.Format.HYBRID,
        online_url="https://meet.example.org/secret-room",
    )
    WorkshopModule.objects.create(
        workshop=workshop, revision=published_revision(title="Mixers 101"), position=0
    )
    return workshop


def _preview(client, workshop):
    return client.get(reverse("workshops:workshop_publish", args=[workshop.pk]))


def test_preview_shows_the_page_as_officers_will_see_it(client_for, coordinator, draft):
    response = _preview(client_for(coordinator), draft)
    body = response.content.decode()
    assert response.status_code == 200
    assert "This is how officers will see this workshop" in body
    assert "Tracing mixers" in body and "Follow coins through mixers." in body
    assert "Mixers 101" in body
    # As an officer without a seat: no joining link, no staff buttons, a (disabled) Register.
    assert "secret-room" not in body
    assert reverse("workshops:workshop_cancel", args=[draft.pk]) not in body
    assert "<fieldset disabled>" in body and ">Register" in body.replace("\n", "").replace("  ", "")
    # Publish and Back to edit.
    assert f'action="{reverse("workshops:workshop_publish", args=[draft.pk])}"' in body
    assert reverse("workshops:workshop_edit", args=[draft.pk]) in body
    draft.refresh_from_db()
    assert draft.status == Workshop.Status.DRAFT  # looking changes nothing


def test_publish_from_the_preview_publishes(client_for, coordinator, draft):
    response = client_for(coordinator).post(reverse("workshops:workshop_publish", args=[draft.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("workshops:workshop_detail", args=[draft.pk])
    draft.refresh_from_db()
    assert draft.status == Workshop.Status.PUBLISHED


def test_publish_refused_goes_back_to_the_preview_with_the_reason(client_for, coordinator, region):
    empty = WorkshopFactory(region=region, status=Workshop.Status.DRAFT)
    client = client_for(coordinator)
    response = client.post(reverse("workshops:workshop_publish", args=[empty.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("workshops:workshop_publish", args=[empty.pk])
    assert "at least one module" in response.content.decode()
    empty.refresh_from_db()
    assert empty.status == Workshop.Status.DRAFT


def test_preview_of_a_published_workshop_offers_no_publish(client_for, coordinator, region):
    workshop = WorkshopFactory(region=region)
    body = _preview(client_for(coordinator), workshop).content.decode()
    assert "there is nothing to publish" in body
    assert f'action="{reverse("workshops:workshop_publish", args=[workshop.pk])}"' not in body


@pytest.mark.parametrize("role", ["other_coordinator", "trainer", "officer"])
def test_outsiders_cannot_preview_or_publish(request, client_for, draft, role):
    user = request.getfixturevalue(role)
    url = reverse("workshops:workshop_publish", args=[draft.pk])
    assert client_for(user).get(url).status_code in (403, 404)
    assert client_for(user).post(url).status_code in (403, 404)
    draft.refresh_from_db()
    assert draft.status == Workshop.Status.DRAFT


def test_anonymous_preview_goes_to_login(client, draft):
    response = _preview(client, draft)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_draft_page_says_draft_not_registration_closed(client_for, coordinator, trainer, draft):
    for user in (coordinator, trainer):
        body = client_for(user).get(reverse("workshops:workshop_detail", args=[draft.pk]))
        text = body.content.decode()
        assert "Registration is closed" not in text
        assert "Not published yet" in text
        assert "Once published it is listed in the catalog" in text
    coordinator_page = client_for(coordinator).get(
        reverse("workshops:workshop_detail", args=[draft.pk])
    )
    assert (
        reverse("workshops:workshop_publish", args=[draft.pk]) in coordinator_page.content.decode()
    )


def test_published_workshop_page_keeps_the_registration_panel(client_for, officer, region):
    workshop = WorkshopFactory(region=region)
    RegistrationFactory(workshop=workshop, officer=officer)
    body = client_for(officer).get(reverse("workshops:workshop_detail", args=[workshop.pk]))
    assert "Not published yet" not in body.content.decode()
    assert "Your registration" in body.content.decode()
