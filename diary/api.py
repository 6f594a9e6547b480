"""The diary's REST API: a person's own episodes and profile, and a token for other clients.

Views are thin: a serializer validates (with the same strict types as the triage API and the
same rules as the web forms), one function in diary.services writes. Everything is scoped to
the signed-in person: someone else's episode is a 404, never a 403, so an id reveals nothing.
"""

import datetime

from axes.handlers.proxy import AxesProxyHandler
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import generics, serializers, status
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from diary import services
from diary.accounts.views import lockout_minutes
from diary.forms import (
    CLOCK_SKEW,
    COLOUR_CHOICES,
    CONTRACEPTION_CHOICES,
    DURATION_CHOICES,
    NOTES_MAX_LENGTH,
    ONSET_CHOICES,
    SCREENING_CHOICES,
    SCREENING_RESULT_CHOICES,
    validate_year_of_birth,
)
from diary.models import Episode
from knowledge import triage
from knowledge.api import ReasonSerializer, SymptomsField
from knowledge.emergency import COUNTRY_CODES
from pcb_site.api_fields import (
    OffsetDateTimeField,
    OptionalChoiceField,
    StrictBooleanField,
    StrictCharField,
    StrictChoiceField,
    StrictDateField,
    StrictFieldsMixin,
    StrictIntegerField,
    StrictUUIDField,
)


def _values(choices):
    return [value for value, _label in choices]


# "still_bleeding" is a choice of the web form's duration question only; the API has the
# still_bleeding flag for it (as the triage contract does).
DURATIONS = [value for value in _values(DURATION_CHOICES) if value != "still_bleeding"]


# Episodes -------------------------------------------------------------------------------


class AssessmentSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=triage.LEVELS)
    reasons = ReasonSerializer(many=True)
    rules_version = serializers.CharField()


def _choice(field, default):
    return StrictChoiceField(choices=triage.CHOICES[field], required=False, default=default)


def _flag():
    return StrictBooleanField(required=False, default=False)


class EpisodeSerializer(StrictFieldsMixin, serializers.Serializer):
    """One episode. Names follow the triage contract where they overlap; defaults are the
    model's, so a PUT without a field resets it, and a PATCH changes only what it names."""

    id = serializers.UUIDField(read_only=True)
    occurred_at = OffsetDateTimeField()
    onset = OptionalChoiceField(_values(ONSET_CHOICES), allow_null=True)
    amount = StrictChoiceField(choices=triage.CHOICES["amount"])
    colour = OptionalChoiceField(_values(COLOUR_CHOICES))
    clots = _choice("clots", "none")
    duration = OptionalChoiceField(DURATIONS)
    still_bleeding = _flag()
    pain_during_sex = _choice("pain_during_sex", "none")
    pain_after = _choice("pain_after", "none")
    faint = _flag()
    symptoms = SymptomsField(required=False, default=list)
    pregnancy = _choice("pregnancy", "no")
    first_intercourse = _flag()
    new_partner = _flag()
    condom_used = _flag()
    lubricant_used = _flag()
    partner_blood = _flag()
    non_consensual = _flag()
    notes = StrictCharField(
        max_length=NOTES_MAX_LENGTH, allow_blank=True, required=False, default=""
    )
    client_id = StrictUUIDField(
        required=False,
        allow_null=True,
        help_text="Made by the client when it first saves the episode (the offline queue): "
        "repeating a create with the same client_id returns the first episode. Set on "
        "create only.",
    )
    assessment = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)

    def validate_occurred_at(self, moment):
        if moment > timezone.now() + CLOCK_SKEW:
            raise serializers.ValidationError(_("This is in the future. Enter when it happened."))
        if moment.year < 1900:
            raise serializers.ValidationError(_("Check the year."))
        year_of_birth = services.get_profile(self.context["request"].user).year_of_birth
        if year_of_birth and moment.year < year_of_birth:
            raise serializers.ValidationError(
                _("This is before the year of birth in your profile. Check the date.")
            )
        return moment

    def validate(self, attrs):
        if self.instance is not None:
            client_id = attrs.pop("client_id", self.instance.client_id)
            if client_id != self.instance.client_id:
                raise serializers.ValidationError(
                    {"client_id": [_("This is set when the episode is created, not after.")]}
                )
        # The whole episode must make sense, also when a PATCH changes only part of it.
        current = self.instance
        result = {f: getattr(current, f) for f in services.EPISODE_FIELDS} if current else {}
        result.update(attrs)
        if result.get("still_bleeding") and result.get("duration"):
            # The web form asks one question for both: a bleed that has not stopped has no
            # duration yet.
            raise serializers.ValidationError(
                {"duration": [_("Leave this empty while still_bleeding is true.")]}
            )
        return attrs

    @extend_schema_field(AssessmentSerializer)
    def get_assessment(self, episode):
        stored = services.stored_assessment(episode)
        reasons = [{**reason, "message": _(reason["message"])} for reason in stored["reasons"]]
        return AssessmentSerializer({**stored, "reasons": reasons}).data


class EpisodeFilterSerializer(serializers.Serializer):
    """The list's query parameters. A date means the whole of that day in the person's time
    zone; both bounds are inclusive."""

    occurred_after = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    occurred_before = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)

    def _bound(self, value, end_of_day):
        try:
            # A date first: Python would also read "2026-03-14" as midnight.
            day = parse_date(value)
            moment = None if day else parse_datetime(value)
        except ValueError:
            moment = day = None
        if moment is None and day is None:
            raise serializers.ValidationError(
                _("Enter a date (2026-03-14) or a date and time (2026-03-14T22:30:00+01:00).")
            )
        try:
            if day is not None:
                if end_of_day:
                    moment = datetime.datetime.combine(day, datetime.time.max)
                else:
                    moment = datetime.datetime.combine(day, datetime.time.min)
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment)
            moment.astimezone(datetime.UTC)
        except (OverflowError, ValueError):
            raise serializers.ValidationError(_("This date is out of range.")) from None
        return moment

    def validate_occurred_after(self, value):
        return self._bound(value, end_of_day=False)

    def validate_occurred_before(self, value):
        return self._bound(value, end_of_day=True)

    def validate(self, attrs):
        after, before = attrs.get("occurred_after"), attrs.get("occurred_before")
        if after and before and after > before:
            raise serializers.ValidationError(
                {"occurred_before": [_("This is before occurred_after.")]}
            )
        return attrs

    def apply(self, episodes):
        bounds = self.validated_data
        if "occurred_after" in bounds:
            episodes = episodes.filter(occurred_at__gte=bounds["occurred_after"])
        if "occurred_before" in bounds:
            episodes = episodes.filter(occurred_at__lte=bounds["occurred_before"])
        return episodes


class EpisodePagination(PageNumberPagination):
    page_size = 50


BAD_INPUT = OpenApiResponse(description="Bad input: each bad field with what is allowed.")
NOT_SIGNED_IN = OpenApiResponse(
    description="Not signed in, or a session request without its CSRF token."
)
NOT_FOUND = OpenApiResponse(description="No such episode among your own.")


class OwnEpisodesMixin:
    serializer_class = EpisodeSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular reading the view
            return Episode.objects.none()
        return Episode.objects.filter(owner=self.request.user).order_by(
            "-occurred_at", "-created_at"
        )


@extend_schema_view(
    get=extend_schema(
        summary="Your episodes, newest first",
        parameters=[
            OpenApiParameter(
                "occurred_after",
                str,
                description="Only episodes at or after this date (the whole day, in your "
                "time zone) or ISO 8601 date and time (URL-encode the + of an offset).",
            ),
            OpenApiParameter(
                "occurred_before",
                str,
                description="Only episodes at or before this date (the whole day, in your "
                "time zone) or ISO 8601 date and time (URL-encode the + of an offset).",
            ),
        ],
        responses={
            200: EpisodeSerializer(many=True),
            400: OpenApiResponse(description="A filter that is not a date or date and time."),
            403: NOT_SIGNED_IN,
            404: OpenApiResponse(description="No such page."),
        },
    ),
    post=extend_schema(
        summary="Log an episode; it is assessed against the rule table and your history",
        responses={
            201: EpisodeSerializer,
            200: OpenApiResponse(
                EpisodeSerializer,
                description="An episode with this client_id exists already: the first one, "
                "unchanged.",
            ),
            400: BAD_INPUT,
            403: NOT_SIGNED_IN,
        },
    ),
)
class EpisodeList(OwnEpisodesMixin, generics.ListCreateAPIView):
    pagination_class = EpisodePagination

    def filter_queryset(self, queryset):
        filters = EpisodeFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return filters.apply(queryset)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        client_id = values.pop("client_id", None)
        episode, created = services.log_episode(request.user, values, client_id=client_id)
        return Response(
            self.get_serializer(episode).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


@extend_schema_view(
    get=extend_schema(
        summary="One of your episodes",
        responses={200: EpisodeSerializer, 403: NOT_SIGNED_IN, 404: NOT_FOUND},
    ),
    put=extend_schema(
        summary="Replace an episode (omitted fields take their defaults); it is re-assessed",
        responses={200: EpisodeSerializer, 400: BAD_INPUT, 403: NOT_SIGNED_IN, 404: NOT_FOUND},
    ),
    patch=extend_schema(
        summary="Change some fields of an episode; it is re-assessed",
        responses={200: EpisodeSerializer, 400: BAD_INPUT, 403: NOT_SIGNED_IN, 404: NOT_FOUND},
    ),
    delete=extend_schema(
        summary="Delete an episode for good",
        responses={204: None, 403: NOT_SIGNED_IN, 404: NOT_FOUND},
    ),
)
class EpisodeDetail(OwnEpisodesMixin, generics.RetrieveUpdateDestroyAPIView):
    def perform_update(self, serializer):
        services.update_episode(serializer.instance, serializer.validated_data)

    def perform_destroy(self, instance):
        services.delete_episode(instance)


# Profile --------------------------------------------------------------------------------


class ProfileSerializer(StrictFieldsMixin, serializers.Serializer):
    """Context that rarely changes. "" (or null for the year and the date) means "prefer not
    to say"; a PUT without a field sets it so."""

    year_of_birth = StrictIntegerField(required=False, allow_null=True, default=None)
    country = OptionalChoiceField(COUNTRY_CODES)
    menopause = OptionalChoiceField(triage.CHOICES["menopause"])
    contraception = OptionalChoiceField(_values(CONTRACEPTION_CHOICES))
    anticoagulants = OptionalChoiceField(["yes", "no"])
    screening = OptionalChoiceField(_values(SCREENING_CHOICES))
    screening_last_date = StrictDateField(required=False, allow_null=True, default=None)
    screening_last_result = OptionalChoiceField(_values(SCREENING_RESULT_CHOICES))

    def validate_year_of_birth(self, year):
        return validate_year_of_birth(year)

    def validate_screening_last_date(self, date):
        if date and date > timezone.localdate():
            raise serializers.ValidationError(
                _("This is in the future. Enter the date it happened.")
            )
        return date

    def validate(self, attrs):
        result = {name: getattr(self.instance, name) for name in self.fields}
        result.update(attrs)
        if result["screening"] == "never" and (
            result["screening_last_date"] or result["screening_last_result"]
        ):
            raise serializers.ValidationError(
                {
                    "screening": [
                        _(
                            "You chose 'never', but also gave a date or result. "
                            "Choose one or the other."
                        )
                    ]
                }
            )
        return attrs


@extend_schema_view(
    get=extend_schema(
        summary="Your profile", responses={200: ProfileSerializer, 403: NOT_SIGNED_IN}
    ),
    put=extend_schema(
        summary="Replace your profile (omitted fields become 'prefer not to say')",
        responses={200: ProfileSerializer, 400: BAD_INPUT, 403: NOT_SIGNED_IN},
    ),
    patch=extend_schema(
        summary="Change some fields of your profile",
        responses={200: ProfileSerializer, 400: BAD_INPUT, 403: NOT_SIGNED_IN},
    ),
)
class ProfileDetail(generics.RetrieveUpdateAPIView):
    serializer_class = ProfileSerializer

    def get_object(self):
        return services.get_profile(self.request.user)

    def perform_update(self, serializer):
        services.update_profile(serializer.instance, serializer.validated_data)


# Token ----------------------------------------------------------------------------------


class TokenView(ObtainAuthToken):
    """A token for clients that are not the browser. Wrong credentials get one message that
    does not say whether the username or the password was wrong."""

    # No session: a signed-in browser asking for a token needs no CSRF dance, and a token is
    # only ever given for a correct username and password.
    authentication_classes = []

    @extend_schema(
        summary="Exchange a username and password for an API token",
        request=AuthTokenSerializer,
        responses={
            200: inline_serializer("AuthToken", {"token": serializers.CharField()}),
            400: OpenApiResponse(description="Missing fields, or wrong username or password."),
            429: OpenApiResponse(description="Too many failed attempts: locked for a while."),
        },
        auth=[],
    )
    def post(self, request, *args, **kwargs):
        # The same lockout as the login form (django-axes, per account and per client).
        username = request.data.get("username") if isinstance(request.data, dict) else None
        credentials = {"username": username if isinstance(username, str) else ""}
        if not AxesProxyHandler.is_allowed(request._request, credentials):
            minutes = lockout_minutes()
            detail = _("Too many attempts that did not work. Try again in {minutes} minutes.")
            return Response(
                {"detail": detail.format(minutes=minutes)},
                status=status.HTTP_429_TOO_MANY_REQUESTS,
                headers={"Retry-After": str(minutes * 60)},
            )
        return super().post(request, *args, **kwargs)
