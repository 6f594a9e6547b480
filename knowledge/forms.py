"""The anonymous self-check: the triage questions in plain words.

Every option says what it means in real terms, because "moderate bleeding" means little to a
worried person. The answers map one-to-one onto the triage contract's fields.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from knowledge.countries import country_choices

YES_NO = [("no", _("No")), ("yes", _("Yes"))]

AMOUNT_CHOICES = [
    ("spotting", _("Spotting: a streak or a few drops, seen on tissue")),
    ("light", _("Light: it stained my underwear or a panty liner")),
    ("moderate", _("Moderate: I needed a pad")),
    ("heavy", _("Heavy: soaking through a pad or more within an hour")),
]
PAIN_DURING_CHOICES = [
    ("none", _("None")),
    ("mild", _("Mild: sore, but I could carry on")),
    ("moderate", _("Moderate: it hurt enough that I wanted to stop")),
    ("severe", _("Severe: very bad pain")),
]
PAIN_AFTER_CHOICES = [
    ("none", _("None")),
    ("mild", _("Mild: an ache I can easily ignore")),
    ("moderate", _("Moderate: it gets in the way of what I am doing")),
    ("severe", _("Severe: very bad, or getting worse")),
]
PREGNANCY_CHOICES = [
    ("no", _("No")),
    ("possible", _("I might be")),
    ("yes", _("Yes, I am pregnant")),
]
CLOTS_CHOICES = [
    ("none", _("No clots")),
    ("small", _("Small: smaller than a 10p or 1-inch (2.5 cm) coin")),
    ("large", _("Large: bigger than a 10p or 1-inch (2.5 cm) coin")),
]
MENOPAUSE_CHOICES = [
    ("no", _("No, I still have periods, or they stopped for another reason")),
    ("yes", _("Yes: no period for 12 months or more")),
    ("unsure", _("I am not sure")),
]
SCREENING_CHOICES = [
    ("up_to_date", _("Up to date, and the last result was normal")),
    ("overdue", _("Overdue: I have missed it or it is late")),
    ("never", _("I have never had one")),
    ("abnormal", _("My last result was not normal")),
    ("unknown", _("I do not know")),
]
SYMPTOM_CHOICES = [
    ("unusual_discharge", _("Unusual discharge from the vagina (colour, smell or amount)")),
    ("itching_or_burning", _("Itching or burning around the vagina")),
    ("vaginal_dryness", _("Dryness in the vagina")),
    ("fever", _("A high temperature, or feeling hot and shivery")),
    ("pelvic_pain", _("Pain low in the tummy (pelvic pain)")),
    ("bleeding_between_periods", _("Bleeding between periods")),
    ("missed_period", _("A missed or late period")),
    ("pain_passing_urine", _("Pain when peeing")),
]
PREVIOUS_CHOICES = [
    ("0", _("No, not in the last 6 months")),
    ("1", _("Once")),
    ("2", _("Twice or more")),
]
# Days since the first episode, at the rule's threshold (28 days) and either side of it.
FIRST_EPISODE_CHOICES = [
    ("0", _("This is the first time")),
    ("1", _("Less than 4 weeks ago")),
    ("28", _("4 weeks ago or longer")),
]


def _radio(label, choices, initial=None, help_text="", required=True):
    return forms.ChoiceField(
        label=label,
        choices=choices,
        initial=initial,
        help_text=help_text,
        required=required,
        widget=forms.RadioSelect,
    )


class SelfCheckForm(forms.Form):
    """Most important questions first (amount, pain, faint, pregnancy), then the rest under
    headings; see `sections`. Optional questions start at their harmless answer so that a
    quick check takes only a few taps."""

    amount = _radio(_("How much did you bleed?"), AMOUNT_CHOICES)
    pain_during_sex = _radio(_("Did you have pain during sex?"), PAIN_DURING_CHOICES, "none")
    pain_after = _radio(
        _("Have you had pain in your tummy or pelvis since the sex?"), PAIN_AFTER_CHOICES, "none"
    )
    faint = _radio(_("Do you feel faint, dizzy or light-headed?"), YES_NO, "no")
    pregnancy = _radio(_("Are you pregnant, or could you be?"), PREGNANCY_CHOICES, "no")

    clots = _radio(_("Were there any clots (lumps of blood)?"), CLOTS_CHOICES, "none")
    still_bleeding = _radio(_("Are you still bleeding now?"), YES_NO, "no")

    age = forms.IntegerField(
        label=_("How old are you?"),
        help_text=_("In years. Your age changes the advice."),
        min_value=10,
        max_value=120,
        error_messages={
            "required": _("Enter your age in years, for example 27."),
            "invalid": _("Enter your age as a number, for example 27."),
            "min_value": _("This check is for people aged 10 or over."),
            "max_value": _("Enter an age of 120 or under."),
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    menopause = _radio(
        _("Have you been through the menopause?"),
        MENOPAUSE_CHOICES,
        "no",
        help_text=_("Not counting pregnancy, breastfeeding or contraception that stops periods."),
    )
    anticoagulants = _radio(
        _("Do you take blood thinners?"),
        YES_NO,
        "no",
        help_text=_("For example warfarin, apixaban, rivaroxaban or heparin."),
    )
    cervical_screening = _radio(
        _("Your cervical screening (smear test)"), SCREENING_CHOICES, "unknown"
    )

    symptoms = forms.MultipleChoiceField(
        label=_("Do you have any of these? Tick all that apply."),
        choices=SYMPTOM_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    first_intercourse = _radio(
        _("Was this your first time, or one of your first few times, having vaginal sex?"),
        YES_NO,
        "no",
    )
    partner_blood = _radio(
        _("Did you see blood in your partner's semen or in the condom?"),
        YES_NO,
        "no",
        help_text=_("Sometimes the blood comes from the partner, not from you."),
    )
    non_consensual = _radio(
        _("Did this happen during sex you did not agree to?"),
        YES_NO,
        "no",
        help_text=_("Whatever happened, it is not your fault. Answering yes shows you support."),
    )

    previous_episodes_6_months = _radio(
        _("Has this happened before, in the last 6 months?"), PREVIOUS_CHOICES, "0"
    )
    first_episode_days_ago = _radio(
        _("When did bleeding after sex first happen?"), FIRST_EPISODE_CHOICES, "0"
    )

    country = forms.ChoiceField(
        label=_("Which country are you in?"),
        help_text=_("Only to show the right emergency number. Not saved."),
        required=False,
    )

    sections = [
        (None, ["amount", "pain_during_sex", "pain_after", "faint", "pregnancy"]),
        (_("About the bleeding"), ["clots", "still_bleeding"]),
        (_("About you"), ["age", "menopause", "anticoagulants", "cervical_screening", "country"]),
        (_("Other symptoms"), ["symptoms"]),
        (_("What happened"), ["first_intercourse", "partner_blood", "non_consensual"]),
        (_("Earlier episodes"), ["previous_episodes_6_months", "first_episode_days_ago"]),
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", _("Not listed or not sure (112)"))] + list(
            country_choices()
        )

    def grouped_fields(self):
        """[(heading or None, [bound fields])] in the order a person should answer."""
        return [(heading, [self[name] for name in names]) for heading, names in self.sections]

    def answers(self):
        """The cleaned answers in the triage contract's shape."""
        data = self.cleaned_data
        answers = {
            name: data[name]
            for name in ("age", "amount", "clots", "pain_during_sex", "pain_after", "pregnancy")
        }
        answers |= {name: data[name] for name in ("menopause", "cervical_screening", "symptoms")}
        for name in (
            "faint",
            "still_bleeding",
            "anticoagulants",
            "first_intercourse",
            "partner_blood",
            "non_consensual",
        ):
            answers[name] = data[name] == "yes"
        answers["previous_episodes_6_months"] = int(data["previous_episodes_6_months"])
        answers["first_episode_days_ago"] = int(data["first_episode_days_ago"])
        return answers
