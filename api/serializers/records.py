"""Officers' records: registrations, attendance marks, completions, certificates.

Each row is one the token's owner may see (the models' `visible_to`); some fields are shown
only where the pages show them to that owner, and are null otherwise (see each field's help).
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from attendance.hours import credited_hours, training_minutes_of
from attendance.models import AttendanceMark, Certificate, Completion
from registrations.models import Registration

from ..filtersets import MAX_ID


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="full_name")
    email = serializers.EmailField()


class EventSerializer(serializers.Serializer):
    """One step of a registration's history (who took it is not part of the API)."""

    from_state = serializers.ChoiceField(
        choices=Registration.State.choices, allow_blank=True, help_text="Blank for the first."
    )
    to_state = serializers.ChoiceField(choices=Registration.State.choices)
    at = serializers.DateTimeField(source="created_at")


class RegistrationSerializer(serializers.ModelSerializer):
    workshop = serializers.IntegerField(source="workshop_id")
    officer = PersonSerializer()
    created_at = serializers.DateTimeField(
        allow_null=True,
        help_text="When the officer registered (null on a trainer's roster, which does not "
        "show it; likewise `confirmed_at`, `waitlist_position` and `events`).",
    )
    confirmed_at = serializers.DateTimeField(allow_null=True)
    waitlist_position = serializers.IntegerField(
        allow_null=True, help_text="1-based place on the waitlist; null unless waitlisted."
    )
    events = EventSerializer(many=True, allow_null=True)

    class Meta:
        model = Registration
        fields = [
            "id",
            "workshop",
            "officer",
            "state",
            "created_at",
            "confirmed_at",
            "waitlist_position",
            "events",
        ]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        # A trainer's roster shows who is confirmed, not when or how they got there.
        if not getattr(instance, "full_view", True):
            data.update(created_at=None, confirmed_at=None, waitlist_position=None, events=None)
        return data


class RegisterSerializer(serializers.Serializer):
    workshop = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, help_text="The id of the workshop to register for."
    )


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="Why, in the token owner's language.")


class RegisterErrorSerializer(serializers.Serializer):
    """A refusal (`detail`), or what is wrong with the body (by field)."""

    detail = serializers.CharField(required=False, help_text="Why the rules refuse it.")
    workshop = serializers.ListField(child=serializers.CharField(), required=False)
    non_field_errors = serializers.ListField(child=serializers.CharField(), required=False)


class AttendanceMarkSerializer(serializers.ModelSerializer):
    registration = serializers.IntegerField(source="registration_id")
    officer = serializers.IntegerField(source="registration.officer_id")
    workshop = serializers.IntegerField(source="session.workshop_id")
    session = serializers.IntegerField(source="session_id")
    session_starts_at = serializers.DateTimeField(source="session.starts_at")
    session_ends_at = serializers.DateTimeField(source="session.ends_at")

    class Meta:
        model = AttendanceMark
        fields = [
            "id",
            "registration",
            "officer",
            "workshop",
            "session",
            "session_starts_at",
            "session_ends_at",
            "status",
            "source",
            "marked_at",
        ]


class CompletionSerializer(serializers.ModelSerializer):
    registration = serializers.IntegerField(source="registration_id")
    workshop = serializers.IntegerField(source="registration.workshop_id")
    officer = serializers.IntegerField(source="registration.officer_id")
    training_hours = serializers.SerializerMethodField(
        help_text="Training hours credited: the workshop's when completed, else 0."
    )
    attended_percent = serializers.IntegerField(help_text="Share of the session time attended (%).")
    post_test_percent = serializers.SerializerMethodField(
        help_text="Best post-test score at closing; null where none, or where the pages do not "
        "show scores to the token's owner (focal points, unless the program allows it)."
    )
    post_test_required = serializers.IntegerField(
        source="test_required", allow_null=True, help_text="Score the rule required, if any."
    )

    class Meta:
        model = Completion
        fields = [
            "id",
            "registration",
            "workshop",
            "officer",
            "completed",
            "training_hours",
            "attended_minutes",
            "total_minutes",
            "attended_percent",
            "threshold",
            "post_test_percent",
            "post_test_required",
            "computed_at",
        ]

    @extend_schema_field(serializers.DecimalField(max_digits=7, decimal_places=1))
    def get_training_hours(self, completion: Completion) -> str:
        minutes = training_minutes_of(completion.registration.workshop)
        return str(credited_hours(completed=completion.completed, minutes=minutes))

    @extend_schema_field(serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True))
    def get_post_test_percent(self, completion: Completion) -> str | None:
        if completion.test_percent is None or not getattr(completion, "score_shown", True):
            return None
        return f"{completion.test_percent:.2f}"


class CertificateSerializer(serializers.ModelSerializer):
    kind = serializers.SerializerMethodField(help_text="`workshop` or `track`.")
    registration = serializers.IntegerField(source="registration_id", allow_null=True)
    workshop = serializers.IntegerField(
        source="registration.workshop_id", allow_null=True, default=None
    )
    track = serializers.CharField(source="track.slug", allow_null=True, default=None)
    holder = PersonSerializer()
    training_hours = serializers.DecimalField(max_digits=7, decimal_places=1)
    revoked = serializers.SerializerMethodField()
    post_test_required = serializers.IntegerField(allow_null=True)
    verify_url = serializers.SerializerMethodField(
        help_text="The public verification page of the certificate."
    )

    class Meta:
        model = Certificate
        fields = [
            "id",
            "number",
            "kind",
            "registration",
            "workshop",
            "track",
            "holder",
            "issued_at",
            "expires_at",
            "training_hours",
            "post_test_required",
            "revoked",
            "revoked_at",
            "verify_url",
        ]

    @extend_schema_field(serializers.ChoiceField(choices=["workshop", "track"]))
    def get_kind(self, certificate: Certificate) -> str:
        return "track" if certificate.is_track_credential else "workshop"

    def get_revoked(self, certificate: Certificate) -> bool:
        return certificate.revoked_at is not None

    def get_verify_url(self, certificate: Certificate) -> str:
        return settings.SITE_URL + reverse("credentials:verify_number", args=[certificate.number])


class EnvelopedCredentialSerializer(serializers.Serializer):
    """The holder's credential file (credential.json on their training record): a VC 2.0
    EnvelopedVerifiableCredential around the signed Open Badges 3.0 VC-JWT."""

    context = serializers.CharField()
    id = serializers.CharField(help_text="data:application/vc+jwt,<the signed VC-JWT>")
    type = serializers.CharField()

    def get_fields(self):
        fields = super().get_fields()
        fields["@context"] = fields.pop("context")
        return fields
