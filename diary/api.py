"""The diary's REST API: a person's own episodes and profile, and a token for other clients.

Views are thin: a serializer validates (with the same strict types as the triage API and the
same rules as the web forms), one function in diary.services writes. Everything is scoped to
the signed-in person: someone else's episode is a 404, never a 403, so an id reveals nothing.
"""

import datetime
from functools import lru_cache

from django.db import IntegrityError, transaction
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import generics, serializers, status
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from diary import assessment, follow_up, offline_queue, services
from diary.accounts.lockout import lockout_minutes, was_refused
from diary.accounts.models import DeviceToken
from diary.accounts.tokens import (
    DeviceTokenAuthentication,
    TooManyDevices,
    issue_token,
    revoke_token,
)
from diary.choices import (
    COLOUR_CHOICES,
    CONTRACEPTION_CHOICES,
    DURATION_CHOICES,
    NOTES_MAX_LENGTH,
    ONSET_CHOICES,
    SCREENING_CHOICES,
    SCREENING_RESULT_CHOICES,
    values_of,
)
from diary.forms import BasicsForm
from diary.models import Episode
from knowledge import triage
from knowledge.api import ReasonSerializer, SymptomsField
from knowledge.care import present
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
from pcb_site.api_schema import (
    NO_SUCH_EPISODE,
    NOT_SIGNED_IN,
    RETRY_AFTER,
    ErrorSerializer,
    bad_request,
    with_body,
)

# "still_bleeding" is a choice of the web form's duration question only; the API has the
# still_bleeding flag for it (as the triage contract does).
DURATIONS = [value for value in values_of(DURATION_CHOICES) if value != "still_bleeding"]


# Episodes -------------------------------------------------------------------------------


class AssessmentSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=triage.LEVELS)
    reasons = ReasonSerializer(many=True)
    rules_version = serializers.CharField()


def _choice(field, default):
    return StrictChoiceField(choices=triage.CHOICES[field], required=False, default=default)


def _flag():
    return StrictBooleanField(required=False, default=False)


class FollowUpSerializer(StrictFieldsMixin, serializers.Serializer):
    """The answer to "Did you get it checked?" (diary.follow_up), validated as the web form
    validates it."""

    status = StrictChoiceField(
        choices=follow_up.STATUSES,
        help_text="not_yet closes the advice for its time frame (1 day after emergency or "
        "urgent advice, 14 days after soon), then it is open again; booked and seen close it.",
    )
    booked_for = StrictDateField(
        required=False,
        allow_null=True,
        default=None,
        help_text="The date of the appointment, only with booked. Any date.",
    )
    finding = StrictChoiceField(
        choices=follow_up.FINDINGS,
        required=False,
        allow_null=True,
        default=None,
        help_text="What was found, only with seen.",
    )
    answered_at = serializers.DateTimeField(
        read_only=True, help_text="Set by the server when the answer is saved."
    )

    def validate(self, attrs):
        # .get: inside a PATCH, DRF skips a missing field instead of calling it required.
        follow_up.validate_answer(
            attrs.get("status"), attrs.get("booked_for"), attrs.get("finding")
        )
        return attrs


class EpisodeSerializer(StrictFieldsMixin, serializers.Serializer):
    """One episode. Names follow the triage contract where they overlap; defaults are the
    model's, so a PUT without a field resets it, and a PATCH changes only what it names."""

    id = serializers.UUIDField(read_only=True)
    occurred_at = OffsetDateTimeField()
    onset = OptionalChoiceField(values_of(ONSET_CHOICES), allow_null=True)
    amount = StrictChoiceField(choices=triage.CHOICES["amount"])
    colour = OptionalChoiceField(values_of(COLOUR_CHOICES))
    clots = _choice("clots", "none")
    duration = OptionalChoiceField(DURATIONS)
    still_bleeding = _flag()
    pain_during_sex = _choice("pain_during_sex", "none")
    pain_after = _choice("pain_after", "none")
    faint = _flag()
    symptoms = SymptomsField(required=False, default=list)
    pregnancy = _choice("pregnancy", "no")
    recent_procedure = _choice("recent_procedure", "none")
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
        "create only; made by the server when not sent. Every episode has one, and an "
        "export carries it.",
    )
    assessment = serializers.SerializerMethodField(
        help_text="The current assessment, worked out again whenever the episode changes."
    )
    assessment_when_logged = serializers.SerializerMethodField(
        help_text="What you were told when the episode was logged (a self-check saved to the "
        "diary keeps the self-check's answer). The same as assessment for episodes logged "
        "before this was kept."
    )
    follow_up = FollowUpSerializer(
        required=False,
        allow_null=True,
        help_text="Did you get it checked? null until answered. Sending an answer (PUT or "
        "PATCH) records it as given now; null takes it back; leaving it out, in a PUT too, "
        "keeps it. A PATCH of follow_up alone does not assess the episode again. Set after "
        "the episode is created, not with it.",
    )
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)

    def validate_occurred_at(self, moment):
        profile = services.get_or_create_profile(self.context["request"].user)
        self.context["profile"] = profile  # for the write, which needs it too
        return services.validate_occurred_at(moment, profile.year_of_birth)

    def validate(self, attrs):
        if self.instance is not None:
            client_id = attrs.pop("client_id", self.instance.client_id)
            if client_id != self.instance.client_id:
                raise serializers.ValidationError(
                    {"client_id": [_("This is set when the episode is created, not after.")]}
                )
        elif attrs.get("follow_up") is not None:
            raise serializers.ValidationError(
                {"follow_up": [_("Answer this once the episode is saved, with a PATCH.")]}
            )
        # The whole episode must make sense, also when a PATCH changes only part of it.
        current = self.instance
        result = {f: getattr(current, f) for f in assessment.EPISODE_FIELDS} if current else {}
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
        return _assessment_data(assessment.current_of(episode), episode)

    @extend_schema_field(AssessmentSerializer)
    def get_assessment_when_logged(self, episode):
        return _assessment_data(assessment.told_when_logged(episode), episode)


class EpisodeCreateSerializer(EpisodeSerializer):
    """Only the schema's, for a create: EpisodeSerializer validates it, and refuses a
    follow_up until the episode is saved."""

    follow_up = None


class EpisodeChangeSerializer(EpisodeSerializer):
    """Only the schema's, for PUT and PATCH: EpisodeSerializer validates them, and refuses a
    client_id other than the one set on create (sending that one back changes nothing)."""

    client_id = None


def _assessment_data(stored, episode):
    """The shape people see (knowledge.care.present), cut to the assessment's fields. The
    country does not matter here: the assessment carries no number."""
    answers = tuple(
        (field, tuple(value) if isinstance(value, list) else value)
        for field in assessment.TRIAGE_FIELDS
        for value in [getattr(episode, field)]
    )
    key = (stored["level"], tuple(stored["reasons"]), stored["rules_version"], answers)
    return _presented(get_language(), *key)


# One serializer for every episode: a new one for each copied all its fields each time.
ASSESSMENT = AssessmentSerializer()


@lru_cache(maxsize=512)
def _presented(language, level, reasons, rules_version, answers):
    """_assessment_data, worked out once per process for each assessment, set of answers (they
    choose a reason's words) and language (the messages are translated): many episodes
    share them, and it was half the time of the episode list. Shared: read it, never change
    it."""
    stored = {"level": level, "reasons": list(reasons), "rules_version": rules_version}
    values = {field: list(value) if isinstance(value, tuple) else value for field, value in answers}
    return ASSESSMENT.to_representation(present(assessment.with_rules(stored, values)))


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


# A filter's value: a day, or a moment with its offset.
DAY_OR_MOMENT = {
    "anyOf": [{"type": "string", "format": "date"}, {"type": "string", "format": "date-time"}]
}


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
                DAY_OR_MOMENT,
                description="Only episodes at or after this date (the whole day, in your "
                "time zone) or ISO 8601 date and time (URL-encode the + of an offset).",
            ),
            OpenApiParameter(
                "occurred_before",
                DAY_OR_MOMENT,
                description="Only episodes at or before this date (the whole day, in your "
                "time zone) or ISO 8601 date and time (URL-encode the + of an offset). Not "
                "before occurred_after.",
            ),
        ],
        responses={
            200: EpisodeSerializer(many=True),
            400: bad_request(
                "A filter that is not a date or date and time, or occurred_before before "
                "occurred_after."
            ),
            403: NOT_SIGNED_IN,
            404: OpenApiResponse(ErrorSerializer, description="No such page."),
        },
    ),
    post=extend_schema(
        summary="Log an episode; it is assessed against the rule table and your history",
        description="occurred_at is not in the future, not before 1900 and not before the "
        "year of birth in your profile; duration stays empty while still_bleeding is true. "
        "Fields not named here are refused, not ignored.",
        request=EpisodeCreateSerializer,
        responses=with_body(
            {
                201: EpisodeSerializer,
                200: OpenApiResponse(
                    EpisodeSerializer,
                    description="An episode with this client_id exists already: the first "
                    "one, unchanged.",
                ),
                403: NOT_SIGNED_IN,
            }
        ),
    ),
)
class EpisodeList(OwnEpisodesMixin, generics.ListCreateAPIView):
    pagination_class = EpisodePagination

    def filter_queryset(self, queryset):
        filters = EpisodeFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        # Never shown, so never decrypted: the list decrypts every field it shows.
        return filters.apply(queryset).defer("assessment_assumptions")

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        client_id = values.pop("client_id", None)
        episode, created = services.log_episode(
            request.user, values, client_id=client_id, profile=serializer.context.get("profile")
        )
        # The same serializer answers: another would copy every field again.
        serializer.instance = episode
        return Response(
            serializer.data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )


@extend_schema_view(
    get=extend_schema(
        summary="One of your episodes",
        responses={200: EpisodeSerializer, 403: NOT_SIGNED_IN, **NO_SUCH_EPISODE},
    ),
    put=extend_schema(
        summary="Replace an episode (omitted fields take their defaults); it is re-assessed",
        description="The rules of a create hold. client_id is set on create: sending it back "
        "unchanged is allowed, another one is refused.",
        request=EpisodeChangeSerializer,
        responses=with_body({200: EpisodeSerializer, 403: NOT_SIGNED_IN, **NO_SUCH_EPISODE}),
    ),
    patch=extend_schema(
        summary="Change some fields of an episode; it is re-assessed",
        description="The rules of a create hold for the episode as it will be, the fields "
        "not sent included: still_bleeding true is refused while the stored episode has a "
        "duration, unless the same request empties it.",
        request=EpisodeChangeSerializer,
        responses=with_body({200: EpisodeSerializer, 403: NOT_SIGNED_IN, **NO_SUCH_EPISODE}),
    ),
    delete=extend_schema(
        summary="Delete an episode for good",
        responses={204: None, 403: NOT_SIGNED_IN, **NO_SUCH_EPISODE},
    ),
)
class EpisodeDetail(OwnEpisodesMixin, generics.RetrieveUpdateDestroyAPIView):
    def perform_update(self, serializer):
        values = dict(serializer.validated_data)
        answering = "follow_up" in values
        answer = values.pop("follow_up", None)
        with transaction.atomic():
            # The answer to "did you get it checked?" is nothing the rules read: alone, it
            # does not assess the episode again.
            if values or not answering:
                services.update_episode(serializer.instance, values)
            if answering and answer is None:
                follow_up.clear_follow_up(serializer.instance)
            elif answering:
                follow_up.record_follow_up(serializer.instance, **answer)

    def perform_destroy(self, instance):
        services.delete_episode(instance)


# Profile --------------------------------------------------------------------------------


class ProfileSerializer(StrictFieldsMixin, serializers.Serializer):
    """Context that rarely changes. "" (or null for the year and the date) means "prefer not
    to say"; a PUT without a field sets it so."""

    year_of_birth = StrictIntegerField(required=False, allow_null=True, default=None)
    country = OptionalChoiceField(COUNTRY_CODES)
    menopause = OptionalChoiceField(triage.CHOICES["menopause"])
    contraception = OptionalChoiceField(values_of(CONTRACEPTION_CHOICES))
    anticoagulants = OptionalChoiceField(["yes", "no"])
    screening = OptionalChoiceField(values_of(SCREENING_CHOICES))
    screening_last_date = StrictDateField(required=False, allow_null=True, default=None)
    screening_last_result = OptionalChoiceField(values_of(SCREENING_RESULT_CHOICES))

    def validate_year_of_birth(self, year):
        return services.validate_year_of_birth(year)

    def validate_screening_last_date(self, date):
        return services.validate_screening_last_date(date)

    def validate(self, attrs):
        # The profile as a whole, also when a PATCH changes only part of it.
        result = {name: getattr(self.instance, name) for name in self.fields}
        result.update(attrs)
        services.validate_screening(
            result["screening"], result["screening_last_date"], result["screening_last_result"]
        )
        return attrs


@extend_schema_view(
    get=extend_schema(
        summary="Your profile", responses={200: ProfileSerializer, 403: NOT_SIGNED_IN}
    ),
    put=extend_schema(
        summary="Replace your profile (omitted fields become 'prefer not to say')",
        description="year_of_birth makes an age from 10 to 120 this year; "
        "screening_last_date is not in the future; screening never goes with no date and "
        "no result.",
        responses=with_body({200: ProfileSerializer, 403: NOT_SIGNED_IN}),
    ),
    patch=extend_schema(
        summary="Change some fields of your profile",
        description="The rules of a PUT hold for the profile as it will be, the answers not "
        "sent included.",
        responses=with_body({200: ProfileSerializer, 403: NOT_SIGNED_IN}),
    ),
)
class ProfileDetail(generics.RetrieveUpdateAPIView):
    serializer_class = ProfileSerializer

    def get_object(self):
        return services.get_or_create_profile(self.request.user)

    def perform_update(self, serializer):
        services.update_profile(serializer.instance, serializer.validated_data)


# Token ----------------------------------------------------------------------------------


class TokenRequestSerializer(AuthTokenSerializer):
    name = StrictCharField(
        max_length=DeviceToken._meta.get_field("name").max_length,
        required=False,
        allow_blank=True,
        help_text="What the person calls this device, shown on their account page.",
    )


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send as `Authorization: Token <token>`.")
    name = serializers.CharField()
    expiry = serializers.DateTimeField(help_text="After this the token no longer works.")


class TokenView(APIView):
    """A token for one device that is not the browser (POST), and its revocation (DELETE).

    Wrong credentials get one message that does not say whether the username or the password
    was wrong. Each token expires (settings.API_TOKEN_DAYS) and can be revoked from the
    account page; a new password revokes them all.
    """

    def get_authenticators(self):
        # POST takes no session: a signed-in browser asking for a token needs no CSRF dance,
        # and a token is only ever given for a correct username and password. DELETE takes
        # only the token it revokes. Any other method is a 405, whoever asks.
        if self._method() == "DELETE":
            return [DeviceTokenAuthentication()]
        return []

    def get_permissions(self):
        return [IsAuthenticated()] if self._method() == "DELETE" else [AllowAny()]

    def _method(self):
        # The schema generator may ask with no request at all.
        return getattr(self.request, "method", None)

    @extend_schema(
        summary="Exchange a username and password for an API token for one device",
        request=TokenRequestSerializer,
        parameters=[RETRY_AFTER],
        responses=with_body(
            {
                200: TokenSerializer,
                400: bad_request("Missing fields, or wrong username or password."),
                403: OpenApiResponse(
                    ErrorSerializer, description="Too many devices: revoke one first."
                ),
                429: OpenApiResponse(
                    ErrorSerializer,
                    description="Too many attempts that did not work: locked for a while.",
                ),
            }
        ),
        auth=[],
    )
    def post(self, request, *args, **kwargs):
        # The same lockout as the login form (diary/accounts/lockout.py, per account and per
        # client): the sign-in backend counts the attempt before the password is checked and
        # past the limit checks nothing; such a refusal is told as a lockout.
        try:
            return self.issue(request)
        except serializers.ValidationError:
            if not was_refused(request):
                raise
        minutes = lockout_minutes()
        detail = _("Too many attempts that did not work. Try again in {minutes} minutes.")
        return Response(
            {"detail": detail.format(minutes=minutes)},
            status=status.HTTP_429_TOO_MANY_REQUESTS,
            headers={"Retry-After": str(minutes * 60)},
        )

    def issue(self, request):
        serializer = TokenRequestSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        name = serializer.validated_data.get("name", "").strip() or _("Unnamed device")
        try:
            device_token, token = issue_token(user, name)
        except TooManyDevices:
            detail = _(
                "This account has too many devices signed in. Sign one out on your account "
                "page, then try again."
            )
            return Response({"detail": detail}, status=status.HTTP_403_FORBIDDEN)
        output = {"token": token, "name": device_token.name, "expiry": device_token.expiry}
        return Response(TokenSerializer(output).data)

    @extend_schema(
        summary="Revoke the token this request is signed with",
        request=None,
        responses={
            204: None,
            401: OpenApiResponse(
                ErrorSerializer, description="No token, or one that is wrong, expired or revoked."
            ),
        },
    )
    def delete(self, request, *args, **kwargs):
        revoke_token(request.user, request.auth.digest)
        return Response(status=status.HTTP_204_NO_CONTENT)


# Offline queue ---------------------------------------------------------------------------


class OfflineKeySerializer(serializers.Serializer):
    key_id = serializers.CharField(help_text="Send it with each sealed entry.")
    jwk = serializers.DictField(help_text="The P-256 public key as a JWK (kty, crv, x, y).")


class OfflineKeyView(APIView):
    """The public key the browser seals queued entries to (diary/offline_queue.py)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        summary="The public key that offline entries are sealed to",
        responses={200: OfflineKeySerializer},
        auth=[],
    )
    def get(self, request):
        return Response(offline_queue.public_key())


class CsrfSerializer(serializers.Serializer):
    csrf_token = serializers.CharField(help_text="Send as the X-CSRFToken header.")
    owner_tag = serializers.CharField(
        allow_null=True,
        help_text="Who is signed in, as the offline queue's opaque tag; null when no one is.",
    )


class CsrfView(APIView):
    """A fresh CSRF token (it changes when someone signs in), and whose entries may be sent
    now: the offline queue asks before it sends, since the page that queued an entry may be
    long gone."""

    permission_classes = [AllowAny]

    @extend_schema(
        summary="A fresh CSRF token, and the offline queue's tag of who is signed in",
        responses={
            200: CsrfSerializer,
            403: OpenApiResponse(
                ErrorSerializer,
                description="A token was sent, and it is wrong, expired or revoked.",
            ),
        },
    )
    def get(self, request):
        signed_in = request.user.is_authenticated
        return Response(
            {
                "csrf_token": get_token(request),
                "owner_tag": offline_queue.owner_tag(request.user) if signed_in else None,
            }
        )


class OfflineContextSerializer(serializers.Serializer):
    owner_tag = serializers.CharField()
    rules_version = serializers.CharField()
    context = serializers.DictField(
        help_text="The profile's answers in the rule table's terms and the count of episodes "
        "in the last 6 months with the first one's time: what the log form's offline "
        "evaluator needs, and nothing more."
    )


class OfflineContextView(APIView):
    """For the diary's pages to prepare the log form for a moment without a connection
    (the log form itself carries this in its markup)."""

    @extend_schema(
        summary="What the offline log form needs to know about you",
        responses={200: OfflineContextSerializer, 403: NOT_SIGNED_IN},
    )
    def get(self, request):
        return Response(offline_queue.page_data(request.user))


class SealedEntrySerializer(StrictFieldsMixin, serializers.Serializer):
    client_id = StrictUUIDField(help_text="The entry's client_id, as inside the sealed body.")
    key_id = StrictCharField(max_length=64, help_text="From GET /api/v1/offline-key/.")
    epk = StrictCharField(max_length=200, help_text="The ephemeral public key, base64url.")
    iv = StrictCharField(max_length=64, help_text="The AES-GCM nonce, base64url.")
    ciphertext = StrictCharField(max_length=100_000, help_text="The sealed entry, base64url.")


class ShownAssessmentSerializer(StrictFieldsMixin, serializers.Serializer):
    """What the offline evaluator showed: a level, the codes of its reasons, the version of
    the rule table it used."""

    level = StrictChoiceField(choices=triage.LEVELS)
    reasons = serializers.ListField(
        child=StrictChoiceField(choices=[]), allow_empty=False, max_length=50
    )
    rules_version = serializers.RegexField(r"^[0-9A-Za-z.\-]{1,20}$")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        codes = [rule["code"] for rule in triage.load_rules()["rules"]]
        self.fields["reasons"].child.choices = codes

    def validate_reasons(self, reasons):
        return list(dict.fromkeys(reasons))


# The log form's optional profile questions (diary.forms.BasicsForm), queued with an entry.
BASICS = ("year_of_birth", "menopause")


def _basics_errors(basics_form):
    return {name: [str(e) for e in errors] for name, errors in basics_form.errors.items()}


class SealedEpisodeView(APIView):
    """Log an episode that waited, sealed, in the browser's offline queue."""

    @extend_schema(
        summary="Log an episode from the offline queue, sealed to the offline key",
        request=SealedEntrySerializer,
        responses=with_body(
            {
                201: EpisodeSerializer,
                200: OpenApiResponse(
                    EpisodeSerializer,
                    description="An episode with this client_id exists already: the first one, "
                    "unchanged. The browser deletes the entry on 200 and 201.",
                ),
                400: bad_request(
                    "The envelope is malformed (each bad field named); or the entry "
                    'cannot be opened ({"code": "unreadable"}); or the episode does not '
                    'validate: {"code": "invalid", "errors": the errors POST /api/v1/episodes/ '
                    'gives, "basics_errors", "entry": the opened episode and basics}, so that '
                    "the person can correct their own entry."
                ),
                403: NOT_SIGNED_IN,
                409: OpenApiResponse(
                    ErrorSerializer,
                    description='{"code": "other_account"}: queued by another account; keep it.',
                ),
            }
        ),
    )
    def post(self, request):
        envelope = SealedEntrySerializer(data=request.data)
        envelope.is_valid(raise_exception=True)
        client_id = envelope.validated_data["client_id"]
        try:
            opened = offline_queue.open_entry(
                envelope.validated_data["key_id"],
                envelope.validated_data["epk"],
                envelope.validated_data["iv"],
                envelope.validated_data["ciphertext"],
                request.data["client_id"],
            )
        except offline_queue.Unreadable:
            detail = _("This entry could not be opened. It stays on your phone.")
            return Response({"code": "unreadable", "detail": detail}, status=400)
        if not offline_queue.is_owner(request.user, opened.get("owner_tag")):
            detail = _("This entry was saved by another account. Sign in to that one to send it.")
            return Response({"code": "other_account", "detail": detail}, status=409)
        existing = offline_queue.already_logged(request.user, client_id)
        if existing is not None:
            return Response(EpisodeSerializer(existing, context={"request": request}).data)
        return self.log(request, client_id, opened)

    def log(self, request, client_id, opened):
        body = opened.get("episode")
        body = dict(body) if isinstance(body, dict) else {}
        shown_data = body.pop("assessment_when_logged", None)
        serializer = EpisodeSerializer(data=body, context={"request": request})
        errors = {} if serializer.is_valid() else dict(serializer.errors)
        if serializer.is_valid() and serializer.validated_data.get("client_id") != client_id:
            errors["client_id"] = [_("This is not the client_id of the sealed entry.")]
        shown = None
        if shown_data is not None:
            shown_serializer = ShownAssessmentSerializer(data=shown_data)
            if shown_serializer.is_valid():
                shown = dict(shown_serializer.validated_data)
            else:
                errors["assessment_when_logged"] = [
                    _("This is not an assessment the rules could give. Save the entry again.")
                ]
        profile = services.get_or_create_profile(request.user)
        basics = opened.get("basics") if not profile.basics_offered else None
        basics_form = None
        if isinstance(basics, dict):
            basics_form = BasicsForm({f"basics-{k}": v for k, v in basics.items() if k in BASICS})
        if errors or (basics_form is not None and not basics_form.is_valid()):
            return Response(
                {
                    "code": "invalid",
                    "detail": _("Some answers need a change before this entry can be saved."),
                    "errors": errors,
                    "basics_errors": _basics_errors(basics_form) if basics_form else {},
                    "entry": {"episode": opened.get("episode"), "basics": basics},
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        values = dict(serializer.validated_data)
        values.pop("client_id", None)
        try:
            with transaction.atomic():  # the profile answers and the episode, or neither
                if basics_form is not None:
                    given = {
                        k: v for k, v in basics_form.cleaned_data.items() if v not in (None, "")
                    }
                    services.update_profile(profile, {**given, "basics_offered": True})
                episode, created = offline_queue.log_sealed_episode(
                    request.user, values, client_id, shown
                )
        except IntegrityError:
            # The same entry sent twice at once (a page and Background Sync): the other copy
            # was saved first. Read it outside the failed transaction, and answer as a retry.
            episode = Episode.objects.get(owner=request.user, client_id=client_id)
            created = False
        return Response(
            EpisodeSerializer(episode, context={"request": request}).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )
