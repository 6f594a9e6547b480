"""The anonymous self-check: the triage questions in plain words (knowledge.choices).

The answers map one-to-one onto the triage contract's fields. The questions that can make it
an emergency come first, taken from the emergency rules themselves, and no missing answer
ever holds back an emergency answer (see SelfCheckForm).
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from knowledge import triage
from knowledge.choices import (
    AMOUNT_CHOICES,
    CLOTS_CHOICES,
    MENOPAUSE_CHOICES,
    PAIN_SHORT_CHOICES,
    PREGNANCY_SHORT_CHOICES,
    PROCEDURE_CHOICES,
    SCREENING_CHOICES,
    SYMPTOM_CHOICES,
    YES_NO,
)
from knowledge.countries import country_choices
from pcb_site.forms import radio_field

# The self-check's first screen lists these as short one-line ticks; the diary and the
# other questions use the full wording above.
RED_FLAG_SHORT_LABELS = {
    "fever": _("A fever, or hot, cold and shivery"),
    "being_sick": _("Feeling or being sick"),
    "pelvic_pain": _("Pain low in the tummy"),
    "shoulder_tip_pain": _("Pain at the tip of a shoulder"),
    "missed_period": _("A missed or late period"),
    "bulge": _("A bulge from the vagina"),
}
PARTNER_BLOOD_LABEL = _("Are you sure the blood came from your partner, and none from you?")
PARTNER_BLOOD_HELP = _(
    "For example, you saw it in the semen or coming from the penis. If you are not sure, answer no."
)
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

# The symptoms the emergency rules read, asked on the first screen: a change to
# the rule table moves a question to the first screen without touching this file.
RED_FLAG_SYMPTOMS = triage.asked_by("emergency")[1]
YES_NO_FIELDS = (
    "faint", "still_bleeding", "anticoagulants", "first_intercourse", "partner_blood",
    "non_consensual",
)  # fmt: skip


def _ticks(label, choices):
    return forms.MultipleChoiceField(
        label=label, choices=choices, required=False, widget=forms.CheckboxSelectMultiple
    )


# Questions the diary's log form asks in the same words (diary.forms.EpisodeForm), where
# they are required; here only the amount ever is.
SHARED_QUESTIONS = {
    "pain_after": {
        "label": _("Tummy or pelvic pain since the sex"),
        "choices": PAIN_SHORT_CHOICES,
        "initial": "none",
        "help_text": _("Severe means very bad, or getting worse."),
        "compact": True,
    },
    "pregnancy": {
        "label": _("Are you pregnant, or could you be?"),
        "choices": PREGNANCY_SHORT_CHOICES,
        "initial": "no",
        "compact": True,
    },
    "clots": {
        "label": _("Were there any clots (lumps of blood)?"),
        "choices": CLOTS_CHOICES,
        "initial": "none",
    },
}


def yes_no(label, help_text=""):
    """A yes-or-no question that starts at "no", the harmless answer."""
    return radio_field(label, YES_NO, initial="no", help_text=help_text, compact=True)


def shared_question(name, required=False):
    return radio_field(**SHARED_QUESTIONS[name], required=required)


class SelfCheckForm(forms.Form):
    """Red flags first (see `sections`), then everything else under plain headings that may
    be skipped. Optional questions start at their harmless answer, so a quick check takes a
    few taps, and a blank age is "not known", exactly as in the diary: the rules say what an
    unknown age means, and the result names what knowing it would change."""

    amount = radio_field(_("How much did you bleed?"), AMOUNT_CHOICES)
    faint = yes_no(_("Feeling faint, dizzy or light-headed?"))
    pain_during_sex = radio_field(
        _("Pain during sex"),
        PAIN_SHORT_CHOICES,
        initial="none",
        help_text=_("Moderate: you wanted to stop. Severe: very bad."),
        compact=True,
    )
    pain_after = shared_question("pain_after")
    pregnancy = shared_question("pregnancy")
    red_flag_symptoms = _ticks(
        _("Any of these? Tick all that apply."),
        [
            (value, RED_FLAG_SHORT_LABELS.get(value, label))
            for value, label in SYMPTOM_CHOICES
            if value in RED_FLAG_SYMPTOMS
        ],
    )
    # A list box, not radio rows: five long choices that most people skip would push the
    # other emergency questions off the first two screens.
    recent_procedure = forms.ChoiceField(
        label=_("Have you had any of these recently?"),
        choices=PROCEDURE_CHOICES,
        initial="none",
        required=False,
    )
    clots = radio_field(_("Were there any clots (lumps of blood)?"), CLOTS_CHOICES, initial="none")
    still_bleeding = yes_no(_("Are you still bleeding now?"))

    age = forms.IntegerField(
        label=_("How old are you?"),
        help_text=_("In years. Your age can change the advice. You can leave it empty."),
        required=False,
        min_value=10,
        max_value=120,
        error_messages={
            "invalid": _("Enter your age as a number, for example 27, or leave it empty."),
            "min_value": _("This check is for people aged 10 or over."),
            "max_value": _("Enter an age of 120 or under."),
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    menopause = radio_field(
        _("Have you been through the menopause?"),
        MENOPAUSE_CHOICES,
        initial="no",
        help_text=_("Not counting pregnancy, breastfeeding or contraception that stops periods."),
    )
    anticoagulants = yes_no(
        _("Do you take blood thinners?"),
        _("For example warfarin, apixaban, rivaroxaban or heparin."),
    )
    cervical_screening = radio_field(
        _("Your cervical screening (smear test)"), SCREENING_CHOICES, initial="unknown"
    )
    country = forms.ChoiceField(
        label=_("Which country are you in?"),
        help_text=_(
            "Only to show the right emergency number. This device remembers it, to show the "
            "number when there is no connection."
        ),
        required=False,
    )

    symptoms = _ticks(
        _("Do you have any of these? Tick all that apply."),
        [choice for choice in SYMPTOM_CHOICES if choice[0] not in RED_FLAG_SYMPTOMS],
    )

    first_intercourse = yes_no(
        _("Was this your first time, or one of your first few times, having vaginal sex?")
    )
    partner_blood = yes_no(PARTNER_BLOOD_LABEL, PARTNER_BLOOD_HELP)
    non_consensual = yes_no(
        _("Did this happen during sex you did not agree to?"),
        _("Whatever happened, it is not your fault. Answering yes shows you support."),
    )

    previous_episodes_6_months = radio_field(
        _("Has this happened before, in the last 6 months?"), PREVIOUS_CHOICES, initial="0"
    )
    first_episode_days_ago = radio_field(
        _("When did bleeding after sex first happen?"), FIRST_EPISODE_CHOICES, initial="0"
    )

    sections = [
        (None, [
            "amount", "faint", "pain_during_sex", "pain_after", "pregnancy",
            "red_flag_symptoms", "recent_procedure", "clots", "still_bleeding",
        ]),
        (_("About you"), ["age", "menopause", "anticoagulants", "cervical_screening", "country"]),
        (_("Other symptoms"), ["symptoms"]),
        (_("What happened"), ["first_intercourse", "partner_blood", "non_consensual"]),
        (_("Earlier episodes"), ["previous_episodes_6_months", "first_episode_days_ago"]),
    ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", _("Not listed or not sure (112)"))] + list(
            country_choices()
        )

    def grouped_fields(self):
        """[(heading or None, [bound fields])] in the order a person should answer."""
        return [(heading, [self[name] for name in names]) for heading, names in self.sections]

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("amount") and not self.is_emergency():
            self.add_error("amount", _("Choose how much you bled, even if it was only a little."))
        return cleaned

    def answers(self):
        """The answers in the triage contract's shape, from whatever is valid so far.

        Usable on an invalid form on purpose: an unanswered or invalid question counts as its
        harmless default (and a blank age or amount as unknown), so that the answers already
        given can show an emergency at once (is_emergency).
        """
        data = {name: value for name, value in self.cleaned_data.items() if value not in ("", None)}
        answers = {"age": data.get("age"), "amount": data.get("amount")}
        for name in ("clots", "pain_during_sex", "pain_after", "pregnancy", "menopause"):
            answers[name] = data.get(name, triage.DEFAULTS[name])
        answers["cervical_screening"] = data.get("cervical_screening", "unknown")
        answers["recent_procedure"] = data.get("recent_procedure", "none")
        answers["symptoms"] = [*data.get("red_flag_symptoms", []), *data.get("symptoms", [])]
        for name in YES_NO_FIELDS:
            answers[name] = data.get(name) == "yes"
        answers["previous_episodes_6_months"] = int(data.get("previous_episodes_6_months", 0))
        answers["first_episode_days_ago"] = int(data.get("first_episode_days_ago", 0))
        return answers

    def is_emergency(self):
        return triage.evaluate(self.answers())["level"] == "emergency"

    def hidden_answers(self):
        """The valid answers as (name, value) pairs, to carry them in the hidden fields of a
        follow-up form (another country, an age added, save to the diary) without storing
        them anywhere."""
        pairs = []
        for name, value in self.cleaned_data.items():
            if name == "country" or value in ("", None):
                continue
            pairs += [(name, v) for v in value] if isinstance(value, list) else [(name, value)]
        return pairs
