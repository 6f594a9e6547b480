"""The log form, the profile form and the history filter.

The wording of every choice is shared with the self-check (knowledge.forms), so the diary
and the anonymous check speak the same language.
"""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from diary.models import Profile
from knowledge.countries import country_choices
from knowledge.forms import (
    AMOUNT_CHOICES,
    CLOTS_CHOICES,
    MENOPAUSE_CHOICES,
    PAIN_AFTER_CHOICES,
    PAIN_DURING_CHOICES,
    PREGNANCY_CHOICES,
    SYMPTOM_CHOICES,
    YES_NO,
)

NOTES_MAX_LENGTH = 2000
# A phone's clock may run a little ahead of the server's.
CLOCK_SKEW = datetime.timedelta(minutes=5)
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"

ONSET_CHOICES = [
    ("during", _("During sex")),
    ("within_hours", _("Within a few hours after")),
    ("next_day", _("The next day")),
]
COLOUR_CHOICES = [
    ("pink", _("Pink")),
    ("bright_red", _("Bright red")),
    ("dark_red", _("Dark red")),
    ("brown", _("Brown")),
]
DURATION_CHOICES = [
    ("under_an_hour", _("Less than an hour")),
    ("a_few_hours", _("A few hours")),
    ("about_a_day", _("About a day")),
    ("longer", _("More than a day")),
    ("still_bleeding", _("It has not stopped yet")),
]
CIRCUMSTANCE_CHOICES = [
    ("first_intercourse", _("It was my first time, or one of my first few times")),
    ("new_partner", _("A new partner")),
    ("condom_used", _("We used a condom")),
    ("lubricant_used", _("We used lubricant")),
    ("partner_blood", _("I saw blood in my partner's semen or the condom")),
    ("non_consensual", _("It was sex I did not agree to")),
]
CONTRACEPTION_CHOICES = [
    ("none", _("None")),
    ("combined_pill", _("Combined pill")),
    ("progestogen_pill", _("Progestogen-only pill (mini pill)")),
    ("copper_iud", _("Copper coil (IUD)")),
    ("hormonal_iud", _("Hormonal coil (IUS)")),
    ("implant", _("Implant")),
    ("injection", _("Injection")),
    ("ring", _("Vaginal ring")),
    ("patch", _("Patch")),
    ("condoms", _("Condoms only")),
    ("other", _("Something else")),
]
SCREENING_CHOICES = [
    ("had", _("I have had cervical screening")),
    ("never", _("I have never had cervical screening")),
]
SCREENING_RESULT_CHOICES = [
    ("normal", _("Normal")),
    ("hpv_only", _("HPV found but cells normal: asked to come back in a year")),
    ("abnormal", _("Not normal: changed cells, or sent for colposcopy")),
    ("waiting", _("Still waiting for the result")),
]
PREFER_NOT = [("", _("Prefer not to say"))]

# Everything a person can see on an episode, as (value, label) tables for display.
LABELS = {
    "amount": dict(AMOUNT_CHOICES),
    "pain_during_sex": dict(PAIN_DURING_CHOICES),
    "pain_after": dict(PAIN_AFTER_CHOICES),
    "pregnancy": dict(PREGNANCY_CHOICES),
    "clots": dict(CLOTS_CHOICES),
    "onset": dict(ONSET_CHOICES),
    "colour": dict(COLOUR_CHOICES),
    "duration": dict(DURATION_CHOICES),
    "symptoms": dict(SYMPTOM_CHOICES),
    "circumstances": dict(CIRCUMSTANCE_CHOICES),
}


def _radio(label, choices, required=False, initial=None, help_text="", compact=False):
    """Radio buttons as large tappable rows; `compact` puts short choices side by side."""
    return forms.ChoiceField(
        label=label,
        choices=choices,
        required=required,
        initial=initial,
        help_text=help_text,
        widget=forms.RadioSelect(attrs={"class": "compact"} if compact else None),
    )


PAIN_CHOICES = [
    ("none", _("None")),
    ("mild", _("Mild")),
    ("moderate", _("Moderate")),
    ("severe", _("Severe")),
]


class EpisodeForm(forms.Form):
    """Essentials first (amount, pain, faint, pregnancy); the template puts the rest under
    "More details". Optional questions start at their harmless answer, so a typical episode
    needs only a few taps."""

    occurred_at = forms.DateTimeField(
        label=_("When did it happen?"),
        help_text=_("Already set to now. Change it if it was earlier."),
        input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT),
        error_messages={
            "required": _("Enter when it happened."),
            "invalid": _("Enter a date and time, for example 2026-03-14 22:30."),
        },
    )
    amount = _radio(_("How much did you bleed?"), AMOUNT_CHOICES, required=True)
    pain_during_sex = _radio(
        _("Pain during sex"),
        PAIN_CHOICES,
        True,
        "none",
        _("Mild: sore, but you could carry on. Moderate: you wanted to stop. Severe: very bad."),
        compact=True,
    )
    pain_after = _radio(
        _("Tummy or pelvic pain since the sex"),
        PAIN_CHOICES,
        True,
        "none",
        _("Severe means very bad, or getting worse."),
        compact=True,
    )
    faint = _radio(
        _("Did you feel faint, dizzy or light-headed?"), YES_NO, True, "no", compact=True
    )
    pregnancy = _radio(
        _("Are you pregnant, or could you be?"),
        [("no", _("No")), ("possible", _("Maybe")), ("yes", _("Yes"))],
        True,
        "no",
        compact=True,
    )

    onset = _radio(_("When did the bleeding start?"), ONSET_CHOICES)
    colour = _radio(_("What colour was it?"), COLOUR_CHOICES)
    clots = _radio(_("Were there any clots (lumps of blood)?"), CLOTS_CHOICES, True, "none")
    duration = _radio(_("How long did it last?"), DURATION_CHOICES)
    symptoms = forms.MultipleChoiceField(
        label=_("Any of these? Tick all that apply."),
        choices=SYMPTOM_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    circumstances = forms.MultipleChoiceField(
        label=_("What was true this time? Tick all that apply."),
        choices=CIRCUMSTANCE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    notes = forms.CharField(
        label=_("Notes"),
        help_text=_("Anything else you want to remember or tell a doctor. Up to 2,000 characters."),
        required=False,
        max_length=NOTES_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    essentials = ("occurred_at", "amount", "pain_during_sex", "pain_after", "faint", "pregnancy")
    details = ("onset", "colour", "clots", "duration", "symptoms", "circumstances", "notes")

    def __init__(self, *args, episode=None, year_of_birth=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.year_of_birth = year_of_birth
        if episode is not None:
            for name in (*self.essentials, "onset", "colour", "clots", "symptoms", "notes"):
                self.initial[name] = getattr(episode, name)
            self.initial["occurred_at"] = timezone.localtime(episode.occurred_at)
            self.initial["faint"] = "yes" if episode.faint else "no"
            self.initial["duration"] = (
                "still_bleeding" if episode.still_bleeding else episode.duration
            )
            self.initial["circumstances"] = [
                name for name, _label in CIRCUMSTANCE_CHOICES if getattr(episode, name)
            ]
        else:
            self.initial.setdefault("occurred_at", timezone.localtime().replace(second=0))

    def essential_fields(self):
        return [self[name] for name in self.essentials]

    def detail_fields(self):
        return [self[name] for name in self.details]

    def clean_occurred_at(self):
        moment = self.cleaned_data["occurred_at"]
        if moment > timezone.now() + CLOCK_SKEW:
            raise forms.ValidationError(_("This is in the future. Enter when it happened."))
        if self.year_of_birth and moment.year < self.year_of_birth:
            raise forms.ValidationError(
                _("This is before the year of birth in your profile. Check the date.")
            )
        if moment.year < 1900:
            raise forms.ValidationError(_("Check the year."))
        return moment

    def values(self):
        """The cleaned answers as Episode field values, for diary.services."""
        data = self.cleaned_data
        values = {name: data[name] for name in ("occurred_at", "amount", "pain_during_sex")}
        values |= {name: data[name] for name in ("pain_after", "pregnancy", "clots", "symptoms")}
        values |= {name: data[name] for name in ("onset", "colour", "notes")}
        values["faint"] = data["faint"] == "yes"
        values["still_bleeding"] = data["duration"] == "still_bleeding"
        values["duration"] = "" if values["still_bleeding"] else data["duration"]
        for name, _label in CIRCUMSTANCE_CHOICES:
            values[name] = name in data["circumstances"]
        return values


class BasicsForm(forms.Form):
    """Offered once on the log form while the profile lacks them: they change the advice."""

    year_of_birth = forms.IntegerField(
        label=_("Year of birth"),
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    menopause = _radio(
        _("Have you been through the menopause?"), PREFER_NOT + MENOPAUSE_CHOICES, initial=""
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "basics")
        super().__init__(*args, **kwargs)

    def clean_year_of_birth(self):
        return validate_year_of_birth(self.cleaned_data.get("year_of_birth"))


def validate_year_of_birth(year):
    if year is None:
        return None
    this_year = timezone.now().year
    if not this_year - 120 <= year <= this_year - 10:
        raise forms.ValidationError(
            _("Enter a year between %(first)s and %(last)s."),
            params={"first": this_year - 120, "last": this_year - 10},
        )
    return year


class ProfileForm(forms.ModelForm):
    year_of_birth = forms.IntegerField(
        label=_("Year of birth"),
        help_text=_("Your age changes the advice. Leave empty if you prefer not to say."),
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    country = forms.ChoiceField(
        label=_("Country"),
        help_text=_("So that we show the right emergency number."),
        required=False,
    )
    menopause = _radio(_("Have you been through the menopause?"), PREFER_NOT + MENOPAUSE_CHOICES)
    contraception = forms.ChoiceField(
        label=_("Contraception"), choices=PREFER_NOT + CONTRACEPTION_CHOICES, required=False
    )
    anticoagulants = _radio(
        _("Do you take blood thinners?"),
        PREFER_NOT + YES_NO[::-1],
        help_text=_("For example warfarin, apixaban, rivaroxaban or heparin."),
    )
    screening = _radio(_("Cervical screening (smear test)"), PREFER_NOT + SCREENING_CHOICES)
    screening_last_date = forms.DateField(
        label=_("Date of your last screening"),
        help_text=_("Roughly is fine, for example the first of the month."),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Enter a date, for example 2024-05-01.")},
    )
    screening_last_result = _radio(
        _("Result of your last screening"), PREFER_NOT + SCREENING_RESULT_CHOICES
    )

    class Meta:
        model = Profile
        fields = (
            "year_of_birth",
            "country",
            "menopause",
            "contraception",
            "anticoagulants",
            "screening",
            "screening_last_date",
            "screening_last_result",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = PREFER_NOT + list(country_choices())

    def clean_year_of_birth(self):
        return validate_year_of_birth(self.cleaned_data.get("year_of_birth"))

    def clean_screening_last_date(self):
        date = self.cleaned_data.get("screening_last_date")
        if date and date > timezone.localdate():
            raise forms.ValidationError(_("This is in the future. Enter the date it happened."))
        return date

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("screening") == "never" and (
            cleaned.get("screening_last_date") or cleaned.get("screening_last_result")
        ):
            self.add_error(
                "screening",
                _("You chose 'never', but also gave a date or result. Choose one or the other."),
            )
        return cleaned


class HistoryFilterForm(forms.Form):
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("This date is before the 'From' date."))
        return cleaned
