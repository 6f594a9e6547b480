"""The diary's own words: what people choose from when they log an episode or fill in
their profile, and the labels an episode is shown with. Shared by the forms, the API and the
pages, so none of them imports another's module for it."""

from django.utils.translation import gettext_lazy as _

from knowledge.choices import (
    AMOUNT_CHOICES,
    CLOTS_CHOICES,
    PAIN_AFTER_CHOICES,
    PAIN_DURING_CHOICES,
    PREGNANCY_CHOICES,
    PROCEDURE_CHOICES,
    SYMPTOM_CHOICES,
)

NOTES_MAX_LENGTH = 2000

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
    # Rules version 2: only when sure. Blood on a condom is often the person's own, and
    # this answer can make the advice self-care.
    (
        "partner_blood",
        _(
            "I am sure the blood came from my partner (seen in the semen or from the penis), "
            "none from me"
        ),
    ),
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
    "recent_procedure": dict(PROCEDURE_CHOICES),
    "clots": dict(CLOTS_CHOICES),
    "onset": dict(ONSET_CHOICES),
    "colour": dict(COLOUR_CHOICES),
    "duration": dict(DURATION_CHOICES),
    "symptoms": dict(SYMPTOM_CHOICES),
    "circumstances": dict(CIRCUMSTANCE_CHOICES),
}


def values_of(choices):
    return [value for value, _label in choices]
