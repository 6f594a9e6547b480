"""Reading an export back: the file's bytes to JSON, the whole document checked before
anything is written, with the same fields and validators as the episodes and profile API,
and the upload form. The write itself is diary.services.import_diary.

Every mistake is collected under a key that says where it is ("profile.year_of_birth",
"episodes[2].amount", episodes counted from 0 as in the JSON), so that a person or an app can
find it; nothing is imported unless the whole document is right.
"""

import json
from typing import Any

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from rest_framework import serializers

from diary import assessment, services
from diary.api import EpisodeSerializer, FollowUpSerializer, ProfileSerializer
from diary.models import Profile
from diary.your_data.export import FORMAT, VERSION
from knowledge import triage
from pcb_site.api_fields import (
    OffsetDateTimeField,
    StrictBooleanField,
    StrictChoiceField,
    StrictFieldsMixin,
    StrictIntegerField,
    StrictUUIDField,
)

# The API reads no body larger than this (a JSON 413), so the upload form takes no larger
# file either: what one entry point takes, the other does. About 1,500 episodes.
MAX_BYTES = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
TOP_LEVEL = ("format", "version", "exported_at", "profile", "episodes")
# Read from the document but never imported: the new diary gives its own.
EPISODE_IGNORED = ("id", "created_at", "updated_at")


class InvalidDocument(Exception):
    """What is wrong with a document: {where: [messages]}."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(errors)
        self.errors = errors


def too_large_message() -> str:
    return _("This file is too large: at most %(size)s can be imported.") % {
        "size": filesizeformat(MAX_BYTES)
    }


def read(raw: bytes) -> Any:
    """The file's JSON, or InvalidDocument saying what the file seems to be instead."""
    if len(raw) > MAX_BYTES:
        raise InvalidDocument({"file": [too_large_message()]})
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidDocument(
            {"file": [_("This is not a diary export: it is not a text file.")]}
        ) from None
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        pass
    first_line = text.lstrip().split("\n", 1)[0]
    if "," in first_line and not first_line.startswith(("{", "[")):
        message = _(
            "This looks like a spreadsheet (CSV) file. Only the JSON export can be imported: "
            "its name ends in .json."
        )
    else:
        message = _("This file is damaged or is not a diary export: it could not be read as JSON.")
    raise InvalidDocument({"file": [message]})


# The parts of a document the episodes API does not take ---------------------------------

CODE = r"^[A-Za-z0-9_.\-]{1,64}$"
RULES_VERSION = r"^[0-9A-Za-z.\-]{1,20}$"
FACTS = list(assessment.ALTERNATIVES)


class AssumptionsSerializer(StrictFieldsMixin, serializers.Serializer):
    reasons = serializers.DictField(
        child=serializers.ListField(child=StrictChoiceField(choices=FACTS), max_length=10)
    )
    refine = serializers.ListField(child=StrictChoiceField(choices=FACTS), max_length=10)
    unknown = serializers.ListField(child=StrictChoiceField(choices=FACTS), max_length=10)


class StoredAssessmentSerializer(StrictFieldsMixin, serializers.Serializer):
    """An assessment as an episode stores it. Codes are not checked against today's rule
    table: an old export may hold a code a later table dropped (the pages leave it out)."""

    level = StrictChoiceField(choices=triage.LEVELS)
    reasons = serializers.ListField(child=serializers.RegexField(CODE), max_length=50)
    rules_version = serializers.RegexField(RULES_VERSION)


class CurrentAssessmentSerializer(StoredAssessmentSerializer):
    assumptions = AssumptionsSerializer(allow_null=True, required=False, default=None)


class WhenLoggedSerializer(StoredAssessmentSerializer):
    # A self-check saved to the diary: the diary does not go below it (services.log_episode).
    floor = StrictBooleanField(required=False)


class ImportedFollowUpSerializer(FollowUpSerializer):
    answered_at = OffsetDateTimeField()

    def validate_answered_at(self, moment):
        # An answer from the future would keep "ask again" beyond any date the diary can
        # count to (diary.follow_up); a person's own export never holds one.
        if moment > timezone.now() + services.CLOCK_SKEW:
            raise serializers.ValidationError(_("This is in the future."))
        return moment


class ImportedEpisodeSerializer(EpisodeSerializer):
    """The episodes API's fields and validators; an episode's date is checked against the
    year of birth the diary will have after the import."""

    def validate_occurred_at(self, moment):
        return services.validate_occurred_at(moment, self.context["year_of_birth"])


class ImportedProfileSerializer(ProfileSerializer):
    basics_offered = StrictBooleanField(required=False, default=False)


class ImportedEpisodeDocument(ImportedEpisodeSerializer):
    """Only the schema's (POST /api/v1/import/): one episode of an export as _episode reads
    it. The episode API's fields, the client_id every episode of an export has, the two
    assessments it carries, its follow_up answer with the moment it was given, and id,
    created_at and updated_at, which are read and left: the diary gives its own."""

    id = serializers.JSONField(required=False, help_text="Read and left.")
    created_at = serializers.JSONField(required=False, help_text="Read and left.")
    updated_at = serializers.JSONField(required=False, help_text="Read and left.")
    client_id = StrictUUIDField(help_text="No two episodes of one file share one.")
    assessment = CurrentAssessmentSerializer()
    assessment_when_logged = WhenLoggedSerializer()
    follow_up = ImportedFollowUpSerializer(required=False, allow_null=True)


class ImportDocumentSerializer(StrictFieldsMixin, serializers.Serializer):
    """Only the schema's (POST /api/v1/import/): the document GET /api/v1/export/ makes, as
    validate() reads it. What a schema cannot say is checked too: each episode's moment is
    not in the future, not before 1900 and not before the year of birth the diary will have
    (the account's, or this file's profile when the account's is empty)."""

    format = StrictChoiceField(choices=[FORMAT])
    version = StrictIntegerField(min_value=1, max_value=VERSION)
    exported_at = serializers.JSONField(required=False, help_text="Read and left.")
    profile = ImportedProfileSerializer()
    episodes = serializers.ListField(child=ImportedEpisodeDocument())


def _messages(errors: Any) -> list[str]:
    if isinstance(errors, dict):
        return [message for value in errors.values() for message in _messages(value)]
    if isinstance(errors, list):
        return [message for value in errors for message in _messages(value)]
    return [str(errors)]


def _collect(errors: dict, prefix: str, found: dict[str, list[str]]) -> None:
    """DRF's nested errors, flattened to {"prefix.field": [messages]}."""
    for field, value in errors.items():
        key = prefix if field == "non_field_errors" else f"{prefix}.{field}"
        if isinstance(value, dict) and not any(k == "non_field_errors" for k in value):
            _collect(value, key, found)
        else:
            found.setdefault(key, []).extend(_messages(value))


def _check(serializer: serializers.Serializer, prefix: str, found: dict) -> dict | None:
    if serializer.is_valid():
        return dict(serializer.validated_data)
    _collect(serializer.errors, prefix, found)
    return None


def validate(document: Any, owner: Any) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The profile values and the episodes, as services.import_diary takes them, or
    InvalidDocument with every mistake found. A foreign document (another format, a later
    version) is refused on that alone, without a list of everything else it lacks."""
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise InvalidDocument({"format": [_("This is not a diary export from this app.")]})
    version = document.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise InvalidDocument({"version": [_("The file does not say which version it is.")]})
    if version > VERSION:
        raise InvalidDocument(
            {
                "version": [
                    _(
                        "This file was made by a newer version of the app (format version "
                        "%(version)s). This one reads version %(known)s."
                    )
                    % {"version": version, "known": VERSION}
                ]
            }
        )
    found: dict[str, list[str]] = {}
    for key in sorted(set(document) - set(TOP_LEVEL)):
        found[str(key)[:50]] = [_("Unknown field.")]

    account = services.get_or_create_profile(owner)
    profile_values = {}
    if isinstance(document.get("profile"), dict):
        checked = _check(
            ImportedProfileSerializer(instance=Profile(), data=document["profile"]),
            "profile",
            found,
        )
        profile_values = checked or {}
    else:
        found["profile"] = [_("The profile is missing.")]
    if services.profile_has_answers(account):
        year_of_birth = account.year_of_birth  # the account's profile stands
    else:
        year_of_birth = profile_values.get("year_of_birth")

    items = document.get("episodes")
    if not isinstance(items, list):
        found["episodes"] = [_("The list of episodes is missing.")]
        items = []
    episodes, seen = [], set()
    for index, item in enumerate(items):
        prefix = f"episodes[{index}]"
        episode = _episode(item, prefix, year_of_birth, found)
        if episode is None:
            continue
        if episode["client_id"] in seen:
            found.setdefault(f"{prefix}.client_id", []).append(
                _("Another episode in this file has the same client_id.")
            )
        seen.add(episode["client_id"])
        episodes.append(episode)
    if found:
        raise InvalidDocument(found)
    return profile_values, episodes


def _episode(item: Any, prefix: str, year_of_birth: int | None, found: dict) -> dict | None:
    if not isinstance(item, dict):
        found[prefix] = [_("Each episode must be an object.")]
        return None
    body = {k: v for k, v in item.items() if k not in EPISODE_IGNORED}
    current = body.pop("assessment", None)
    when_logged = body.pop("assessment_when_logged", None)
    answer = body.pop("follow_up", None)
    if not body.get("client_id"):
        found[f"{prefix}.client_id"] = [_("Every episode in an export has a client_id.")]
    values = _check(
        ImportedEpisodeSerializer(data=body, context={"year_of_birth": year_of_birth}),
        prefix,
        found,
    )
    current = _check(CurrentAssessmentSerializer(data=current), f"{prefix}.assessment", found)
    when_logged = _check(
        WhenLoggedSerializer(data=when_logged), f"{prefix}.assessment_when_logged", found
    )
    if answer is not None:
        answer = _check(ImportedFollowUpSerializer(data=answer), f"{prefix}.follow_up", found)
        if answer is not None:
            answer = {
                "status": answer["status"],
                "booked_for": answer["booked_for"].isoformat() if answer["booked_for"] else None,
                "finding": answer["finding"],
                "answered_at": answer["answered_at"].isoformat(),
            }
    if values is None or current is None or when_logged is None or not values.get("client_id"):
        return None
    client_id = values.pop("client_id")
    return {
        "client_id": client_id,
        "values": values,
        "assessment": current,
        "assessment_when_logged": when_logged,
        "follow_up": answer,
    }


def error_lines(errors: dict[str, list[str]], limit: int = 20) -> list[str]:
    """The errors as lines a person can read: "Episode 3, amount: ..." (counted from 1)."""
    lines = []
    for where, messages in errors.items():
        label = where
        number, _sep, field = where.removeprefix("episodes[").partition("]")
        # A file's own unknown key may look like ours ("episodes["): only ours have a number.
        if where.startswith("episodes[") and number.isdigit():
            label = _("Episode %(number)s") % {"number": int(number) + 1}
            if field:
                label += ", " + field.lstrip(".")
        elif where.startswith("profile."):
            label = _("Profile, %(field)s") % {"field": where[len("profile.") :]}
        for message in messages:
            lines.append(
                message if where in ("file", "format", "version") else f"{label}: {message}"
            )
    if len(lines) > limit:
        more = len(lines) - limit
        lines = [*lines[:limit], _("…and %(count)s more.") % {"count": more}]
    return lines


def summary(outcome: dict[str, Any]) -> str:
    """What an import did, in a sentence or three."""
    parts = [
        ngettext(
            "%(count)s episode was added to your diary.",
            "%(count)s episodes were added to your diary.",
            outcome["created"],
        )
        % {"count": outcome["created"]}
    ]
    if outcome["skipped"]:
        parts.append(
            ngettext(
                "%(count)s was already in it and was left as it was.",
                "%(count)s were already in it and were left as they were.",
                outcome["skipped"],
            )
            % {"count": outcome["skipped"]}
        )
    if outcome["profile"] == "filled":
        parts.append(_("Your profile was filled in from the file."))
    elif outcome["profile"] == "kept":
        parts.append(
            _(
                "Your profile already had answers, so it was kept as it is, not replaced by "
                "the file's."
            )
        )
    return " ".join(parts)


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Diary file to import"),
        help_text=gettext_lazy(
            "The .json file from “Download your diary”, from this app on any server."
        ),
        error_messages={"required": gettext_lazy("Choose the file to import.")},
        widget=forms.FileInput(attrs={"accept": ".json,application/json"}),
    )

    def __init__(self, *args: Any, owner: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.owner = owner

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        upload = cleaned.get("file")
        if upload is None:
            return cleaned
        try:
            if upload.size > MAX_BYTES:
                raise InvalidDocument({"file": [too_large_message()]})
            document = read(upload.read())
            cleaned["profile"], cleaned["episodes"] = validate(document, self.owner)
        except InvalidDocument as invalid:
            for line in error_lines(invalid.errors):
                self.add_error("file", line)
        return cleaned
