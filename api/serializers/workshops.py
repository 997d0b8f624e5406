from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from workshops.models import Workshop, WorkshopSession


class RegionSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


class SessionSerializer(serializers.ModelSerializer):
    class Meta:
        model = WorkshopSession
        fields = ["title", "starts_at", "ends_at"]


class TaughtModuleSerializer(serializers.Serializer):
    module = serializers.IntegerField(source="revision.module_id")
    revision = serializers.IntegerField(source="revision.number")
    title = serializers.CharField(source="revision.title")
    track = serializers.CharField(source="revision.track.slug")


class JoiningSerializer(serializers.Serializer):
    url = serializers.CharField(source="online_url")
    details = serializers.CharField(source="online_details")


class WorkshopSerializer(serializers.ModelSerializer):
    region = RegionSerializer()
    sessions = SessionSerializer(many=True)
    modules = TaughtModuleSerializer(source="workshop_modules", many=True)
    country = serializers.CharField(source="country.code", help_text="ISO 3166 code.")
    joining = serializers.SerializerMethodField(
        help_text="Joining details of an online workshop, for those who may see them (null "
        "otherwise): its staff and officers with a confirmed seat."
    )

    class Meta:
        model = Workshop
        fields = [
            "id",
            "title",
            "description",
            "status",
            "format",
            "language",
            "time_zone",
            "region",
            "starts_at",
            "ends_at",
            "venue_name",
            "venue_address",
            "city",
            "country",
            "capacity",
            "registration_opens_at",
            "registration_closes_at",
            "cancellation_deadline",
            "requires_approval",
            "requires_nomination",
            "sessions",
            "modules",
            "joining",
            "updated_at",
        ]

    @extend_schema_field(JoiningSerializer(allow_null=True))
    def get_joining(self, workshop: Workshop) -> dict | None:
        if not (workshop.online_url or workshop.online_details):
            return None
        if not self.context["joinable"](workshop.pk):
            return None
        return JoiningSerializer(workshop).data
