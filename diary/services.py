"""The one place that writes diary data: log, edit and delete episodes, update the profile,
and assess an episode against the rule table with the history before it."""

import calendar

from django.db import IntegrityError, transaction

from diary.models import Episode, Profile
from knowledge import triage

EPISODE_FIELDS = (
    "occurred_at", "onset", "amount", "colour", "clots", "duration", "still_bleeding",
    "pain_during_sex", "pain_after", "faint", "symptoms", "pregnancy", "first_intercourse",
    "new_partner", "condom_used", "lubricant_used", "partner_blood", "non_consensual", "notes",
)  # fmt: skip
# Fields the rules read straight from the episode (the contract's names).
TRIAGE_FIELDS = (
    "amount", "clots", "still_bleeding", "pain_during_sex", "pain_after", "faint", "symptoms",
    "pregnancy", "first_intercourse", "partner_blood", "non_consensual",
)  # fmt: skip
# England's screening intervals: every 3 years from 25 to 49, every 5 years from 50 to 64
# (NHS, "When it's offered"). HPV found with normal cells: again in 1 year.
SCREENING_YEARS_UNDER_50, SCREENING_YEARS_FROM_50, SCREENING_YEARS_HPV = 3, 5, 1


def months_before(moment, months):
    """The same day and time `months` calendar months earlier (clamped to the month's end)."""
    month_index = moment.month - 1 - months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def get_profile(user):
    profile, _ = Profile.objects.get_or_create(user=user)
    return profile


def age_at(profile, moment):
    """Age in the year of the episode; None when the year of birth is not given."""
    if not profile.year_of_birth:
        return None
    return moment.year - profile.year_of_birth


def screening_status(profile, moment, age):
    """The contract's cervical_screening value from what the profile says."""
    if profile.screening == "never":
        return "never"
    if profile.screening_last_result == "abnormal":
        return "abnormal"
    if profile.screening != "had" or not profile.screening_last_date:
        return "unknown"
    if profile.screening_last_result == "hpv_only":
        years = SCREENING_YEARS_HPV
    elif age is not None and age >= 50:
        years = SCREENING_YEARS_FROM_50
    else:
        years = SCREENING_YEARS_UNDER_50
    due = profile.screening_last_date.replace(year=profile.screening_last_date.year + years)
    if moment.date() > due:
        return "overdue"
    return "up_to_date" if profile.screening_last_result in ("normal", "hpv_only") else "unknown"


def history_before(owner, moment, exclude_id=None):
    """previous_episodes_6_months and first_episode_days_ago as the contract defines them:
    earlier episodes within 6 calendar months (the boundary included), and the days since
    the first of them."""
    earlier = Episode.objects.filter(
        owner=owner, occurred_at__gte=months_before(moment, 6), occurred_at__lt=moment
    )
    if exclude_id is not None:
        earlier = earlier.exclude(pk=exclude_id)
    first = earlier.order_by("occurred_at").values_list("occurred_at", flat=True).first()
    return {
        "previous_episodes_6_months": earlier.count(),
        "first_episode_days_ago": (moment - first).days if first else 0,
    }


def answers_for(values, profile, history):
    """The rule table's input for one episode, and which profile facts were unknown.

    Unknown facts err towards more care: the rules count an unknown age as 25 or over and
    45 or over, but not as 16 or over; menopause unknown is "unsure"; screening unknown is
    "unknown"; blood thinners unknown count as not taken (and the page says so).
    """
    moment = values["occurred_at"]
    age = age_at(profile, moment)
    unknown = []
    if age is None:
        unknown.append("year_of_birth")
    if not profile.menopause:
        unknown.append("menopause")
    screening = screening_status(profile, moment, age)
    if screening == "unknown":
        unknown.append("cervical_screening")
    if not profile.anticoagulants:
        unknown.append("anticoagulants")
    answers = {field: values[field] for field in TRIAGE_FIELDS}
    answers.update(
        age=age,
        menopause=profile.menopause or "unsure",
        cervical_screening=screening,
        anticoagulants=profile.anticoagulants == "yes",
        **history,
    )
    return answers, unknown


# What each unknown fact could be, to see whether knowing it would change the answer.
_ALTERNATIVES = {
    "year_of_birth": ("age", [12, 20, 30, 50]),
    "menopause": ("menopause", ["no", "yes"]),
    "cervical_screening": ("cervical_screening", ["up_to_date", "overdue", "abnormal"]),
    "anticoagulants": ("anticoagulants", [True]),
}


def refining_facts(answers, unknown, level):
    """The unknown profile facts that, once known, could change the level."""
    facts = []
    for fact in unknown:
        field, options = _ALTERNATIVES[fact]
        if any(triage.evaluate({**answers, field: o})["level"] != level for o in options):
            facts.append(fact)
    return facts


def _evaluate(owner, values, exclude_id=None):
    """The rule table's answer for an episode, with the profile and the history before it."""
    history = history_before(owner, values["occurred_at"], exclude_id)
    answers, unknown = answers_for(values, get_profile(owner), history)
    return triage.evaluate(answers), answers, unknown


def assess(owner, values, exclude_id=None):
    """The answer and which unknown profile facts could change it, for showing an episode.
    Saving needs only the answer (_evaluate): the extra evaluations are for the page."""
    result, answers, unknown = _evaluate(owner, values, exclude_id)
    result["refine"] = refining_facts(answers, unknown, result["level"])
    return result


def _store_assessment(episode, result):
    episode.assessment_level = result["level"]
    episode.assessment_reasons = [reason["code"] for reason in result["reasons"]]
    episode.assessment_rules_version = result["rules_version"]


def stored_assessment(episode):
    """The assessment saved with an episode, with each reason's rule (message, source) from
    the table. Codes are stable across table versions, so old episodes still read well."""
    rules = {rule["code"]: rule for rule in triage.load_rules()["rules"]}
    return {
        "level": episode.assessment_level,
        "reasons": [rules[code] for code in episode.assessment_reasons if code in rules],
        "rules_version": episode.assessment_rules_version,
    }


def log_episode(owner, values, client_id=None):
    """Save a new episode with its assessment. Returns (episode, created).

    With a client_id already used by this owner, returns the first episode unchanged: the
    offline queue may send the same episode twice.
    """
    if client_id is not None:
        existing = Episode.objects.filter(owner=owner, client_id=client_id).first()
        if existing:
            return existing, False
    episode = Episode(owner=owner, client_id=client_id)
    for field in EPISODE_FIELDS:
        if field in values:
            setattr(episode, field, values[field])
    _store_assessment(episode, _evaluate(owner, values)[0])
    try:
        with transaction.atomic():
            episode.save()
    except IntegrityError:
        # Two copies raced past the check above: the other one won, return it.
        return Episode.objects.get(owner=owner, client_id=client_id), False
    return episode, True


def update_episode(episode, values):
    """Change an episode and assess it again, with the history before its (new) time."""
    for field in EPISODE_FIELDS:
        if field in values:
            setattr(episode, field, values[field])
    current = {field: getattr(episode, field) for field in EPISODE_FIELDS}
    _store_assessment(episode, _evaluate(episode.owner, current, exclude_id=episode.pk)[0])
    episode.save()
    return episode


def delete_episode(episode):
    episode.delete()


def update_profile(profile, values):
    for field, value in values.items():
        setattr(profile, field, value)
    profile.save()
    return profile
