"""The doctor report: what a person chooses to show of their own diary for a period, in
plain words a doctor can read at a glance.

Only reads. Every query is the owner's own. What a person did not choose is never read
into the report's data, so no template can show it by mistake: notes and the sexual
circumstances are off unless asked for, and a reason whose words would tell a circumstance
(`CIRCUMSTANCE_REASONS`) is left out with them, saying only that something was left out.
"""

import datetime
from collections import Counter

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from diary import assessment, follow_up
from diary.choices import (
    CONTRACEPTION_CHOICES,
    LABELS,
    SCREENING_CHOICES,
    SCREENING_RESULT_CHOICES,
)
from diary.models import Episode, Profile
from diary.timeline import LEVEL_NAMES
from diary.your_data import report_chart
from knowledge.care import present
from knowledge.triage import LEVELS

SECTIONS = [
    ("chart", _("A chart of episodes per month")),
    ("episodes", _("Each episode: amount, colour, how long, pain and other symptoms")),
    ("advice", _("The advice each episode got, and why")),
    ("follow_up", _("Whether you got it checked, and what was found")),
    ("medicines", _("Contraception and blood thinners")),
    ("screening", _("Cervical screening")),
    ("procedures", _("Recent procedures, such as a coil fitted or treatment of the cervix")),
    (
        "circumstances",
        _(
            "The circumstances: first times, a new partner, condom, lubricant, "
            "your partner's blood, sex you did not agree to"
        ),
    ),
    ("notes", _("Your notes")),
]
# Off by default, and only ever in the report when the person ticks them.
PRIVATE_SECTIONS = ("circumstances", "notes")
DEFAULT_SECTIONS = [code for code, _label in SECTIONS if code not in PRIVATE_SECTIONS]
PERIODS = [
    ("3", _("The last 3 months")),
    ("6", _("The last 6 months")),
    ("12", _("The last 12 months")),
    ("range", _("Between two dates")),
]
DEFAULT_PERIOD = "12"
# Rules whose message says what the circumstances were (knowledge/rules.yaml).
CIRCUMSTANCE_REASONS = frozenset({"non_consensual", "first_intercourse_light", "partner_blood"})


EARLIEST = datetime.date(1900, 1, 1)


class ReportForm(forms.Form):
    """The period and the sections. Sent with GET: these are settings, not health data,
    and a link with them gives the same PDF as the preview."""

    period = forms.ChoiceField(
        label=_("Period"),
        choices=PERIODS,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose one of the periods listed.")},
    )
    date_from = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Enter a date, for example 2026-03-01.")},
    )
    date_to = forms.DateField(
        label=_("To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Enter a date, for example 2026-09-30.")},
    )
    sections = forms.MultipleChoiceField(
        label=_("What to include"),
        help_text=_("Your notes and the circumstances are left out unless you tick them."),
        choices=SECTIONS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Choose only from the sections listed.")},
    )

    def __init__(self, data=None, *, today=None, **kwargs):
        kwargs.setdefault("initial", {"period": DEFAULT_PERIOD, "sections": DEFAULT_SECTIONS})
        super().__init__(data, **kwargs)
        self.today = today or timezone.localdate()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("period") != "range":
            # Dates typed before choosing a number of months count for nothing.
            self.errors.pop("date_from", None)
            self.errors.pop("date_to", None)
            return cleaned
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        for name, day in (("date_from", start), ("date_to", end)):
            if name in self.errors:
                continue
            if day is None:
                self.add_error(name, _("Enter a date, or choose a number of months."))
            elif day > self.today:
                self.add_error(name, _("This date is in the future. Choose today or earlier."))
            elif day < EARLIEST:
                # Older than any diary; and a year like 0001 would overflow the time zones.
                self.add_error(name, _("Choose a date from 1900 on."))
        if start and end and start > end and not self.has_error("date_to"):
            self.add_error("date_to", _("This date is before the 'From' date."))
        return cleaned

    def period_bounds(self):
        """The first and last day of the report, both included."""
        period = self.cleaned_data["period"]
        if period == "range":
            return self.cleaned_data["date_from"], self.cleaned_data["date_to"]
        moment = datetime.datetime.combine(self.today, datetime.time())
        return assessment.months_before(moment, int(period)).date(), self.today


def _day_start(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def episodes_in(owner, start, end):
    """The owner's episodes from the first day to the last, both whole days in the
    person's time zone, oldest first."""
    return list(
        Episode.objects.filter(
            owner=owner,
            occurred_at__gte=_day_start(start),
            occurred_at__lt=_day_start(end + datetime.timedelta(days=1)),
        ).order_by("occurred_at")
    )


def _label(choices, value):
    return dict(choices).get(value, value) if value else gettext("Not said")


def _facts(episode):
    """(question, answer) pairs for what the person logged, in plain words."""
    yes, no = gettext("Yes"), gettext("No")
    if episode.still_bleeding:
        duration = LABELS["duration"]["still_bleeding"]
    else:
        duration = LABELS["duration"].get(episode.duration) or gettext("Not said")
    symptoms = [str(LABELS["symptoms"].get(s, s)) for s in episode.symptoms or []]
    return [
        (_("Amount"), LABELS["amount"].get(episode.amount, episode.amount)),
        (_("Clots"), LABELS["clots"].get(episode.clots, episode.clots)),
        (_("Colour"), LABELS["colour"].get(episode.colour) or gettext("Not said")),
        (_("Started"), LABELS["onset"].get(episode.onset) or gettext("Not said")),
        (_("How long"), duration),
        (_("Pain during sex"), LABELS["pain_during_sex"].get(episode.pain_during_sex)),
        (_("Pain since the sex"), LABELS["pain_after"].get(episode.pain_after)),
        (_("Felt faint or dizzy"), yes if episode.faint else no),
        (_("Pregnant"), LABELS["pregnancy"].get(episode.pregnancy)),
        (_("Other symptoms"), "; ".join(symptoms) or gettext("None")),
    ]


# What a reason had to assume because the diary does not say it: a doctor reading "Bleeding
# after the menopause should always be checked" must see that the menopause was not given,
# not take it as a fact about the person. The episode's page says the same to the person,
# as "you" (diary.views.ASSUMPTIONS).
FACTS_NOT_GIVEN = {
    "year_of_birth": _("age"),
    "menopause": _("whether periods have stopped for good"),
    "cervical_screening": _("last cervical screening"),
    "anticoagulants": _("whether blood thinners are taken"),
}


def _reason_words(message, facts):
    if not facts:
        return message
    missing = "; ".join(str(FACTS_NOT_GIVEN[fact]) for fact in facts)
    return gettext("%(reason)s (Assumed, as the diary does not say: %(facts)s.)") % {
        "reason": message,
        "facts": missing,
    }


def _advice(episode, country, with_circumstances):
    stored = assessment.stored_assessment(episode)
    shown = present(stored, country)
    reasons = [
        r for r in shown["reasons"] if with_circumstances or r["code"] not in CIRCUMSTANCE_REASONS
    ]
    then = None
    if assessment.told_differs(episode):
        then = LEVEL_NAMES[assessment.assessment_when_logged(episode)["level"]]
    return {
        "level": episode.assessment_level,
        "css": episode.level_css,
        "name": LEVEL_NAMES[episode.assessment_level],
        "when": shown["card"]["when"],
        "reasons": [_reason_words(r["message"], stored["assumed"].get(r["code"])) for r in reasons],
        "left_out": len(reasons) < len(shown["reasons"]),
        "then": then,
        "rules_version": episode.assessment_rules_version,
    }


def _procedure(episode):
    if episode.recent_procedure in ("", "none"):
        return None
    return LABELS["recent_procedure"].get(episode.recent_procedure, episode.recent_procedure)


def _entry(episode, sections, country):
    chosen = set(sections)
    entry = {"occurred_at": timezone.localtime(episode.occurred_at), "level_css": episode.level_css}
    if "episodes" in chosen:
        entry["facts"] = _facts(episode)
    if "procedures" in chosen:
        entry["procedure"] = _procedure(episode)
    if "advice" in chosen:
        entry["advice"] = _advice(episode, country, "circumstances" in chosen)
    if "follow_up" in chosen:
        entry["follow_up"] = follow_up.outcome(episode.follow_up) or gettext("Not answered yet")
    if "circumstances" in chosen:
        entry["circumstances"] = [
            str(label) for name, label in LABELS["circumstances"].items() if getattr(episode, name)
        ]
    if "notes" in chosen:
        entry["notes"] = episode.notes
    return entry


def _background(profile, sections):
    rows = []
    if "medicines" in sections:
        blood_thinners = {"yes": gettext("Yes"), "no": gettext("No")}
        rows.append((_("Contraception"), _label(CONTRACEPTION_CHOICES, profile.contraception)))
        rows.append(
            (
                _("Takes blood thinners"),
                blood_thinners.get(profile.anticoagulants, gettext("Not said")),
            )
        )
    if "screening" in sections:
        rows.append((_("Cervical screening"), _label(SCREENING_CHOICES, profile.screening)))
        if profile.screening == "had":
            last = profile.screening_last_date
            rows.append(
                (_("Last screening"), last.strftime("%Y-%m-%d") if last else gettext("Not said"))
            )
            rows.append(
                (
                    _("Last screening result"),
                    _label(SCREENING_RESULT_CHOICES, profile.screening_last_result),
                )
            )
    return rows


def build(owner, start, end, sections, now=None):
    """Everything the report template shows, for the owner's episodes from `start` to `end`
    (dates, both included) and the chosen `sections` (codes from SECTIONS)."""
    sections = [code for code, _label in SECTIONS if code in sections]
    profile = Profile.objects.filter(user=owner).first() or Profile(user=owner)
    episodes = episodes_in(owner, start, end)
    entries = [_entry(episode, sections, profile.country) for episode in episodes]
    per_level = Counter(episode.assessment_level for episode in episodes)
    report = {
        "sections": sections,
        "start": start,
        "end": end,
        "made_on": timezone.localtime(now or timezone.now()),
        "count": len(episodes),
        "dates": [entry["occurred_at"] for entry in entries],
        "entries": entries,
        "background": _background(profile, sections),
        "levels": [
            {"name": LEVEL_NAMES[level], "css": level.replace("_", "-"), "count": per_level[level]}
            for level in LEVELS
            if per_level[level]
        ]
        if "advice" in sections
        else [],
    }
    if "procedures" in sections:
        report["procedures"] = [
            (entry["occurred_at"], entry["procedure"]) for entry in entries if entry["procedure"]
        ]
    if "chart" in sections:
        report["chart"] = report_chart.build(
            [
                (entry["occurred_at"], episode.assessment_level)
                for entry, episode in zip(entries, episodes, strict=True)
            ],
            start,
            end,
        )
    return report
