"""The public triage API (docs/triage-api.md) and the rule table as JSON.

Nothing here is stored or logged: the answers live only for the length of the request.
"""

from functools import lru_cache

from django.conf import settings
from django.utils.translation import get_language, gettext, gettext_lazy, override
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from knowledge import triage
from knowledge.care import country_from_request, present
from pcb_site.api_fields import (
    StrictBooleanField,
    StrictChoiceField,
    StrictFieldsMixin,
    StrictIntegerField,
)
from pcb_site.api_parsers import DepthLimitedJSONParser
from pcb_site.api_schema import RETRY_AFTER, TOO_LARGE, TOO_MANY, bad_request
from pcb_site.rate_limits import ClientRateThrottle

# The languages the site offers (pcb_site/language.py switches between them).
LANGUAGE_CODES = frozenset(code for code, _name in settings.LANGUAGES)


class SymptomsField(serializers.ListField):
    default_error_messages = {
        "not_a_list": gettext_lazy("Must be a list of symptoms."),
        "duplicates": gettext_lazy("Each symptom may be listed only once."),
    }

    def __init__(self, **kwargs):
        super().__init__(child=StrictChoiceField(choices=triage.CHOICES["symptoms"]), **kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, list):
            self.fail("not_a_list", input_type=type(data).__name__)
        values = super().to_internal_value(data)
        if len(set(values)) != len(values):
            self.fail("duplicates")
        return values


def _choice(field, default):
    return StrictChoiceField(choices=triage.CHOICES[field], required=False, default=default)


class TriageInputSerializer(StrictFieldsMixin, serializers.Serializer):
    """Exactly the fields of the contract; anything else is refused, never ignored."""

    age = StrictIntegerField(min_value=10, max_value=120)
    amount = StrictChoiceField(choices=triage.CHOICES["amount"])
    clots = _choice("clots", "none")
    still_bleeding = StrictBooleanField(required=False, default=False)
    pain_during_sex = _choice("pain_during_sex", "none")
    pain_after = _choice("pain_after", "none")
    faint = StrictBooleanField(required=False, default=False)
    pregnancy = _choice("pregnancy", "no")
    menopause = _choice("menopause", "no")
    symptoms = SymptomsField(required=False, default=list)
    recent_procedure = _choice("recent_procedure", "none")
    anticoagulants = StrictBooleanField(required=False, default=False)
    cervical_screening = _choice("cervical_screening", "unknown")
    first_intercourse = StrictBooleanField(required=False, default=False)
    partner_blood = StrictBooleanField(required=False, default=False)
    non_consensual = StrictBooleanField(required=False, default=False)
    previous_episodes_6_months = StrictIntegerField(
        min_value=0, max_value=1000, required=False, default=0
    )
    first_episode_days_ago = StrictIntegerField(
        min_value=0, max_value=36500, required=False, default=0
    )


class ReasonSerializer(serializers.Serializer):
    code = serializers.CharField()
    level = serializers.ChoiceField(choices=triage.LEVELS)
    message = serializers.CharField()
    source = serializers.CharField()


class TriageResultSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=triage.LEVELS)
    reasons = ReasonSerializer(many=True)
    advice = serializers.CharField()
    emergency_number = serializers.CharField()
    pages = serializers.ListField(child=serializers.CharField())
    rules_version = serializers.CharField()


def triage_answer(shown):
    """The answer as TriageResultSerializer describes it (for the schema), built directly:
    running the serializer to copy six keys was a sixth of the request (issue 17).
    tests/test_triage_api.py holds the two to each other."""
    return {
        "level": shown["level"],
        "reasons": [
            {key: str(reason[key]) for key in ("code", "level", "message", "source")}
            for reason in shown["reasons"]
        ],
        "advice": str(shown["advice"]),
        "emergency_number": str(shown["emergency_number"]),
        "pages": [str(page) for page in shown["pages"]],
        "rules_version": str(shown["rules_version"]),
    }


class AnyContentAsJSONParser(DepthLimitedJSONParser):
    """The contract is JSON in: a body sent without the JSON content type is still read as
    JSON, so that a mistake there gets a 400 naming the problem rather than a bare 415."""

    media_type = "*/*"


class SessionWithoutCSRF(SessionAuthentication):
    """Reads who is signed in only to default to their saved country. The triage answer
    changes nothing and stores nothing, so a cross-site request gains nothing: no CSRF."""

    def enforce_csrf(self, request):
        return None


class TriageView(APIView):
    authentication_classes = [SessionWithoutCSRF]
    permission_classes = [AllowAny]
    parser_classes = [DepthLimitedJSONParser, AnyContentAsJSONParser]
    # TRIAGE_RATE_LIMIT per client, counted atomically (pcb_site/rate_limits.py).
    throttle_classes = [ClientRateThrottle]
    throttle_scope = "triage"

    @extend_schema(
        summary="How urgently to seek care for one episode of bleeding after sex",
        description="A body sent with another content type is read as JSON all the same.",
        # JSON whatever the content type says (AnyContentAsJSONParser): only JSON is read.
        request={"application/json": TriageInputSerializer},
        parameters=[
            OpenApiParameter(
                "country",
                str,
                description="ISO 3166-1 alpha-2 code for the emergency number (default 112).",
            ),
            RETRY_AFTER,
        ],
        responses={
            200: TriageResultSerializer,
            # Any content type is read as JSON (AnyContentAsJSONParser): never a 415.
            400: bad_request(
                "Bad input: unknown fields, wrong types, values out of range and JSON that "
                "does not parse, each bad field with what is allowed."
            ),
            413: TOO_LARGE,
            429: TOO_MANY,
        },
        auth=[],
    )
    def post(self, request):
        serializer = TriageInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = triage.evaluate(serializer.validated_data)
        shown = present(result, country_from_request(request))
        return Response(triage_answer(shown))


class RulesView(APIView):
    """The whole rule table, for the browser's offline evaluator and for anyone to review."""

    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(
        summary="The red-flag rule table (levels, rules, conditions, sources)",
        description="What a person reads (the levels' words, the rules' messages) is in the "
        "language asked for, else in the request's (Accept-Language). Codes, levels and "
        "conditions are the same in every language.",
        parameters=[
            OpenApiParameter(
                "language",
                str,
                enum=sorted(LANGUAGE_CODES),
                description="The language of the texts.",
            )
        ],
        responses={
            200: inline_serializer(
                "RuleTable",
                {
                    "version": serializers.CharField(),
                    "language": serializers.ChoiceField(choices=sorted(LANGUAGE_CODES)),
                    "levels": serializers.DictField(),
                    "rules": serializers.ListField(child=serializers.DictField()),
                },
            ),
            400: bad_request("A language that is not offered."),
        },
        auth=[],
    )
    def get(self, request):
        language = request.query_params.get("language", get_language())
        if language not in LANGUAGE_CODES:
            allowed = ", ".join(sorted(LANGUAGE_CODES))
            message = gettext("Use one of: %(allowed)s.") % {"allowed": allowed}
            return Response({"language": [message]}, status=400)
        return Response(triage_table_in(language))


@lru_cache(maxsize=len(settings.LANGUAGES))
def triage_table_in(language):
    """The rule table with what a person reads in `language`, as knowledge/care.py shows it
    on the server: the offline self-check (static/js/offline-check.js) reads the same words.
    Worked out once per language and process: a deploy starts new processes."""
    with override(language):
        table = triage.with_texts(gettext)
    return {"version": table["version"], "language": language, **table}
