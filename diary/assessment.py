"""How an episode is assessed: the rule table's answer with the person's profile and the
history before the episode, what that answer had to assume, and keeping it current.

Every change that can move an answer (an episode added, backdated, edited or deleted, the
profile changed, a new rules version) calls `reassess`, in the same transaction, and the
answer is stored: pages and the API read it and never evaluate the rules themselves.
"""

import bisect
import calendar
import datetime
from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from diary.models import Episode, EpisodePoints, Profile
from knowledge import triage
from knowledge.triage import Answers, Result

# What the forms and the API hand over: Episode field names to clean values.
Values = dict[str, Any]
# An assessment as an episode stores it: {"level", "reasons" (codes), "rules_version"},
# and, for a self-check saved to the diary, "floor": True while its answers stand: the
# current assessment does not go below it until the episode is edited.
Stored = dict[str, Any]

EPISODE_FIELDS = (
    "occurred_at", "onset", "amount", "colour", "clots", "duration", "still_bleeding",
    "pain_during_sex", "pain_after", "faint", "symptoms", "pregnancy", "recent_procedure",
    "first_intercourse", "new_partner", "condom_used", "lubricant_used", "partner_blood",
    "non_consensual", "notes",
)  # fmt: skip
# Fields the rules read straight from the episode (the contract's names).
TRIAGE_FIELDS = (
    "amount", "clots", "still_bleeding", "pain_during_sex", "pain_after", "faint", "symptoms",
    "pregnancy", "recent_procedure", "first_intercourse", "partner_blood", "non_consensual",
)  # fmt: skip
# The contract counts earlier episodes within 6 calendar months.
HISTORY_MONTHS = 6
# England's screening intervals: every 3 years from 25 to 49, every 5 years from 50 to 64
# (NHS, "When it's offered"). HPV found with normal cells: again in 1 year.
SCREENING_YEARS_UNDER_50, SCREENING_YEARS_FROM_50, SCREENING_YEARS_HPV = 3, 5, 1


# Dates ----------------------------------------------------------------------------------


def shift_months(moment: datetime.datetime, months: int) -> datetime.datetime:
    """The same day and time `months` calendar months later (earlier when negative),
    clamped to the end of a shorter month: 31 August less 6 months is 28 or 29 February."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def months_before(moment: datetime.datetime, months: int) -> datetime.datetime:
    return shift_months(moment, -months)


def add_years(date: datetime.date, years: int) -> datetime.date:
    """The same day `years` later; 29 February becomes 28 February in a common year."""
    year = date.year + years
    return date.replace(year=year, day=min(date.day, calendar.monthrange(year, date.month)[1]))


# What the rules are told ----------------------------------------------------------------


def age_at(profile: Profile, moment: datetime.datetime) -> int | None:
    """Age in the year of the episode; None when the year of birth is not given."""
    if not profile.year_of_birth:
        return None
    return moment.year - profile.year_of_birth


def screening_status(profile: Profile, moment: datetime.datetime, age: int | None) -> str:
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
    if moment.date() > add_years(profile.screening_last_date, years):
        return "overdue"
    return "up_to_date" if profile.screening_last_result in ("normal", "hpv_only") else "unknown"


def history_from(
    earlier_times: list[datetime.datetime], moment: datetime.datetime
) -> dict[str, int]:
    """previous_episodes_6_months and first_episode_days_ago as the contract defines them,
    from the sorted times of the other episodes: those within 6 calendar months before
    `moment` (the boundary included), and the days since the first of them."""
    start = bisect.bisect_left(earlier_times, months_before(moment, HISTORY_MONTHS))
    end = bisect.bisect_left(earlier_times, moment)
    return {
        "previous_episodes_6_months": end - start,
        "first_episode_days_ago": (moment - earlier_times[start]).days if end > start else 0,
    }


def answers_for(
    values: Values, profile: Profile, history: dict[str, int]
) -> tuple[Answers, list[str]]:
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
    # A field left out (recent_procedure in a caller older than rules v2) takes the rule
    # table's default, which is also the model's.
    answers = {field: values[field] for field in TRIAGE_FIELDS if field in values}
    answers.update(
        age=age,
        menopause=profile.menopause or "unsure",
        cervical_screening=screening,
        anticoagulants=profile.anticoagulants == "yes",
        **history,
    )
    return answers, unknown


# What each unknown fact could be, to see whether knowing it would change the answer.
ALTERNATIVES = {
    "year_of_birth": ("age", triage.AGES_TO_TRY),
    "menopause": ("menopause", ["no", "yes"]),
    "cervical_screening": ("cervical_screening", ["up_to_date", "overdue", "abnormal"]),
    "anticoagulants": ("anticoagulants", [True]),
}


def assumptions(answers: Answers, unknown: list[str], result: Result) -> dict[str, Any]:
    """What the answer had to assume: for each reason, the unknown facts without which it
    might not have fired (it is told in the reason's first words, with the question that
    settles it), and the unknown facts that could change the level (`refine`)."""
    # Only a red flag can fire *because* a fact is unknown (the unknown counts towards more
    # care); the fallback or a reassurance giving way to a red flag once a fact is known is
    # what `refine` says instead.
    kinds = {rule["code"]: rule["kind"] for rule in triage.load_rules()["rules"]}
    level = result["level"]
    codes = [r["code"] for r in result["reasons"] if kinds.get(r["code"]) == "red_flag"]
    by_reason: dict[str, list[str]] = {}
    refine = []
    for fact in unknown:
        field, options = ALTERNATIVES[fact]
        # Each alternative is evaluated once for both questions (`refine` as
        # triage.would_change decides it): evaluating them twice was a fifth of the time it
        # took to log an episode with an empty profile.
        changes_level = False
        for option in options:
            other = triage.evaluate({**answers, field: option})
            changes_level = changes_level or other["level"] != level
            fired = {r["code"] for r in other["reasons"]}
            for code in codes:
                if code not in fired and fact not in by_reason.get(code, []):
                    by_reason.setdefault(code, []).append(fact)
            if changes_level and not codes:
                break  # nothing more to learn from this fact
        if changes_level:
            refine.append(fact)
    return {"reasons": by_reason, "refine": refine, "unknown": list(unknown)}


# The stored answer ----------------------------------------------------------------------


def as_stored(result: Result) -> Stored:
    """A triage result as an episode keeps it: the level, the reason codes, the version."""
    return {
        "level": result["level"],
        "reasons": [reason["code"] for reason in result["reasons"]],
        "rules_version": result["rules_version"],
    }


def _most_urgent_first(reasons: list[dict[str, Any]], level: str) -> list[dict[str, Any]]:
    """Each reason once, most urgent first, then in table order, as triage.evaluate orders
    them. A reassurance (C1, C2) or the fallback (R1) is kept only when it speaks for
    `level`: beside a red flag it would mislead."""
    rules = triage.load_rules()["rules"]
    kinds = {rule["code"]: rule["kind"] for rule in rules}
    order = {rule["code"]: number for number, rule in enumerate(rules)}
    unique = {reason["code"]: reason for reason in reasons}.values()
    kept = [r for r in unique if kinds.get(r["code"]) == "red_flag" or r["level"] == level]
    last = len(rules)
    return sorted(kept, key=lambda r: (triage.level_rank(r["level"]), order.get(r["code"], last)))


def more_urgent_result(own: Result, told: Result) -> Result:
    """The diary's own result, or the self-check's where that was more urgent: the diary
    never shows a lower level than the person was given by the self-check they saved. The
    diary knows the history and the profile, so its reasons stay; the self-check adds the
    reasons for its level, or all of its reasons when both came to the same level."""
    if triage.level_rank(own["level"]) < triage.level_rank(told["level"]):
        return own
    level: str = told["level"]
    if level == own["level"]:
        added = told["reasons"]
    else:
        added = [reason for reason in told["reasons"] if reason["level"] == level]
    reasons = _most_urgent_first([*added, *own["reasons"]], level)
    return {**own, "level": level, "reasons": reasons}


def _rules_by_code() -> dict[str, triage.Rule]:
    return {rule["code"]: rule for rule in triage.load_rules()["rules"]}


def _told_by_the_check(episode: Episode) -> Result | None:
    """What a self-check saved to the diary said, as a result the diary cannot go below."""
    told = episode.assessment_when_logged
    if not told or not told.get("floor"):
        return None
    rules = _rules_by_code()
    reasons = [{"code": c, "level": rules[c]["level"]} for c in told["reasons"] if c in rules]
    return {"level": told["level"], "reasons": reasons, "rules_version": told["rules_version"]}


def _with_rules(stored: Stored, episode: Episode) -> Result:
    """A stored {level, reasons (codes), rules_version} with each reason's rule (message,
    source, pages) from the table, and what it assumed. Codes are stable across table
    versions, so old episodes still read well; a code the table no longer has is left
    out. A rule's variant message is chosen from the episode's own answers."""
    return with_rules(stored, {field: getattr(episode, field) for field in TRIAGE_FIELDS})


def with_rules(stored: Stored, answers: Answers) -> Result:
    """_with_rules from the episode's answers to the rules (TRIAGE_FIELDS) alone."""
    rules = _rules_by_code()
    known = triage.facts(answers)
    reasons = [triage.reason_for(rules[code], known) for code in stored["reasons"] if code in rules]
    return {
        **stored,
        "reasons": reasons,
        "pages": triage.pages_for(reasons, known),
        "sooner": triage.sooner_for(reasons, stored["level"]),
    }


def current_of(episode: Episode) -> Stored:
    return {
        "level": episode.assessment_level,
        "reasons": episode.assessment_reasons,
        "rules_version": episode.assessment_rules_version,
    }


def stored_assessment(episode: Episode) -> Result:
    """The episode's current assessment, as the last change left it, with what it assumed
    (`assumed`: {code: [facts]}, `refine`: [facts])."""
    result = _with_rules(current_of(episode), episode)
    assumed = episode.assessment_assumptions or {}
    result["assumed"] = assumed.get("reasons", {})
    result["refine"] = assumed.get("refine", [])
    return result


def assessment_when_logged(episode: Episode) -> Result:
    """What the person was told when they logged the episode, in stored_assessment's shape.
    Episodes logged before this was kept read as their stored assessment."""
    return _with_rules(told_when_logged(episode), episode)


def told_when_logged(episode: Episode) -> Stored:
    """assessment_when_logged as stored, without the rules."""
    if episode.assessment_when_logged is None:
        return current_of(episode)
    return episode.assessment_when_logged


def told_differs(episode: Episode) -> bool:
    """Whether what the person was told then is not what we say now."""
    then = episode.assessment_when_logged
    if then is None:
        return False
    return (then["level"], list(then["reasons"])) != (
        episode.assessment_level,
        list(episode.assessment_reasons),
    )


# Keeping it current ---------------------------------------------------------------------


# What _assess writes; it reads them too, and what the person was told.
ASSESSMENT_FIELDS = (
    "assessment_level",
    "assessment_reasons",
    "assessment_rules_version",
    "assessment_assumptions",
)
ASSESSED = (*ASSESSMENT_FIELDS, "assessment_when_logged")


def reassess(
    owner: Any,
    around: Iterable[datetime.datetime] | None = None,
    *,
    profile: Profile | None = None,
    adding: Episode | None = None,
    removed: Iterable[datetime.datetime] | None = None,
    edited: Episode | None = None,
) -> list[Episode]:
    """Work out again the current assessment of the owner's episodes, each with the profile
    as it is now and the history before it, and save those that changed; returns them.

    `around`: the times an episode was added at, moved from or to, or deleted at. Only the
    episodes whose history can include those times are read again (those up to 6 months
    later); the others in reach are read for their time alone, which is stored plain. Without
    it (the profile changed, a new rules version), every episode is.
    `adding`: a new episode, not saved yet, at one of those times: it is assessed with the
    others and left for the caller to save (diary.services.log_episode inserts it whole).
    `removed`: with `around`, says exactly how the times changed: these were in the diary
    and are no longer, and the other times of `around` are new (in the database, or
    `adding`'s). An episode in reach whose history then crosses none of the rule table's
    thresholds (knowledge.triage.thresholds), and which the current rules assessed, keeps
    its answer without being read: the answer cannot have moved. `edited`, an episode whose
    answers changed, is always assessed. Without `removed` (or with adding), every episode
    in reach is.
    What the person was told when they logged an episode is never changed here.
    """
    if profile is None:
        profile, _created = Profile.objects.get_or_create(user=owner)
    query = Episode.objects.filter(owner=owner)
    # What _assess reads: the other answers (notes, colour...) are never decrypted here.
    read = query.only("owner", "occurred_at", *TRIAGE_FIELDS, *ASSESSED)
    moments = sorted(around or ())
    if not moments:
        episodes = list(read.order_by("occurred_at"))
        times = [episode.occurred_at for episode in episodes]
    else:
        # An episode's history reaches back to months_before(its time, 6), boundary
        # included, which is not the inverse of shift_months at a month's end (30 August
        # looks back to 28 February, while 28 February + 6 months is 28 August): read a
        # month more either side, then test each window itself.
        query = query.filter(
            occurred_at__gte=months_before(moments[0], HISTORY_MONTHS + 1),
            occurred_at__lte=shift_months(moments[-1], HISTORY_MONTHS + 1),
        )
        rows = list(
            query.order_by("occurred_at").values_list(
                "pk", "occurred_at", "assessment_rules_version"
            )
        )
        times = [moment for _pk, moment, _version in rows]
        touched = [
            (pk, moment, version)
            for pk, moment, version in rows
            if moments[0] <= moment and months_before(moment, HISTORY_MONTHS) <= moments[-1]
        ]
        if adding is not None:
            bisect.insort(times, adding.occurred_at)
        if removed is not None or adding is not None:
            touched = _history_moved(touched, times, moments, removed or (), edited)
        episodes = []
        if touched:
            episodes = list(read.filter(pk__in=[pk for pk, _moment, _version in touched]))
            episodes.sort(key=lambda episode: episode.occurred_at)
    if adding is not None:
        episodes.append(adding)
    changed = [
        episode for episode in episodes if _assess(episode, profile, times) or episode is adding
    ]
    saved = [episode for episode in changed if episode is not adding]
    if saved:
        # The diary home's points repeat the levels (EpisodePoints): a bulk update sends no
        # post_save, so they are marked out of date here, and updated_at moves too.
        now = timezone.now()
        for episode in saved:
            episode.updated_at = now
        Episode.objects.bulk_update(saved, [*ASSESSMENT_FIELDS, "updated_at"])
        EpisodePoints.objects.filter(owner=owner).update(stamp="")
    return changed


# The history facts: the only answers a change to the diary's times can move.
HISTORY_FACTS = ("previous_episodes_6_months", "first_episode_days_ago")


def _history_moved(
    touched: list[tuple[Any, datetime.datetime, str]],
    times: list[datetime.datetime],
    moments: list[datetime.datetime],
    removed: Iterable[datetime.datetime],
    edited: Episode | None,
) -> list[tuple[Any, datetime.datetime, str]]:
    """The touched episodes (pk, time, rules version) that must be assessed again: those
    whose history crossed a threshold of the rule table between the times before the
    change and `times` after it, those the current rules have not assessed, and `edited`.

    The times before are `times` with the new ones of `moments` taken out and `removed`
    put back. The rules read the history only through HISTORY_FACTS, so an episode whose
    facts lie on the same side of every threshold gets the same answer as before, and the
    answer stored before is that one: every earlier change was assessed in its own
    transaction, and a profile change or a new table reassesses everything.
    """
    table = triage.load_rules()
    cuts = []
    for fact in HISTORY_FACTS:
        numbers = triage.thresholds(fact, table)
        if numbers is None:
            return touched  # a fact tested for an exact value: any move may matter
        cuts += [(fact, number) for number in numbers]
    removed = sorted(removed)
    before = list(times)
    added = list(moments)
    for moment in removed:
        added.remove(moment)
    for moment in added:
        del before[bisect.bisect_left(before, moment)]
    for moment in removed:
        bisect.insort(before, moment)

    def sides(history: dict[str, int]) -> list[bool]:
        return [history[fact] >= number for fact, number in cuts]

    edited_pk = edited.pk if edited is not None else None
    return [
        (pk, moment, version)
        for pk, moment, version in touched
        if pk == edited_pk
        or version != table["version"]
        or sides(history_from(before, moment)) != sides(history_from(times, moment))
    ]


def _assess(episode: Episode, profile: Profile, times: list[datetime.datetime]) -> bool:
    """Assess one episode with the profile and the sorted times of the diary around it;
    True when its stored assessment changed (it is set on the episode, not saved)."""
    values = {field: getattr(episode, field) for field in ("occurred_at", *TRIAGE_FIELDS)}
    # history_from counts strictly earlier times, so never the episode itself.
    answers, unknown = answers_for(values, profile, history_from(times, episode.occurred_at))
    result = triage.evaluate(answers)
    told = _told_by_the_check(episode)
    if told:
        result = more_urgent_result(result, told)
    stored = as_stored(result)
    before = episode.assessment_assumptions or {}
    if stored == current_of(episode) and before.get("unknown") == unknown:
        return False  # the same answer, resting on the same unknowns
    episode.assessment_level = stored["level"]
    episode.assessment_reasons = stored["reasons"]
    episode.assessment_rules_version = stored["rules_version"]
    episode.assessment_assumptions = assumptions(answers, unknown, result)
    return True
