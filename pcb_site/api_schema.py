"""What the API schema (/api/v1/schema/) says beyond what drf-spectacular reads on its own.

The API is strict, and the schema says how: a request naming a field the serializer does not
know is refused (additionalProperties: false), the rules between fields are written out
where OpenAPI can say them (anyOf, oneOf, enums) and in the descriptions where it cannot,
and every error the API answers is declared with its body. A client can rely on it, and
tests/test_api_fuzzing.py holds the API to it with schemathesis.

The extensions register themselves when this module is imported: every API module imports
its error bodies from here, so they are in place before the schema is made.
"""

import inspect

from django.utils import timezone
from drf_spectacular.extensions import (
    OpenApiSerializerExtension,
    OpenApiSerializerFieldExtension,
)
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers

# Bodies of the errors ---------------------------------------------------------------------


class ErrorSerializer(serializers.Serializer):
    """DRF's own error body: not signed in, not found, too large, too many requests…"""

    detail = serializers.CharField(help_text="What is wrong, in a sentence for a person.")


class FieldErrorsSerializer(serializers.Serializer):
    """Each bad field with what is allowed: {"amount": ["…"], "follow_up": {"status": ["…"]}};
    a body that is not JSON, or is nested too deeply, gets {"detail": "…"} instead."""


class FieldErrorsExtension(OpenApiSerializerExtension):
    target_class = FieldErrorsSerializer

    def map_serializer(self, auto_schema, direction):
        messages = {"type": "array", "items": {"type": "string"}}
        return {
            "type": "object",
            "description": inspect.cleandoc(FieldErrorsSerializer.__doc__ or ""),
            "minProperties": 1,
            "additionalProperties": {"anyOf": [messages, {"type": "object"}, {"type": "string"}]},
        }


RETRY_AFTER = OpenApiParameter(
    "Retry-After",
    int,
    OpenApiParameter.HEADER,
    response=[429],
    description="Seconds until the next request can be answered.",
)


def bad_request(description="Bad input: each bad field with what is allowed."):
    return OpenApiResponse(FieldErrorsSerializer, description=description)


NOT_SIGNED_IN = OpenApiResponse(
    ErrorSerializer,
    description="Not signed in, a token that is wrong, expired or revoked, or a session "
    "request without its CSRF token.",
)
NO_SUCH_EPISODE = {
    (404, "application/json"): OpenApiResponse(
        ErrorSerializer,
        description="No such episode among your own. An id that is not a UUID is no address "
        "of the API at all, and the site's 404 page (HTML) answers.",
    ),
    (404, "text/html"): OpenApiResponse(str),
}
TOO_LARGE = OpenApiResponse(
    ErrorSerializer,
    description="The body is larger than the server reads (DATA_UPLOAD_MAX_MEMORY_SIZE).",
)
NOT_JSON = OpenApiResponse(
    ErrorSerializer, description="The body was not sent as application/json."
)
TOO_MANY = OpenApiResponse(ErrorSerializer, description="Too many requests: see Retry-After.")


def with_body(responses):
    """The answers of an operation that reads a JSON body: its own, and those any body can
    get (400 for JSON that does not parse, 413, 415)."""
    return {400: bad_request(), 413: TOO_LARGE, 415: NOT_JSON, **responses}


# Requests: unknown fields and the rules between fields ------------------------------------


def strict_object(auto_schema, serializer, direction):
    """The serializer's object; in a request, closed to fields it does not know, as
    pcb_site.api_fields.StrictFieldsMixin refuses them."""
    schema = auto_schema._map_basic_serializer(serializer, direction)
    if direction == "request":
        schema["additionalProperties"] = False
    return schema


class StrictFieldsExtension(OpenApiSerializerExtension):
    target_class = "pcb_site.api_fields.StrictFieldsMixin"
    match_subclasses = True

    def map_serializer(self, auto_schema, direction):
        return strict_object(auto_schema, self.target, direction)


def _one_of(*values):
    # Inside allOf, where drf-spectacular's enum hook, which makes a named component of
    # every enum it finds on a property, leaves these few-value rules alone.
    return {"allOf": [{"enum": list(values)}]}


def _absent_or(name, *values):
    """Holds when the object has no `name`, or has one of `values` there."""
    return {"properties": {name: _one_of(*values)}}


class EpisodeExtension(OpenApiSerializerExtension):
    """An episode still bleeding has no duration yet (the web form asks one question for
    both). In a PATCH the rule holds for the episode as it will be, stored fields included,
    which no schema of the request alone can say."""

    target_class = "diary.api.EpisodeSerializer"
    match_subclasses = True
    priority = 1

    def map_serializer(self, auto_schema, direction):
        schema = strict_object(auto_schema, self.target, direction)
        if direction == "request":
            schema["anyOf"] = [
                _absent_or("still_bleeding", False),
                _absent_or("duration", ""),
            ]
        return schema


class FollowUpExtension(OpenApiSerializerExtension):
    """An answer is one of three shapes: a date goes only with booked, a finding only with
    seen (diary.follow_up.validate_answer)."""

    target_class = "diary.api.FollowUpSerializer"
    match_subclasses = True
    priority = 1

    def map_serializer(self, auto_schema, direction):
        schema = strict_object(auto_schema, self.target, direction)
        if direction != "request":
            return schema
        description = schema.pop("description", "")
        # What the server sets is no part of a request (drf-spectacular drops it only from
        # a component's own properties, and these are the shapes' properties).
        fields = {
            name: field for name, field in schema["properties"].items() if not field.get("readOnly")
        }
        schema["required"] = [name for name in schema.get("required", []) if name in fields]
        nothing = _one_of(None)

        def shape(status, booked_for, finding):
            properties = {"status": _one_of(status), "booked_for": booked_for, "finding": finding}
            return {**schema, "properties": {**fields, **properties}}

        return {
            "description": description,
            "oneOf": [
                shape("not_yet", nothing, nothing),
                shape("booked", fields["booked_for"], nothing),
                shape("seen", nothing, fields["finding"]),
            ],
        }


class SymptomsExtension(OpenApiSerializerFieldExtension):
    """Each symptom at most once (knowledge.api.SymptomsField)."""

    target_class = "knowledge.api.SymptomsField"

    def map_serializer_field(self, auto_schema, direction):
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        schema["uniqueItems"] = True
        return schema


class ProfileExtension(OpenApiSerializerExtension):
    """ "never" screened goes with no date and no result. A year of birth makes an age
    from 10 to 120 this year; in a PATCH the screening rule holds for the profile as it
    will be, stored answers included."""

    target_class = "diary.api.ProfileSerializer"
    match_subclasses = True
    priority = 1

    def map_serializer(self, auto_schema, direction):
        schema = strict_object(auto_schema, self.target, direction)
        if direction != "request":
            return schema
        # Worked out when the schema is served, as diary.services.validate_year_of_birth
        # works it out when a year is sent.
        this_year = timezone.now().year
        year = schema["properties"]["year_of_birth"]
        year["minimum"], year["maximum"] = this_year - 120, this_year - 10
        choices = self.target.fields["screening"].choices
        schema["anyOf"] = [
            _absent_or("screening", "", *(value for value in choices if value != "never")),
            {
                "properties": {
                    "screening_last_date": _one_of(None),
                    "screening_last_result": _one_of(""),
                }
            },
        ]
        return schema
