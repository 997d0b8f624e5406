"""The per-request reads and the registration insert without the ORM's query building
(trainingsite/plainsql.py): they must give what the ORM gives."""

import datetime as dt

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from attendees.auth_backends import AuthenticationBackend, ModelBackend
from attendees.models import Registration, RegistrationEvent, User
from tests.factories import OfficerFactory, WorkshopFactory
from trainingsite.plainsql import PlainSelect, insert_with_child
from trainingsite.sessions import SessionStore

pytestmark = pytest.mark.django_db


def _fields(obj, model):
    return {f.attname: getattr(obj, f.attname) for f in model._meta.concrete_fields}


def test_a_plain_select_builds_the_instance_the_orm_would(agency):
    officer = OfficerFactory(agency=agency, vetted_at=timezone.now())
    loaded = PlainSelect(User, where="{id} = %s").get([officer.pk])
    assert _fields(loaded, User) == _fields(User.objects.get(pk=officer.pk), User)
    assert loaded._state.adding is False and loaded._state.db == "default"
    loaded.full_name = "Renamed"
    loaded.save(update_fields=["full_name"])  # a normal instance: saves as usual
    assert User.objects.get(pk=officer.pk).full_name == "Renamed"


def test_a_partial_plain_select_defers_the_other_fields(region):
    workshop = WorkshopFactory(region=region, capacity=17)
    loaded = PlainSelect(type(workshop), where="{id} = %s", fields=["capacity"]).get([workshop.pk])
    assert loaded.capacity == 17
    assert "title" in loaded.get_deferred_fields()
    assert loaded.title == workshop.title  # loaded on access, as with .only()
    assert PlainSelect(type(workshop), where="{id} = %s").get([workshop.pk + 1000]) is None


def test_the_pair_insert_stores_what_two_orm_saves_store(region, agency):
    workshop = WorkshopFactory(region=region)
    officer, other = OfficerFactory(agency=agency), OfficerFactory(agency=agency)
    now = timezone.now()
    reg = Registration(workshop=workshop, officer=officer, state="confirmed", created_at=now)
    event = RegistrationEvent(actor=officer, to_state="confirmed", created_at=now)
    insert_with_child(reg, event, link="registration")
    assert reg.pk and event.pk and event.registration_id == reg.pk
    assert not reg._state.adding and not event._state.adding

    orm = Registration.objects.create(
        workshop=workshop, officer=other, state="confirmed", created_at=now
    )
    stored, reference = Registration.objects.get(pk=reg.pk), Registration.objects.get(pk=orm.pk)
    skip = {"id", "officer_id", "updated_at"}
    assert {k: v for k, v in _fields(stored, Registration).items() if k not in skip} == {
        k: v for k, v in _fields(reference, Registration).items() if k not in skip
    }
    assert abs(stored.updated_at - reference.updated_at) < dt.timedelta(seconds=5)  # auto_now
    stored_event = RegistrationEvent.objects.get(pk=event.pk)
    assert (stored_event.registration_id, stored_event.to_state, stored_event.from_state) == (
        reg.pk,
        "confirmed",
        "",
    )


def _session_for(user, backend="attendees.auth_backends.ModelBackend", **extra):
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = backend
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.update(extra)
    store.create()
    return store.session_key


def test_sessions_load_and_expire_as_django_db_sessions(agency):
    officer = OfficerFactory(agency=agency)
    key = _session_for(officer, colour="blue")
    assert SessionStore(key).load()["colour"] == "blue"
    from django.contrib.sessions.models import Session

    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    expired = SessionStore(key)
    assert expired.load() == {}
    assert expired.session_key is None  # as Django's: an expired key is dropped


@pytest.mark.parametrize("backend", [ModelBackend, AuthenticationBackend])
def test_backends_load_the_user_and_refuse_inactive_or_bogus_ids(agency, backend):
    officer = OfficerFactory(agency=agency)
    assert backend().get_user(str(officer.pk)) == officer
    for bogus in ("nope", "", None, str(2**70), "-1"):
        assert backend().get_user(bogus) is None
    User.objects.filter(pk=officer.pk).update(is_active=False)
    assert backend().get_user(str(officer.pk)) is None


def test_a_signed_in_request_uses_the_plain_reads(client, agency):
    officer = OfficerFactory(agency=agency)
    client.cookies["sessionid"] = _session_for(officer)
    response = client.get("/my-training/")
    assert response.status_code == 200
    assert response.wsgi_request.user == officer


@pytest.mark.parametrize(
    "old_path",
    [
        "django.contrib.auth.backends.ModelBackend",
        "allauth.account.auth_backends.AuthenticationBackend",
    ],
)
def test_sessions_from_before_the_backend_move_stay_signed_in(client, agency, old_path):
    officer = OfficerFactory(agency=agency)
    client.cookies["sessionid"] = _session_for(officer, backend=old_path)
    response = client.get("/my-training/")
    assert response.status_code == 200
    assert response.wsgi_request.user == officer


def test_the_pair_insert_refuses_models_it_cannot_save_faithfully(region, agency):
    from django.db.models.signals import post_save

    from trainingsite import plainsql

    def receiver(**kwargs):
        pass

    post_save.connect(receiver, sender=RegistrationEvent)
    plainsql._PAIRS.clear()
    try:
        reg = Registration(
            workshop=WorkshopFactory(region=region),
            officer=OfficerFactory(agency=agency),
            state="confirmed",
        )
        with pytest.raises(ImproperlyConfigured, match="save receivers"):
            insert_with_child(reg, RegistrationEvent(to_state="confirmed"), link="registration")
    finally:
        post_save.disconnect(receiver, sender=RegistrationEvent)
        plainsql._PAIRS.clear()
    assert not Registration.objects.exists()
