"""Modules as the library shows them, agencies' officers as their records show them, and the
program report's figures as the report page computes them."""

from __future__ import annotations

from functools import cached_property

from django.conf import settings
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from attendees.models import Agency, Region, User
from reports.exports import ExportFilter, attendance_registrations
from reports.figures import cached_program_figures
from trainingsite.roles import has_role
from workshops.models import Module

from ..filtersets import SlugFilter
from ..forms import FiguresForm
from ..permissions import TokenAccess
from ..serializers.people import FiguresSerializer, ModuleSerializer, OfficerSerializer
from .base import ApiViewSet, ReadOnlyApiViewSet

# --- modules ----------------------------------------------------------------------------------


class ModuleFilter(filters.FilterSet):
    track = SlugFilter(
        field_name="published_revision__track__slug",
        help_text="A track's slug (the track the module was published in).",
    )
    level = filters.ChoiceFilter(
        field_name="published_revision__level", choices=Module.Level.choices
    )
    language = filters.ChoiceFilter(
        field_name="published_revision__language", choices=settings.LANGUAGES
    )

    class Meta:
        model = Module
        fields = ["track", "level", "language"]


class ModuleViewSet(ReadOnlyApiViewSet):
    """Live modules as the library shows them, to everyone: their published revision only."""

    serializer_class = ModuleSerializer
    filterset_class = ModuleFilter

    def get_queryset(self):
        return (
            Module.objects.visible_to(self.request.user)
            .live()
            .select_related("published_revision__track")
        )

    @cached_property
    def live_ids(self) -> set[int]:
        return set(Module.objects.visible_to(self.request.user).live().values_list("pk", flat=True))

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "live_ids": self.live_ids}


# --- officers ---------------------------------------------------------------------------------


class ListsOfficers(BasePermission):
    """Listing officers is for those whose pages list them: focal points and coordinators.
    Anyone else asking for one officer gets the 404 of an id out of scope."""

    message = _("Only focal points and coordinators list officers.")

    def has_permission(self, request, view) -> bool:
        return view.action != "list" or has_role(request.user, "focal_point", "coordinator")


def _agencies_in_scope(request):
    return Agency.objects.workspace_for(request.user) if request else Agency.objects.none()


class OfficerFilter(filters.FilterSet):
    agency = filters.ModelChoiceFilter(
        queryset=_agencies_in_scope, help_text="An agency's id (one whose officers you see)."
    )
    region = filters.ModelChoiceFilter(
        field_name="agency__region",
        to_field_name="slug",
        queryset=Region.objects.all(),
        help_text="A region's slug: officers of its agencies.",
    )
    status = filters.ChoiceFilter(choices=User.Status.choices)

    class Meta:
        model = User
        fields = ["agency", "region", "status"]


class OfficerViewSet(ReadOnlyApiViewSet):
    """Officers of the agencies whose record the token's owner may see (their own agency for a
    focal point, their regions' agencies for a coordinator), as those pages show them."""

    serializer_class = OfficerSerializer
    filterset_class = OfficerFilter
    permission_classes = [TokenAccess, ListsOfficers]

    def get_queryset(self):
        user = self.request.user
        completed = (
            attendance_registrations(user, ExportFilter())
            .filter(officer=OuterRef("pk"), completion__completed=True)
            .order_by()
            .values("officer")
            .annotate(n=Count("workshop", distinct=True))
            .values("n")
        )
        return User.objects.in_workspace_of(user).annotate(
            completed_workshops=Coalesce(Subquery(completed, output_field=IntegerField()), 0)
        )


# --- the program report's figures -------------------------------------------------------------


class SeesReport(BasePermission):
    """The program report's figures: for whom the report page opens (coordinators)."""

    message = _("Only coordinators see the program report's figures.")

    def has_permission(self, request, view) -> bool:
        return has_role(request.user, "coordinator")


class FiguresQuerySerializer(serializers.Serializer):
    """The report page's filters (its query string works here), and an agency."""

    year = serializers.IntegerField(
        required=False, min_value=2000, max_value=2100, help_text="Default: this year."
    )
    quarter = serializers.ChoiceField(choices=[1, 2, 3, 4], required=False)
    date_from = serializers.DateField(
        required=False, help_text="With `date_to`, a period instead of the year."
    )
    date_to = serializers.DateField(required=False)
    region = serializers.IntegerField(required=False, help_text="One of your regions' ids.")
    track = serializers.IntegerField(required=False, help_text="A track's id.")
    agency = serializers.IntegerField(
        required=False, help_text="An agency's id: adds its line of the breakdown by agency."
    )


class ReportViewSet(ApiViewSet):
    permission_classes = [TokenAccess, SeesReport]
    pagination_class = None
    filter_backends: list = []

    @extend_schema(
        parameters=[FiguresQuerySerializer],
        responses=FiguresSerializer,
        description="The program report's headline figures for your regions (all regions for "
        "program administrators), as its page shows them for the same filters.",
    )
    @action(detail=False, url_path="figures", serializer_class=FiguresSerializer)
    def figures(self, request):
        form = FiguresForm(request.query_params, user=request.user)
        if not form.is_valid():
            errors = form.errors.get_json_data()
            raise ValidationError({f: [e["message"] for e in errs] for f, errs in errors.items()})
        figures = cached_program_figures(request.user, **form.scope())
        context = {"agency": form.cleaned_data.get("agency")}
        return Response(FiguresSerializer(figures, context=context).data)
