"""Modules (their published revision only), agencies' officers, the program report's figures."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from attendees.models import User
from reports.figures import ProgramFigures
from workshops.models import Module


class ModuleSerializer(serializers.ModelSerializer):
    """What the library shows of a live module: its published revision, never the working copy
    (drafts), its question bank or its materials."""

    title = serializers.CharField(source="published_revision.title")
    track = serializers.CharField(source="published_revision.track.slug", help_text="Track slug.")
    level = serializers.ChoiceField(source="published_revision.level", choices=Module.Level)
    language = serializers.CharField(source="published_revision.language")
    duration_minutes = serializers.IntegerField(source="published_revision.duration_minutes")
    objectives = serializers.ListField(
        source="published_revision.objective_list", child=serializers.CharField()
    )
    revision = serializers.IntegerField(
        source="published_revision.number", help_text="The published revision's number."
    )
    published_at = serializers.DateTimeField(source="published_revision.published_at")
    prerequisites = serializers.SerializerMethodField(
        help_text="Ids of the live modules this revision requires first."
    )

    class Meta:
        model = Module
        fields = [
            "id",
            "slug",
            "title",
            "track",
            "level",
            "language",
            "duration_minutes",
            "objectives",
            "revision",
            "published_at",
            "prerequisites",
        ]

    def get_prerequisites(self, module: Module) -> list[int]:
        # As the library page lists them: only modules the reader may open.
        live = self.context["live_ids"]
        revision = module.published_revision
        assert revision is not None  # (only live modules are listed)
        ids = (int(pk) for pk in revision.prerequisite_ids or ())
        return sorted(pk for pk in ids if pk in live)


class OfficerSerializer(serializers.ModelSerializer):
    """What the agency's record and the focal point's agency page show of an officer."""

    name = serializers.CharField(source="full_name")
    agency = serializers.IntegerField(source="agency_id")
    vetting_valid_until = serializers.DateTimeField(
        source="vetting_expires_at", allow_null=True, help_text="Null: never vetted."
    )
    completed_workshops = serializers.IntegerField(
        help_text="Workshops completed, among the registrations the token's owner may see "
        "(as the agency's record counts them)."
    )

    class Meta:
        model = User
        fields = [
            "id",
            "name",
            "email",
            "agency",
            "status",
            "is_focal_point",
            "rank",
            "unit",
            "vetting_valid_until",
            "completed_workshops",
        ]


# --- the program report's figures -------------------------------------------------------------


class HoursByTrackSerializer(serializers.Serializer):
    track = serializers.CharField()
    hours = serializers.DecimalField(max_digits=14, decimal_places=1, coerce_to_string=False)


class FeedbackFields(serializers.Serializer):
    feedback_answers = serializers.IntegerField()
    overall_rating = serializers.FloatField(
        source="overall_avg",
        allow_null=True,
        help_text="Average overall rating; null below `feedback_min_answers` answers.",
    )


class RegionFiguresSerializer(FeedbackFields):
    region = serializers.CharField()
    workshops_scheduled = serializers.IntegerField()
    workshops_held = serializers.IntegerField()
    attendees = serializers.IntegerField()
    completed = serializers.IntegerField()
    completion_rate = serializers.FloatField(allow_null=True)
    officers_trained = serializers.IntegerField()
    training_hours = serializers.DecimalField(
        source="hours", max_digits=14, decimal_places=1, coerce_to_string=False
    )
    capacity = serializers.IntegerField()
    confirmed = serializers.IntegerField()
    seat_use = serializers.FloatField(source="utilisation", allow_null=True)
    waitlisted = serializers.IntegerField()


class GainSerializer(serializers.Serializer):
    officers = serializers.IntegerField()
    pairs = serializers.IntegerField(help_text="Pre- and post-test pairs.")
    pre_mean = serializers.FloatField(allow_null=True)
    post_mean = serializers.FloatField(allow_null=True)
    gain = serializers.FloatField(allow_null=True)
    normalised = serializers.FloatField(allow_null=True, help_text="Hake's normalised gain.")
    hidden = serializers.BooleanField(
        help_text="Fewer officers than `feedback_min_answers`: the means are not shown."
    )


class AgencyFiguresSerializer(serializers.Serializer):
    agency = serializers.IntegerField(source="agency_id")
    name = serializers.CharField()
    country = serializers.CharField()
    officers = serializers.IntegerField(help_text="Officers with program access now.")
    registrations = serializers.IntegerField()
    confirmed = serializers.IntegerField()
    attendees = serializers.IntegerField()
    attended = serializers.IntegerField()
    no_shows = serializers.IntegerField()
    completed = serializers.IntegerField()
    certificates = serializers.IntegerField()
    training_hours = serializers.DecimalField(
        source="hours", max_digits=14, decimal_places=1, coerce_to_string=False
    )
    seats_reserved = serializers.IntegerField()
    seats_filled = serializers.IntegerField()
    seats_returned = serializers.IntegerField()
    nominated = serializers.IntegerField()
    endorsed = serializers.IntegerField()


def _total(figures: ProgramFigures, name: str) -> int:
    """A figure of the breakdown by agency, added up over its lines (the line of staff
    registrations included): the whole scope's."""
    return sum(getattr(line, name) for line in figures.agencies)


class FiguresSerializer(serializers.Serializer):
    """The program report's headline figures, for the report's scope and filters."""

    # Serialises a ProgramFigures; the context's `agency` (or None) adds that agency's line.

    start = serializers.DateField()
    end = serializers.DateField()
    as_of = serializers.DateTimeField(help_text="When the figures were computed.")
    workshops_scheduled = serializers.IntegerField()
    workshops_held = serializers.IntegerField()
    registrations = serializers.SerializerMethodField(
        help_text="Registrations on scheduled workshops, in any state."
    )
    capacity = serializers.IntegerField()
    confirmed = serializers.IntegerField()
    seat_use = serializers.FloatField(source="utilisation", allow_null=True)
    waitlisted = serializers.IntegerField()
    attendees = serializers.IntegerField()
    attended = serializers.SerializerMethodField(
        help_text="Attendees of workshops whose attendance is closed who attended a session."
    )
    no_shows = serializers.SerializerMethodField()
    completed = serializers.IntegerField()
    completion_rate = serializers.FloatField(allow_null=True)
    officers_trained = serializers.IntegerField()
    agencies_reached = serializers.IntegerField()
    countries_reached = serializers.IntegerField()
    certificates = serializers.SerializerMethodField(help_text="Valid (not revoked).")
    training_hours = serializers.DecimalField(
        source="hours_total", max_digits=14, decimal_places=1, coerce_to_string=False
    )
    hours_by_track = serializers.SerializerMethodField()
    feedback_min_answers = serializers.IntegerField(
        help_text="Feedback averages and knowledge gain are shown only from this many."
    )
    regions = RegionFiguresSerializer(many=True)
    knowledge_gain = GainSerializer(source="gain.total")
    agency = serializers.SerializerMethodField(
        help_text="The `agency` asked for: its line of the report's breakdown by agency (null "
        "when it has no registrations, attendance or reserved seats in scope, or none was asked).",
    )

    def get_registrations(self, figures: ProgramFigures) -> int:
        return _total(figures, "registrations")

    def get_attended(self, figures: ProgramFigures) -> int:
        return _total(figures, "attended")

    def get_no_shows(self, figures: ProgramFigures) -> int:
        return _total(figures, "no_shows")

    def get_certificates(self, figures: ProgramFigures) -> int:
        return _total(figures, "certificates")

    @extend_schema_field(HoursByTrackSerializer(many=True))
    def get_hours_by_track(self, figures: ProgramFigures) -> list:
        rows = [{"track": track, "hours": hours} for track, hours in figures.hours_by_track]
        return HoursByTrackSerializer(rows, many=True).data

    @extend_schema_field(AgencyFiguresSerializer(allow_null=True))
    def get_agency(self, figures: ProgramFigures) -> dict | None:
        agency = self.context.get("agency")
        if agency is None:
            return None
        line = next((a for a in figures.agencies if a.agency_id == agency.pk), None)
        return AgencyFiguresSerializer(line).data if line else None
