from __future__ import annotations

from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries.fields import Country, CountryField

from attendees.validators import validate_name


class Region(models.Model):
    """A program region (Asia-Pacific, Europe, Americas); coordinators are scoped by it."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.name


class AgencyQuerySet(models.QuerySet):
    def active(self) -> AgencyQuerySet:
        return self.filter(is_active=True)

    def search(self, text: str) -> AgencyQuerySet:
        """By name or e-mail domain; a subquery, so counts annotated later are not multiplied."""
        text = text.strip()
        if not text:
            return self
        by_domain = AgencyDomain.objects.filter(domain__icontains=text).values("agency_id")
        return self.filter(models.Q(name__icontains=text) | models.Q(pk__in=by_domain))

    def managed_by(self, user) -> AgencyQuerySet:
        """Agencies a coordinator administers: their regions, or all for a program admin."""
        if not user.is_authenticated:
            return self.none()
        if user.is_program_admin:
            return self
        return self.filter(region__in=user.coordinated_region_ids)

    def workspace_for(self, user) -> AgencyQuerySet:
        """Agencies whose workspace and training record `user` may see: a coordinator's
        (`managed_by`), and a focal point's own while they have program access."""
        if not user.is_authenticated or not user.has_program_access:
            return self.none()
        if user.is_program_admin:
            return self
        scope = models.Q(region__in=user.coordinated_region_ids)
        if user.is_focal_point and user.agency_id is not None:
            scope |= models.Q(pk=user.agency_id)
        return self.filter(scope)


class Agency(models.Model):
    class VettingMode(models.TextChoices):
        AUTO = "auto", _("Automatic (a confirmed agency e-mail is enough)")
        REVIEW = "review", _("Review (a focal point or coordinator approves each officer)")

    name = models.CharField(_("name"), max_length=200, validators=[validate_name])
    country: Country = CountryField(_("country"))  # type: ignore[assignment]
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="agencies", verbose_name=_("region")
    )
    vetting_mode = models.CharField(
        _("vetting mode"), max_length=10, choices=VettingMode, default=VettingMode.REVIEW
    )
    # A suspended agency loses access for all its officers at once.
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AgencyQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        constraints = [
            models.UniqueConstraint(fields=["name", "country"], name="agency_unique_name_country")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.country.code})"


class AgencyDomainQuerySet(models.QuerySet):
    def for_email(self, email: str) -> AgencyDomainQuerySet:
        domain = email.rsplit("@", 1)[-1].strip().lower()
        return self.filter(domain=domain, agency__is_active=True)


class AgencyDomain(models.Model):
    """An e-mail domain owned by an agency; a domain belongs to exactly one agency."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="domains")
    domain = models.CharField(_("e-mail domain"), max_length=253)

    objects = AgencyDomainQuerySet.as_manager()

    class Meta:
        ordering = ["domain"]
        verbose_name = _("agency domain")
        verbose_name_plural = _("agency domains")
        constraints = [models.UniqueConstraint(Lower("domain"), name="agencydomain_unique_domain")]

    def __str__(self) -> str:
        return self.domain

    def save(self, *args, **kwargs):
        self.domain = self.domain.strip().lower()
        super().save(*args, **kwargs)


class OnboardingRequest(models.Model):
    """An agency not yet in the program asks to join; it reaches the coordinators."""

    full_name = models.CharField(_("your full name"), max_length=200, validators=[validate_name])
    email = models.EmailField(_("work e-mail"))
    agency_name = models.CharField(_("agency name"), max_length=200, validators=[validate_name])
    country: Country = CountryField(_("country"))  # type: ignore[assignment]
    message = models.TextField(_("message"), blank=True, max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("onboarding request")
        verbose_name_plural = _("onboarding requests")

    def __str__(self) -> str:
        return f"{self.agency_name} ({self.country.code})"


class AgencyEvent(models.Model):
    """Append-only record of every change a coordinator makes to an agency: who, when, what."""

    class Action(models.TextChoices):
        SUSPENDED = "suspended", _("Agency suspended")
        REACTIVATED = "reactivated", _("Agency reactivated")
        DOMAIN_ADDED = "domain_added", _("E-mail domain added")
        DOMAIN_REMOVED = "domain_removed", _("E-mail domain removed")
        VETTING_MODE = "vetting_mode", _("Vetting mode changed")
        FOCAL_NAMED = "focal_named", _("Focal point named")
        FOCAL_REMOVED = "focal_removed", _("Focal point removed")
        REQUEST_DECIDED = "request_decided", _("Request decided")

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="events")
    by = models.ForeignKey(
        "attendees.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    action = models.CharField(_("action"), max_length=20, choices=Action)
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("agency event")
        verbose_name_plural = _("agency events")

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.agency}"


class AgencyRequestQuerySet(models.QuerySet):
    def pending(self) -> AgencyRequestQuerySet:
        return self.filter(status=AgencyRequest.Status.PENDING)

    def managed_by(self, user) -> AgencyRequestQuerySet:
        """Requests of agencies a coordinator administers (they decide them)."""
        return self.filter(agency__in=Agency.objects.managed_by(user))

    def decidable_by(self, user) -> AgencyRequestQuerySet:
        """Requests a coordinator may decide: of agencies they administer, never their own."""
        requests = self.managed_by(user)
        if user.is_authenticated and user.agency_id is not None:
            requests = requests.exclude(agency_id=user.agency_id)
        return requests

    def of_agency_of(self, user) -> AgencyRequestQuerySet:
        """A focal point's own agency's requests; nobody else's."""
        if not user.is_authenticated or not user.is_focal_point or user.agency_id is None:
            return self.none()
        return self.filter(agency_id=user.agency_id)


class AgencyRequest(models.Model):
    """A focal point asks for a change to their agency's profile; a coordinator of its region
    decides (a change of who may join, how officers are vetted, or who vets them is never
    made by the agency alone)."""

    class Kind(models.TextChoices):
        ADD_DOMAIN = "add_domain", _("Add an e-mail domain")
        REMOVE_DOMAIN = "remove_domain", _("Remove an e-mail domain")
        VETTING_MODE = "vetting_mode", _("Change the vetting mode")
        ADD_FOCAL_POINT = "add_focal", _("Name an additional focal point")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for a coordinator")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="requests")
    kind = models.CharField(_("request"), max_length=20, choices=Kind)
    # The domain (add/remove) or the vetting mode asked for; empty for a focal point.
    value = models.CharField(_("value"), max_length=253, blank=True)
    # The officer proposed as focal point.
    officer = models.ForeignKey(
        "attendees.User",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("officer"),
    )
    reason = models.TextField(_("why"), max_length=1000, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.PENDING, db_index=True
    )
    requested_by = models.ForeignKey(
        "attendees.User", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        "attendees.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("note"), max_length=500, blank=True)

    objects = AgencyRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("agency request")
        verbose_name_plural = _("agency requests")
        constraints = [
            # The same change asked twice while the first waits is one request.
            models.UniqueConstraint(
                "agency",
                "kind",
                Lower("value"),
                "officer",
                condition=models.Q(status="pending"),
                nulls_distinct=False,
                name="agencyrequest_one_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.agency}"

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING

    def describe_change(self) -> str:
        """The change asked for, as a sentence in the active language."""
        if self.kind == self.Kind.ADD_DOMAIN:
            return gettext("Add the e-mail domain @%(domain)s") % {"domain": self.value}
        if self.kind == self.Kind.REMOVE_DOMAIN:
            return gettext("Remove the e-mail domain @%(domain)s") % {"domain": self.value}
        if self.kind == self.Kind.VETTING_MODE:
            mode = (
                Agency.VettingMode(self.value).label
                if self.value in Agency.VettingMode.values
                else ""
            )
            return gettext("Change the vetting mode to: %(mode)s") % {"mode": mode}
        officer = self.officer
        name = (officer.full_name or officer.email) if officer is not None else "—"
        return gettext("Name %(name)s as an additional focal point") % {"name": name}
