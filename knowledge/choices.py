"""The words people choose from, shared by the self-check, the diary and their APIs.

Every option says what it means in real terms, because "moderate bleeding" means little to
a worried person. The values are the triage contract's (knowledge.triage.CHOICES), so the
diary and the anonymous check speak the same language; tests/test_choices.py holds them to
the rule table.
"""

from django.utils.translation import gettext_lazy as _

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
# Side by side on a phone; the question's hint says what each means.
PAIN_SHORT_CHOICES = [
    ("none", _("None")),
    ("mild", _("Mild")),
    ("moderate", _("Moderate")),
    ("severe", _("Severe")),
]
# Side by side on a phone.
PREGNANCY_SHORT_CHOICES = [("no", _("No")), ("possible", _("Maybe")), ("yes", _("Yes"))]
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
    ("fever", _("A high temperature, or feeling hot, cold or shivery")),
    ("being_sick", _("Feeling sick or being sick")),
    ("pelvic_pain", _("Pain low in the tummy (pelvic pain)")),
    ("shoulder_tip_pain", _("Pain at the tip of a shoulder, where the arm begins")),
    ("missed_period", _("A missed or late period")),
    ("bulge", _("Something bulging or coming out of the vagina")),
    ("unusual_discharge", _("Unusual discharge from the vagina (colour, smell or amount)")),
    ("itching_or_burning", _("Itching or burning around the vagina")),
    ("vaginal_dryness", _("Dryness in the vagina")),
    ("bleeding_between_periods", _("Bleeding between periods")),
    ("pain_passing_urine", _("Pain when peeing")),
    ("sore_or_lump", _("A sore, blister, wart or lump around the vagina that you can see or feel")),
    ("weight_loss", _("Losing weight without trying, or night sweats that soak the bed")),
]
PROCEDURE_CHOICES = [
    ("none", _("None of these")),
    ("coil_fitted", _("A coil (IUD or IUS) fitted in the last 3 weeks")),
    ("cervix_treatment", _(
        "Treatment or a biopsy of the cervix (such as LLETZ, or a polyp removed) "
        "in the last 6 weeks"
    )),
    ("birth_or_pregnancy_loss", _("A birth, a miscarriage or an abortion in the last 6 weeks")),
    ("hysterectomy", _("A hysterectomy in the last 6 months")),
]  # fmt: skip
