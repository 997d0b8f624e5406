from __future__ import annotations

from functools import cached_property

from django.db.models import Prefetch

from registrations.models import Registration
from workshops.models import Workshop, WorkshopModule

from ..filtersets import ChoiceFilter, PeriodFilterSet, SlugFilter
from ..serializers.workshops import WorkshopSerializer
from .base import ReadOnlyApiViewSet


class WorkshopFilter(PeriodFilterSet):
    region = SlugFilter(field_name="region__slug", help_text="A region's slug.")
    track = SlugFilter(
        field_name="workshop_modules__revision__track__slug",
        distinct=True,
        help_text="A track's slug: workshops teaching one of its modules.",
    )
    status = ChoiceFilter(choices=Workshop.Status.choices)

    class Meta:
        model = Workshop
        fields = ["region", "track", "status"]


class WorkshopViewSet(ReadOnlyApiViewSet):
    """The workshops the token's owner may see, as the catalog and their pages show them."""

    serializer_class = WorkshopSerializer
    filterset_class = WorkshopFilter

    def get_queryset(self):
        return (
            Workshop.objects.visible_to(self.request.user)
            .select_related("region")
            .prefetch_related(
                "sessions",
                Prefetch(
                    "workshop_modules",
                    queryset=WorkshopModule.objects.select_related("revision__track"),
                ),
            )
        )

    @cached_property
    def joinable_ids(self) -> set[int]:
        """Workshops whose joining details the owner may see, as on the workshop page: the
        ones they run (coordinators, trainers) and those they hold a confirmed seat in."""
        user = self.request.user
        run = set(Workshop.objects.run_by(user).values_list("pk", flat=True))
        confirmed = Registration.objects.of_officer(user).filter(state=Registration.State.CONFIRMED)
        return run | set(confirmed.values_list("workshop_id", flat=True))

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "joinable": lambda pk: pk in self.joinable_ids}
