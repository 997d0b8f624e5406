"""Officers' records: registrations (read; an officer registers and cancels with a
read-and-write token), attendance marks, completions and certificates (read), each scoped by
its model's `visible_to` as the pages are."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.db.models import BooleanField, Case, Prefetch, Q, Value, When
from django.http import Http404
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from attendance.models import AttendanceMark, Certificate, Completion
from attendance.models.marks import AttendanceStatus
from audit.services import record_audit
from credentials.services import enveloped, holders_jwt
from registrations import services
from registrations.models import Registration, RegistrationEvent
from trainingsite.errors import ServiceError
from trainingsite.roles import has_role
from workshops.models import Workshop, WorkshopModule

from ..filtersets import BooleanFilter, ChoiceFilter, IdFilter, PeriodFilterSet, SlugFilter
from ..serializers.records import (
    AttendanceMarkSerializer,
    CertificateSerializer,
    CompletionSerializer,
    EnvelopedCredentialSerializer,
    ErrorSerializer,
    RegisterErrorSerializer,
    RegisterSerializer,
    RegistrationSerializer,
)
from .base import ApiViewSet, ReadOnlyApiViewSet

State = Registration.State


class RegistrationFilter(PeriodFilterSet):
    period_field = "workshop__starts_at"
    workshop = IdFilter(field_name="workshop_id", help_text="A workshop's id.")
    region = SlugFilter(field_name="workshop__region__slug", help_text="A region's slug.")
    agency = IdFilter(field_name="officer__agency_id", help_text="The officers' agency's id.")
    track = SlugFilter(
        method="filter_track", help_text="A track's slug: workshops teaching one of its modules."
    )
    state = ChoiceFilter(choices=State.choices)

    class Meta:
        model = Registration
        fields = ["workshop", "region", "agency", "track", "state"]

    def filter_track(self, queryset, name, value):
        taught = WorkshopModule.objects.filter(revision__track__slug=value).values("workshop_id")
        return queryset.filter(workshop__in=taught)


NOT_FOUND = OpenApiResponse(ErrorSerializer, description="Not one of yours (or no such id).")
READ_ONLY = OpenApiResponse(
    ErrorSerializer, description="A read-only token, or an account that is not an officer's."
)
MALFORMED = OpenApiResponse(
    RegisterErrorSerializer, description="A malformed body: what is wrong, by field."
)
REFUSED = OpenApiResponse(
    ErrorSerializer,
    description="Refused by the registration rules as things stand (registration closed, "
    "already registered, a clash, a deadline passed, the workshop busy…): `detail` says why.",
)
BAD_FILTER = OpenApiResponse(
    OpenApiTypes.OBJECT, description="A filter's value is not valid: its name → messages."
)
BAD_CURSOR = OpenApiResponse(ErrorSerializer, description="The cursor is not one of ours.")


def read_schema(serializer, noun: str, plural: str) -> dict:
    """The list and detail operations' documentation, with their error answers."""
    return {
        "list": extend_schema(
            summary=f"{plural} you may see",
            responses={200: serializer(many=True), 400: BAD_FILTER, 404: BAD_CURSOR},
        ),
        "retrieve": extend_schema(
            summary=f"One {noun}", responses={200: serializer, 404: NOT_FOUND}
        ),
    }


@extend_schema_view(**read_schema(RegistrationSerializer, "registration", "Registrations"))
class RegistrationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """Registrations as the pages show them: an officer's own, a focal point's agency's
    officers', the confirmed roster of the workshops a trainer teaches, a coordinator's
    regions'."""

    serializer_class = RegistrationSerializer
    filterset_class = RegistrationFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema is built without a user
            return Registration.objects.none()
        user = self.request.user
        regs = (
            Registration.objects.visible_to(user)
            .select_related("officer")
            .with_waitlist_position()
            .prefetch_related(
                Prefetch("events", queryset=RegistrationEvent.objects.order_by("created_at", "pk"))
            )
        )
        if user.is_trainer:
            # Rows a trainer sees only on a roster (not their own, their agency's or their
            # regions') show no dates or history, as the roster does not.
            beyond_roster = (
                Registration.objects.of_officer(user)
                | Registration.objects.nominations_for(user)
                | Registration.objects.managed_by(user)
            )
            regs = regs.annotate(
                full_view=Case(
                    When(pk__in=beyond_roster.values("pk"), then=Value(True)),
                    default=Value(False),
                    output_field=BooleanField(),
                )
            )
        return regs

    def _own(self, pk) -> Registration:
        if not has_role(self.request.user, "officer"):
            raise PermissionDenied(_("Only officers register for workshops and cancel."))
        return get_object_or_404(Registration.objects.of_officer(self.request.user), pk=pk)

    def _answer(self, reg: Registration, code: int) -> Response:
        fresh = self.get_queryset().get(pk=reg.pk)
        return Response(self.get_serializer(fresh).data, status=code)

    @extend_schema(
        summary="Register for a workshop",
        description="As the Register button does, with every rule of registration: the answer "
        "is the registration, confirmed, waitlisted, pending approval or awaiting your agency's "
        "endorsement. Needs a read-and-write token of an officer.",
        request=RegisterSerializer,
        responses={
            201: RegistrationSerializer,
            400: MALFORMED,
            403: READ_ONLY,
            404: NOT_FOUND,
            409: REFUSED,
        },
    )
    def create(self, request):
        user = request.user
        if not has_role(user, "officer"):
            raise PermissionDenied(_("Only officers register for workshops and cancel."))
        body = RegisterSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            with transaction.atomic():
                reg = services.register(workshop_id=body.validated_data["workshop"], officer=user)
                record_audit(
                    actor=user,
                    action="api.registration_created",
                    summary=f"Registration #{reg.pk} ({reg.state}) for workshop "
                    f"#{reg.workshop_id} through API token {request.auth.label}",
                    target=reg,
                    token=request.auth.label,
                    state=reg.state,
                )
        except services.WorkshopNotFound:
            raise Http404 from None
        except ServiceError as err:
            # A well-formed request the state of things refuses (closed, full of requests, a
            # clash): a conflict, which a client may retry later; 400 is for malformed bodies.
            return Response({"detail": err.message}, status=status.HTTP_409_CONFLICT)
        return self._answer(reg, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Cancel your registration",
        description="What the registration's own button on the page does: a confirmed seat is "
        "cancelled (until the cancellation deadline), a request withdrawn, a waitlist place "
        "left, a nomination by your agency declined. Needs a read-and-write token of an officer.",
        request=None,
        responses={200: RegistrationSerializer, 403: READ_ONLY, 404: NOT_FOUND, 409: REFUSED},
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        user = request.user
        reg = self._own(pk)
        give_up = GIVE_UPS.get(reg.state, services.cancel_registration)
        try:
            with transaction.atomic():
                give_up(registration_id=reg.pk, officer=user)
                record_audit(
                    actor=user,
                    action="api.registration_cancelled",
                    summary=f"Registration #{reg.pk} ({reg.state}) given up through API token "
                    f"{request.auth.label}",
                    target=reg,
                    token=request.auth.label,
                    service=give_up.__name__,
                )
        except ServiceError as err:
            return Response({"detail": err.message}, status=status.HTTP_409_CONFLICT)
        return self._answer(reg, status.HTTP_200_OK)


# The one way out the officer's page offers for each state (the registration panel's button);
# the service re-checks the state under the workshop's lock. Declining a nomination is audited
# by its service too: the API's entry adds only that it came through a token.
GIVE_UPS = {
    State.CONFIRMED: services.cancel_registration,
    State.PENDING: services.withdraw_request,
    State.NOMINATION: services.withdraw_request,
    State.WAITLISTED: services.leave_waitlist,
    State.OFFERED: services.decline_nomination,
}


class AttendanceFilter(PeriodFilterSet):
    period_field = "session__starts_at"
    workshop = IdFilter(field_name="session__workshop_id", help_text="A workshop's id.")
    registration = IdFilter(field_name="registration_id", help_text="A registration's id.")
    status = ChoiceFilter(choices=AttendanceStatus.choices)

    class Meta:
        model = AttendanceMark
        fields = ["workshop", "registration", "status"]


@extend_schema_view(**read_schema(AttendanceMarkSerializer, "attendance mark", "Attendance marks"))
class AttendanceViewSet(ReadOnlyApiViewSet):
    """Attendance of the registrations you may see, one mark per registration and session
    (`starts_after`/`starts_before` read on the session's start)."""

    serializer_class = AttendanceMarkSerializer
    filterset_class = AttendanceFilter

    def get_queryset(self):
        return AttendanceMark.objects.visible_to(self.request.user).select_related(
            "session", "registration"
        )


class CompletionFilter(PeriodFilterSet):
    period_field = "registration__workshop__starts_at"
    workshop = IdFilter(field_name="registration__workshop_id", help_text="A workshop's id.")
    completed = BooleanFilter()

    class Meta:
        model = Completion
        fields = ["workshop", "completed"]


@extend_schema_view(**read_schema(CompletionSerializer, "completion", "Completions"))
class CompletionViewSet(ReadOnlyApiViewSet):
    """Whether each registration you may see completed its closed workshop, with its hours."""

    serializer_class = CompletionSerializer
    filterset_class = CompletionFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Completion.objects.none()
        user = self.request.user
        completions = (
            Completion.objects.visible_to(user)
            .select_related("registration__workshop")
            .prefetch_related(
                "registration__workshop__sessions",
                Prefetch(
                    "registration__workshop__workshop_modules",
                    queryset=WorkshopModule.objects.select_related("revision"),
                ),
            )
        )
        if user.is_focal_point and not settings.FOCAL_POINTS_SEE_SCORES:
            # The agency's record shows a focal point no scores; their own record and the
            # workshops they run (roster, coordinators' pages) do.
            shown = Q(registration__officer=user) | Q(
                registration__workshop__in=Workshop.objects.run_by(user).values("pk")
            )
            completions = completions.annotate(
                score_shown=Case(
                    When(shown, then=Value(True)), default=Value(False), output_field=BooleanField()
                )
            )
        return completions


class CertificateFilter(filters.FilterSet):
    holder = IdFilter(field_name="holder_id", help_text="The holder's (officer's) id.")
    workshop = IdFilter(field_name="registration__workshop_id", help_text="A workshop's id.")
    revoked = BooleanFilter(field_name="revoked_at", lookup_expr="isnull", exclude=True)

    class Meta:
        model = Certificate
        fields = ["holder", "workshop", "revoked"]


@extend_schema_view(**read_schema(CertificateSerializer, "certificate", "Certificates"))
class CertificateViewSet(ReadOnlyApiViewSet):
    """Certificates of workshops and track credentials: the holder's own, those the agency's
    record shows its focal points and its region's coordinators. Revoked ones say so."""

    serializer_class = CertificateSerializer
    filterset_class = CertificateFilter

    def get_queryset(self):
        return Certificate.objects.visible_to(self.request.user).select_related(
            "holder", "registration", "track"
        )

    @extend_schema(
        summary="Your certificate's signed credential",
        description="The Open Badges 3.0 credential of one of your own certificates, not "
        "revoked, as the credential.json download of your training record: a VC 2.0 "
        "EnvelopedVerifiableCredential whose id carries the signed VC-JWT. The holder's only.",
        responses={200: EnvelopedCredentialSerializer, 404: NOT_FOUND},
        filters=False,
    )
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def credential(self, request, pk=None):
        certificate = get_object_or_404(
            Certificate.objects.of_officer(request.user).active(), pk=pk
        )
        token = holders_jwt(certificate=certificate)
        if token is None:
            raise Http404
        return Response(enveloped(token))
