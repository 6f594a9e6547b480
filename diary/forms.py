"""The log form, the profile form and the history filter. What people choose from is in
diary.choices and knowledge.choices."""

from django import forms
from django.core.validators import MaxValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from diary import services
from diary.choices import (
    CIRCUMSTANCE_CHOICES,
    COLOUR_CHOICES,
    CONTRACEPTION_CHOICES,
    DURATION_CHOICES,
    NOTES_MAX_LENGTH,
    ONSET_CHOICES,
    PREFER_NOT,
    SCREENING_CHOICES,
    SCREENING_RESULT_CHOICES,
)
from diary.models import Profile
from knowledge.choices import (
    AMOUNT_CHOICES,
    MENOPAUSE_CHOICES,
    PAIN_SHORT_CHOICES,
    PROCEDURE_CHOICES,
    SYMPTOM_CHOICES,
    YES_NO,
)
from knowledge.countries import country_choices
from knowledge.forms import shared_question
from pcb_site.forms import radio_field

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class EpisodeForm(forms.Form):
    """Essentials first (amount, pain, faint, pregnancy, a recent procedure), then when it
    happened, already set to now; the template puts the rest under "More details". Optional
    questions start at their harmless answer, so a typical episode needs only a few taps.

    The date and time come after the essentials because a datetime-local box is up to seven
    Tab stops (one per part, and the calendar button): before the amount, a keyboard user
    had to cross all of them first."""

    amount = radio_field(_("How much did you bleed?"), AMOUNT_CHOICES, required=True)
    pain_during_sex = radio_field(
        _("Pain during sex"),
        PAIN_SHORT_CHOICES,
        required=True,
        initial="none",
        help_text=_(
            "Mild: sore, but you could carry on. Moderate: you wanted to stop. Severe: very bad."
        ),
        compact=True,
    )
    pain_after = shared_question("pain_after", required=True)
    faint = radio_field(
        _("Did you feel faint, dizzy or light-headed?"),
        YES_NO,
        required=True,
        initial="no",
        compact=True,
    )
    pregnancy = shared_question("pregnancy", required=True)
    recent_procedure = radio_field(
        _("Have you had any of these recently?"), PROCEDURE_CHOICES, required=True, initial="none"
    )
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

    onset = radio_field(_("When did the bleeding start?"), ONSET_CHOICES)
    colour = radio_field(_("What colour was it?"), COLOUR_CHOICES)
    clots = shared_question("clots", required=True)
    duration = radio_field(_("How long did it last?"), DURATION_CHOICES)
    symptoms = forms.MultipleChoiceField(
        label=_("Any of these? Tick all that apply."),
        choices=SYMPTOM_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    circumstances = forms.MultipleChoiceField(
        label=_("What was true this time? Tick all that apply."),
        help_text=_(
            "Tick the one about your partner's blood only if you are sure. "
            "If you are not sure, leave it unticked."
        ),
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

    essentials = (
        "amount", "pain_during_sex", "pain_after", "faint", "pregnancy", "recent_procedure",
        "occurred_at",
    )  # fmt: skip
    details = ("onset", "colour", "clots", "duration", "symptoms", "circumstances", "notes")
    # What to do when a question is left out, in the words of the question, instead of
    # "This field is required." (occurred_at says it in its own error_messages).
    required_messages = {
        "amount": _("Choose how much you bled, even if it was only a little."),
        "pain_during_sex": _("Choose how much it hurt during sex, or None."),
        "pain_after": _("Choose how much pain you have had since the sex, or None."),
        "faint": _("Choose Yes if you felt faint, dizzy or light-headed, or No if you did not."),
        "pregnancy": _("Choose whether you are or could be pregnant: No, Maybe or Yes."),
        "recent_procedure": _("Choose any of these you have had recently, or None of these."),
        "clots": _("Choose whether there were clots, or No clots."),
    }

    def __init__(self, *args, episode=None, year_of_birth=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.year_of_birth = year_of_birth
        for name, message in self.required_messages.items():
            self.fields[name].error_messages["required"] = message
        if episode is not None:
            self.fields["occurred_at"].help_text = _(
                "When this episode happened. Change it only if it is wrong."
            )
            for name in (*self.essentials, "onset", "colour", "clots", "symptoms", "notes"):
                self.initial[name] = getattr(episode, name)
            # To the minute, as the field shows it: seconds (a saved self-check has them) would
            # make the time look changed on every save (changed_values).
            self.initial["occurred_at"] = timezone.localtime(episode.occurred_at).replace(
                second=0, microsecond=0
            )
            self.initial["faint"] = "yes" if episode.faint else "no"
            self.initial["duration"] = (
                "still_bleeding" if episode.still_bleeding else episode.duration
            )
            self.initial["circumstances"] = [
                name for name, _label in CIRCUMSTANCE_CHOICES if getattr(episode, name)
            ]
            # The values shown ride along in hidden inputs, so that changed_values() knows
            # what this person changed, not what another device changed meanwhile.
            for field in self.fields.values():
                field.show_hidden_initial = True
        else:
            self.initial.setdefault("occurred_at", timezone.localtime().replace(second=0))

    # The Episode fields each form field writes, where values() turns one into others.
    WRITES = {
        "duration": ("duration", "still_bleeding"),
        "circumstances": tuple(name for name, _label in CIRCUMSTANCE_CHOICES),
    }

    def changed_values(self):
        """values(), only those the person changed on this form (against what it showed):
        two devices changing different fields at once do not undo each other."""
        changed = set()
        for name in self.changed_data:
            changed.update(self.WRITES.get(name, (name,)))
        return {name: value for name, value in self.values().items() if name in changed}

    def essential_fields(self):
        return [self[name] for name in self.essentials]

    def detail_fields(self):
        return [self[name] for name in self.details]

    def clean_occurred_at(self):
        return services.validate_occurred_at(self.cleaned_data["occurred_at"], self.year_of_birth)

    def values(self):
        """The cleaned answers as Episode field values, for diary.services."""
        data = self.cleaned_data
        values = {name: data[name] for name in ("occurred_at", "amount", "pain_during_sex")}
        values |= {name: data[name] for name in ("pain_after", "pregnancy", "clots", "symptoms")}
        values["recent_procedure"] = data["recent_procedure"]
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
    menopause = radio_field(
        _("Have you been through the menopause?"), PREFER_NOT + MENOPAUSE_CHOICES, initial=""
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "basics")
        super().__init__(*args, **kwargs)

    def clean_year_of_birth(self):
        return services.validate_year_of_birth(self.cleaned_data.get("year_of_birth"))


class FactForm(forms.Form):
    """One profile fact answered from an episode's page, where the advice had to assume it:
    a year of birth, or whether periods have stopped. Either may be given alone."""

    year_of_birth = forms.IntegerField(
        label=_("Your year of birth"),
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    menopause = radio_field(
        _("Have your periods stopped for good (no period for 12 months or more)?"),
        [("yes", _("Yes")), ("no", _("No")), ("unsure", _("Not sure"))],
        compact=True,
    )

    def clean_year_of_birth(self):
        return services.validate_year_of_birth(self.cleaned_data.get("year_of_birth"))

    def given(self):
        return {name: value for name, value in self.cleaned_data.items() if value not in ("", None)}


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
    menopause = radio_field(
        _("Have you been through the menopause?"), PREFER_NOT + MENOPAUSE_CHOICES
    )
    contraception = forms.ChoiceField(
        label=_("Contraception"), choices=PREFER_NOT + CONTRACEPTION_CHOICES, required=False
    )
    anticoagulants = radio_field(
        _("Do you take blood thinners?"),
        PREFER_NOT + YES_NO[::-1],
        help_text=_("For example warfarin, apixaban, rivaroxaban or heparin."),
    )
    screening = radio_field(_("Cervical screening (smear test)"), PREFER_NOT + SCREENING_CHOICES)
    screening_last_date = forms.DateField(
        label=_("Date of your last screening"),
        help_text=_("Roughly is fine, for example the first of the month."),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Enter a date, for example 2024-05-01.")},
    )
    screening_last_result = radio_field(
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
        # As on the episode form: only what the person changed is saved (changed_values).
        for field in self.fields.values():
            field.show_hidden_initial = True

    # Checked together (services.validate_screening), so saved together.
    SCREENING = ("screening", "screening_last_date", "screening_last_result")

    def changed_values(self):
        changed = set(self.changed_data)
        if changed & set(self.SCREENING):
            changed |= set(self.SCREENING)
        return {name: self.cleaned_data[name] for name in changed}

    def clean_year_of_birth(self):
        return services.validate_year_of_birth(self.cleaned_data.get("year_of_birth"))

    def clean_screening_last_date(self):
        return services.validate_screening_last_date(self.cleaned_data.get("screening_last_date"))

    def clean(self):
        cleaned = super().clean()
        try:
            services.validate_screening(
                cleaned.get("screening"),
                cleaned.get("screening_last_date"),
                cleaned.get("screening_last_result"),
            )
        except forms.ValidationError as error:
            self.add_error(None, error)
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


class YearForm(forms.Form):
    """?year= on the diary home: which year it shows. Anything but a year from 1900 (the
    oldest an episode can be, diary.services.validate_occurred_at) to this one shows this
    year, with no error: a link that no longer fits is not the person's mistake."""

    year = forms.IntegerField(required=False, min_value=1900)

    def __init__(self, data, this_year):
        super().__init__(data)
        self.this_year = this_year
        self.fields["year"].validators.append(MaxValueValidator(this_year))

    def chosen(self):
        if self.is_valid() and self.cleaned_data["year"]:
            return self.cleaned_data["year"]
        return self.this_year
