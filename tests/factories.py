"""factory_boy factories for every model; tests build exactly the rows they need."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from attendees.models import Agency, AgencyDomain, Region, User
from registrations.models import Registration
from workshops.models import Module, ModuleRevision, Track, Workshop, WorkshopSession

PASSWORD = "correct-horse-battery-staple"


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Region {n}")
    slug = factory.Sequence(lambda n: f"region-{n}")


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Agency {n}")
    country = "SG"
    region = factory.SubFactory(RegionFactory)
    vetting_mode = Agency.VettingMode.REVIEW
    domain = factory.RelatedFactory(
        "tests.factories.AgencyDomainFactory",
        factory_related_name="agency",
        domain=factory.LazyAttribute(lambda o: f"agency{o.factory_parent.name.split()[-1]}.gov"),
    )


class AgencyDomainFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgencyDomain

    agency = factory.SubFactory(AgencyFactory, domain=None)
    domain = factory.Sequence(lambda n: f"domain{n}.gov")


class UserFactory(factory.django.DjangoModelFactory):
    """A program staff member by default (no agency); see OfficerFactory for officers."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@training.example.org")
    full_name = factory.Faker("name")
    status = User.Status.VERIFIED
    vetted_at = factory.LazyFunction(timezone.now)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def regions(self, create, extracted, **kwargs):
        if create and extracted:
            self.coordinated_regions.set(extracted)

    @factory.post_generation
    def email_confirmed(self, create, extracted, **kwargs):
        """allauth's confirmed address, so the user can sign in through the login form."""
        if create and self.status != User.Status.UNCONFIRMED and extracted is not False:
            from allauth.account.models import EmailAddress

            EmailAddress.objects.update_or_create(
                user=self, email=self.email, defaults={"verified": True, "primary": True}
            )

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        if create:
            instance.save()


class OfficerFactory(UserFactory):
    agency = factory.SubFactory(AgencyFactory)
    email = factory.LazyAttributeSequence(
        lambda o, n: f"officer{n}@{o.agency.domains.first().domain}"
    )
    rank = "Inspector"
    country = factory.SelfAttribute("agency.country")
    # Vetting named officers who were verified (and kept it through a suspension).
    vetted_name = factory.LazyAttribute(
        lambda o: o.full_name if o.status in (User.Status.VERIFIED, User.Status.SUSPENDED) else ""
    )


class StaffFactory(UserFactory):
    """Program staff have TOTP enrolled (the site requires it); pass mfa=False to test that."""

    @factory.post_generation
    def mfa(self, create, extracted, **kwargs):
        if create and extracted is not False:
            from attendees.mfa import enrol_totp

            enrol_totp(self)


class TrainerFactory(StaffFactory):
    is_trainer = True


class CoordinatorFactory(StaffFactory):
    """Pass regions=[...]; with none it coordinates a fresh region."""

    @factory.post_generation
    def regions(self, create, extracted, **kwargs):
        if create:
            self.coordinated_regions.set(extracted or [RegionFactory()])


class ProgramAdminFactory(StaffFactory):
    is_program_admin = True


class TrackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Track
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Track {n}")
    slug = factory.Sequence(lambda n: f"track-{n}")


class ModuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Module
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"module-{n}")
    title = factory.Sequence(lambda n: f"Module {n}")
    track = factory.SubFactory(TrackFactory)
    objectives = "Trace a transaction\nExplain a UTXO"
    body = "# Intro\nSome **content**."

    @factory.post_generation
    def authors(self, create, extracted, **kwargs):
        if create and extracted:
            self.authors.set(extracted)


class ModuleRevisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ModuleRevision

    module = factory.SubFactory(ModuleFactory, status=Module.Status.PUBLISHED)
    number = 1
    track = factory.SelfAttribute("module.track")
    title = factory.SelfAttribute("module.title")
    level = factory.SelfAttribute("module.level")
    duration_minutes = factory.SelfAttribute("module.duration_minutes")
    objectives = factory.SelfAttribute("module.objectives")
    body = factory.SelfAttribute("module.body")


def _in_days(days: int, hour: int = 9) -> dt.datetime:
    base = timezone.now().replace(minute=0, second=0, microsecond=0, hour=hour)
    return base + dt.timedelta(days=days)


class WorkshopFactory(factory.django.DjangoModelFactory):
    """A published in-person workshop in Singapore in 30 days, registration open now."""

    class Meta:
        model = Workshop
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Blockchain forensics workshop {n}")
    region = factory.SubFactory(RegionFactory)
    status = Workshop.Status.PUBLISHED
    time_zone = "Asia/Singapore"
    venue_name = "Training Centre"
    venue_address = "1 Example Road"
    city = "Singapore"
    country = "SG"
    capacity = 20
    registration_opens_at = factory.LazyFunction(lambda: _in_days(-10))
    registration_closes_at = factory.LazyFunction(lambda: _in_days(25))
    starts_at = factory.LazyFunction(lambda: _in_days(30))
    ends_at = factory.LazyFunction(lambda: _in_days(30, hour=17))

    @factory.post_generation
    def sessions(self, create, extracted, **kwargs):
        """One session matching starts_at/ends_at unless a list of (start, end) is passed."""
        if not create:
            return
        spans = extracted if extracted is not None else [(self.starts_at, self.ends_at)]
        for start, end in spans:
            WorkshopSession.objects.create(workshop=self, starts_at=start, ends_at=end)
        if spans:
            self.starts_at = min(s for s, _ in spans)
            self.ends_at = max(e for _, e in spans)
            self.save(update_fields=["starts_at", "ends_at"])

    @factory.post_generation
    def trainers(self, create, extracted, **kwargs):
        if create and extracted:
            self.trainers.set(extracted)


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    workshop = factory.SubFactory(WorkshopFactory)
    officer = factory.SubFactory(OfficerFactory)
    state = Registration.State.CONFIRMED
    confirmed_at = factory.LazyFunction(timezone.now)


# --- curriculum ------------------------------------------------------------------------------


def _one_page_pdf() -> bytes:
    import io

    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=(595, 842))
    c.drawString(72, 720, "Case file: restricted handout")
    c.save()
    return buffer.getvalue()


PDF_BYTES = _one_page_pdf()


class MaterialFactory(factory.django.DjangoModelFactory):
    """A small PDF handout stored under MEDIA_ROOT with a random name."""

    class Meta:
        model = "workshops.Material"

    module = factory.SubFactory(ModuleFactory)
    title = factory.Sequence(lambda n: f"Handout {n}")
    original_name = "handout.pdf"
    content_type = "application/pdf"
    size = len(PDF_BYTES)
    file = factory.django.FileField(filename="handout.pdf", data=PDF_BYTES)
    # Uploaded before the module's revision is published, so it is released with it.
    created_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=1))


def publish_directly(module, *, number: int = 1, **overrides):
    """Give `module` a published revision without going through the review workflow."""
    fields = {
        "track": module.track,
        "title": module.title,
        "level": module.level,
        "duration_minutes": module.duration_minutes,
        "objectives": module.objectives,
        "body": module.body,
    }
    fields.update(overrides)
    revision = ModuleRevision.objects.create(module=module, number=number, **fields)
    module.published_revision = revision
    module.status = Module.Status.PUBLISHED
    module.save(update_fields=["published_revision", "status"])
    return revision
