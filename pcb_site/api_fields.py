"""Strict DRF fields shared by the triage API and the diary API.

DRF is lenient by default ("yes" is true, "12" is 12, 12 becomes "12"). A health API must
not guess: a value of the wrong type is a 400 naming the field, never a silent conversion.
"""

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers
from rest_framework.fields import empty


class StrictBooleanField(serializers.BooleanField):
    """true or false only: DRF would also take "yes", "1" and 1, which the contract forbids."""

    default_error_messages = {"invalid": gettext_lazy("Must be true or false.")}

    def to_internal_value(self, data):
        if isinstance(data, bool):
            return data
        self.fail("invalid")


class StrictIntegerField(serializers.IntegerField):
    """A JSON integer only: not "12", not 12.0, not true."""

    default_error_messages = {"invalid": gettext_lazy("Must be a whole number.")}

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictChoiceField(serializers.ChoiceField):
    """One of the listed strings, and the error says which ones are allowed."""

    default_error_messages = {
        "invalid_choice": gettext_lazy('"{input}" is not allowed. Use one of: {allowed}.'),
        "invalid": gettext_lazy("Must be text, one of: {allowed}."),
    }

    def to_internal_value(self, data):
        allowed = ", ".join(self.choices)
        if not isinstance(data, str):
            self.fail("invalid", allowed=allowed)
        if data not in self.choices:
            self.fail("invalid_choice", input=data[:50], allowed=allowed)
        return data


class OptionalChoiceField(StrictChoiceField):
    """One of the choices, or "" for "not given" / "prefer not to say". With allow_null, null
    is read as "" too: the models store no nulls for these."""

    def __init__(self, choices, allow_null=False, **kwargs):
        super().__init__(
            choices=choices,
            allow_blank=True,
            allow_null=allow_null,
            required=False,
            default="",
            **kwargs,
        )

    def run_validation(self, data=empty):
        value = super().run_validation(data)
        return "" if value is None else value

    def to_internal_value(self, data):
        if data == "":
            return ""
        return super().to_internal_value(data)


class StrictCharField(serializers.CharField):
    """Text only: DRF would turn 12 into "12"."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictUUIDField(serializers.UUIDField):
    """A UUID written as text: DRF would also take a (huge) integer."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid", value=str(data)[:50])
        return super().to_internal_value(data)


class StrictDateField(serializers.DateField):
    """An ISO 8601 date as text, for example 2024-05-01."""

    def to_internal_value(self, value):
        if not isinstance(value, str):
            self.fail("invalid", format="YYYY-MM-DD")
        return super().to_internal_value(value)


class OffsetDateTimeField(serializers.DateTimeField):
    """An ISO 8601 date and time with its UTC offset. Without the offset a phone and the
    server could disagree by hours about when something happened, so it is required."""

    default_error_messages = {
        "invalid": gettext_lazy(
            "Enter a date and time in ISO 8601 with its offset, "
            "for example 2026-03-14T22:30:00+01:00."
        ),
        "offset": gettext_lazy(
            "Include the UTC offset, for example 2026-03-14T22:30:00+01:00 or ...Z."
        ),
    }

    def to_internal_value(self, value):
        if not isinstance(value, str):
            self.fail("invalid")
        try:
            parsed = parse_datetime(value.strip())
        except ValueError:
            parsed = None
        if parsed is None:
            self.fail("invalid")
        if timezone.is_naive(parsed):
            self.fail("offset")
        return self.enforce_timezone(parsed)


class StrictFieldsMixin:
    """Refuse fields the serializer does not know, naming them, as the triage API does: a
    misspelt `non_consensual` silently ignored could change the advice. Read-only fields are
    known, so a client may send back what it read."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(str(name) for name in set(data) - set(self.fields))
            if unknown:
                allowed = ", ".join(name for name, f in self.fields.items() if not f.read_only)
                message = _("Unknown field. Allowed fields: {allowed}.").format(allowed=allowed)
                raise serializers.ValidationError({name[:50]: [message] for name in unknown})
        return super().to_internal_value(data)
