"""Follow-up until seen: "Did you get it checked?", asked after advice to get checked.

An episode's `follow_up` (encrypted at rest like every diary field) is null until the
person answers, then {"status", "booked_for", "finding", "answered_at"}. Advice of `soon`
or more urgent stays open on the diary home until they answer: "booked" and "seen" close
it; "not yet" closes it for the advice's own time frame, after which it is asked again.
Each episode has its own follow-up, so being seen for one never closes a later one: a new
red flag after "seen, nothing found" is open advice like any other.

Here are the words people choose from, the one validator the web form and the API share,
the writes, and the form.
"""

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from diary.models import Episode
from pcb_site.forms import radio_field

STATUS_CHOICES = [
    ("not_yet", _("Not yet")),
    ("booked", _("Not yet, but it is booked")),
    ("seen", _("Yes, I have been seen")),
]
FINDING_CHOICES = [
    ("nothing_found", _("Nothing was found")),
    ("infection_treated", _("An infection, now treated")),
    ("ectropion_or_polyp", _("Cervical ectropion or a polyp")),
    ("referred", _("I was referred for more tests")),
    ("other", _("Something else")),
    ("prefer_not_to_say", _("I prefer not to say")),
]
STATUSES = [value for value, _label in STATUS_CHOICES]
FINDINGS = [value for value, _label in FINDING_CHOICES]
# The short outcome shown beside an episode. "Prefer not to say" shows no finding at all.
SEEN_OUTCOMES = {
    "nothing_found": _("Seen: nothing found"),
    "infection_treated": _("Seen: infection treated"),
    "ectropion_or_polyp": _("Seen: ectropion or polyp"),
    "referred": _("Seen: referred for more tests"),
    "other": _("Seen: something else found"),
}

# How long "not yet" closes the advice: the advice's own time frame (knowledge/rules.yaml:
# emergency "now" and urgent "today" are asked again the next day; soon, "within 2 weeks",
# after 14 days). Routine and self-care advice can record an outcome, but is never open.
ASK_AGAIN = {
    "emergency": datetime.timedelta(days=1),
    "urgent": datetime.timedelta(days=1),
    "soon": datetime.timedelta(days=14),
}
OPEN_LEVELS = tuple(ASK_AGAIN)

Answer = dict[str, Any]


def validate_answer(
    status: str | None, booked_for: datetime.date | None = None, finding: str | None = None
) -> None:
    """The answer as a whole, for the web form and the API alike. Raises Django's
    ValidationError naming the field (DRF turns it into a 400). Any date is a fine booking
    date, a past one included (people often answer late), but it must be a date."""
    errors = {}
    if status not in STATUSES:
        errors["status"] = _("Choose one: not yet, booked or seen.")
    if booked_for is not None:
        if not isinstance(booked_for, datetime.date) or isinstance(booked_for, datetime.datetime):
            errors["booked_for"] = _("Enter a date, for example 2026-12-03.")
        elif status != "booked":
            errors["booked_for"] = _("A date goes only with 'booked'.")
    if finding is not None:
        if finding not in FINDINGS:
            errors["finding"] = _("Choose one of the findings listed.")
        elif status != "seen":
            errors["finding"] = _("What was found goes only with 'seen'.")
    if errors:
        raise ValidationError(errors)


def record_follow_up(
    episode: Episode,
    status: str,
    booked_for: datetime.date | None = None,
    finding: str | None = None,
    now: datetime.datetime | None = None,
) -> Episode:
    """Save the person's answer, replacing any earlier one. Only the follow-up is written:
    answering changes nothing the rules read, so the episode is not assessed again."""
    validate_answer(status, booked_for, finding)
    episode.follow_up = {
        "status": status,
        "booked_for": booked_for.isoformat() if booked_for else None,
        "finding": finding,
        "answered_at": (now or timezone.now()).isoformat(),
    }
    episode.save(update_fields=["follow_up", "updated_at"])
    return episode


def clear_follow_up(episode: Episode) -> Episode:
    """Back to "not answered" (the API's null): open again if the advice is."""
    episode.follow_up = None
    episode.save(update_fields=["follow_up", "updated_at"])
    return episode


def answered_at(episode: Episode) -> datetime.datetime | None:
    answer = episode.follow_up
    return parse_datetime(answer["answered_at"]) if answer else None


def ask_again_at(episode: Episode) -> datetime.datetime | None:
    """When "not yet" stops closing the advice; None for any other answer, no answer, or
    advice that is not followed up (routine, self-care)."""
    answer, wait = episode.follow_up, ASK_AGAIN.get(episode.assessment_level)
    if not answer or answer["status"] != "not_yet" or wait is None:
        return None
    moment = answered_at(episode)
    return moment + wait if moment else None


def is_open(episode: Episode, now: datetime.datetime | None = None) -> bool:
    """Whether the diary home should ask "Did you get it checked?" about this episode."""
    if episode.assessment_level not in OPEN_LEVELS:
        return False
    if episode.follow_up is None:
        return True
    again = ask_again_at(episode)
    return again is not None and (now or timezone.now()) >= again


def outcome(answer: Answer | None) -> str:
    """A short text for an answer: "Not yet", "Booked for 3 Dec", "Seen: nothing found"."""
    if not answer:
        return ""
    if answer["status"] == "not_yet":
        return gettext("Not yet")
    if answer["status"] == "booked":
        day = parse_date(answer["booked_for"]) if answer.get("booked_for") else None
        if day is None:
            return gettext("Booked")
        shape = "MONTH_DAY_FORMAT" if day.year == timezone.localdate().year else "SHORT_DATE_FORMAT"
        return gettext("Booked for %(date)s") % {"date": formats.date_format(day, shape)}
    return str(SEEN_OUTCOMES.get(answer.get("finding") or "", _("Seen")))


class FollowUpForm(forms.Form):
    """The three answers, the date of a booking and what was found. Every control is always
    in the HTML, so it works without JavaScript; the stylesheet hides the date and the
    findings until their answer is chosen, where the browser supports :has()."""

    status = radio_field(_("Did you get it checked?"), STATUS_CHOICES)
    booked_for = forms.DateField(
        label=_("Date of the appointment, if you know it"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Enter a date, for example 2026-12-03.")},
    )
    finding = radio_field(
        _("What did they find?"), FINDING_CHOICES, help_text=_("Only if you want to say.")
    )

    def __init__(self, *args: Any, episode: Episode, **kwargs: Any) -> None:
        answer = episode.follow_up or {}
        kwargs.setdefault("auto_id", "id_follow_up_%s")
        kwargs.setdefault(
            "initial",
            {
                "status": answer.get("status"),
                "booked_for": parse_date(answer.get("booked_for") or ""),
                "finding": answer.get("finding"),
            },
        )
        super().__init__(*args, **kwargs)
        self.episode = episode

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        status = cleaned.get("status") or None
        # Only the chosen answer's details count, as only they are shown: a date typed
        # before choosing "seen" is left out, not an error.
        if status != "booked":
            self.errors.pop("booked_for", None)
        cleaned["booked_for"] = cleaned.get("booked_for") if status == "booked" else None
        cleaned["finding"] = (cleaned.get("finding") or None) if status == "seen" else None
        if "status" not in self.errors:
            try:
                validate_answer(status, cleaned["booked_for"], cleaned["finding"])
            except ValidationError as error:
                self.add_error(None, error)
        return cleaned

    def answer(self) -> dict[str, Any]:
        """The cleaned answer as record_follow_up takes it."""
        return {name: self.cleaned_data[name] for name in ("status", "booked_for", "finding")}
