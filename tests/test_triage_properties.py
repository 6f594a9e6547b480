"""Properties of the triage answer over the whole input space (spec: "Invariants").

The spec's rule table is written out again below as plain Python, independently of
rules.yaml and its condition language, so that a slip in either shows up as a disagreement.
"""

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from knowledge.triage import CHOICES, LEVELS, evaluate, level_rank, load_rules, thresholds

SYMPTOMS = CHOICES["symptoms"]
PAIN = ("none", "mild", "moderate", "severe")
BOOLEANS = ("still_bleeding", "faint", "anticoagulants", "non_consensual")
# Least to most worrying, as the spec's monotonicity invariant orders them.
ORDERS = {
    "amount": ("spotting", "light", "moderate", "heavy"),
    "clots": ("none", "small", "large"),
    "pain_during_sex": PAIN,
    "pain_after": PAIN,
    "pregnancy": ("no", "possible", "yes"),
    "menopause": ("no", "unsure", "yes"),
    **dict.fromkeys(BOOLEANS, (False, True)),
}
PROCEDURES = CHOICES["recent_procedure"]
# up_to_date < unknown < each of overdue, never, abnormal (those three are not ordered).
WORSE_SCREENING = {
    "up_to_date": ("unknown", "overdue", "never", "abnormal"),
    "unknown": ("overdue", "never", "abnormal"),
}
COUNT_LIMITS = {"previous_episodes_6_months": 1000, "first_episode_days_ago": 36500}
MONOTONE_FIELDS = (*ORDERS, "cervical_screening", "symptoms", "recent_procedure", *COUNT_LIMITS)


# Either side of every age in the spec's table (13, 16, 25, 45), where mistakes hide.
THRESHOLD_AGES = (12, 13, 15, 16, 24, 25, 44, 45)


def small_or_any(limit):
    """Mostly near the thresholds (1 episode, 28 days), sometimes anywhere in range."""
    return st.one_of(st.integers(0, 40), st.integers(0, limit))


# The spec's defaults, written out again so the test does not trust knowledge.triage for them.
DEFAULTS = {
    "clots": "none",
    "still_bleeding": False,
    "pain_during_sex": "none",
    "pain_after": "none",
    "faint": False,
    "pregnancy": "no",
    "menopause": "no",
    "symptoms": [],
    "recent_procedure": "none",
    "anticoagulants": False,
    "cervical_screening": "unknown",
    "first_intercourse": False,
    "partner_blood": False,
    "non_consensual": False,
    "previous_episodes_6_months": 0,
    "first_episode_days_ago": 0,
}
VALUES = {
    "clots": st.sampled_from(ORDERS["clots"]),
    "still_bleeding": st.booleans(),
    "pain_during_sex": st.sampled_from(PAIN),
    "pain_after": st.sampled_from(PAIN),
    "faint": st.booleans(),
    "pregnancy": st.sampled_from(ORDERS["pregnancy"]),
    "menopause": st.sampled_from(ORDERS["menopause"]),
    "symptoms": st.lists(st.sampled_from(SYMPTOMS), unique=True),
    "recent_procedure": st.sampled_from(PROCEDURES),
    "anticoagulants": st.booleans(),
    "cervical_screening": st.sampled_from(CHOICES["cervical_screening"]),
    "first_intercourse": st.booleans(),
    "partner_blood": st.booleans(),
    "non_consensual": st.booleans(),
    "previous_episodes_6_months": small_or_any(1000),
    "first_episode_days_ago": small_or_any(36500),
}


@st.composite
def answers_strategy(draw):
    """Any answer at all, but usually only a few fields away from the defaults, as real
    answers are: that way the quiet cases where one rule decides alone (C1 at 15 vs 16,
    say) come up often instead of drowning under some red flag."""
    answers = {
        "age": draw(st.one_of(st.sampled_from(THRESHOLD_AGES), st.integers(10, 120), st.none())),
        "amount": draw(st.sampled_from(ORDERS["amount"])),
    }
    for field in draw(st.lists(st.sampled_from(list(VALUES)), unique=True)):
        answers[field] = draw(VALUES[field])
    return {**DEFAULTS, **answers}


def worse_values(field, value):
    """Every value of `field` strictly more worrying than `value`, as a strategy or None."""
    if field in ORDERS:
        order = ORDERS[field]
        worse = order[order.index(value) + 1 :]
        return st.sampled_from(worse) if worse else None
    if field == "cervical_screening":
        worse = WORSE_SCREENING.get(value)
        return st.sampled_from(worse) if worse else None
    if field == "recent_procedure":  # none < any procedure; the procedures are not ordered
        return st.sampled_from(PROCEDURES[1:]) if value == "none" else None
    if field == "symptoms":
        missing = [s for s in SYMPTOMS if s not in value]
        added = st.lists(st.sampled_from(missing), min_size=1, unique=True)
        return added.map(lambda more: [*value, *more]) if missing else None
    limit = COUNT_LIMITS[field]
    return st.integers(value + 1, limit) if value < limit else None


@st.composite
def worsened(draw):
    answers = draw(answers_strategy())
    fields = [f for f in MONOTONE_FIELDS if worse_values(f, answers[f]) is not None]
    field = draw(st.sampled_from(fields))
    return answers, {**answers, field: draw(worse_values(field, answers[field]))}


def at_least(age, years):
    return age is None or age >= years  # unknown age counts as old enough (if_unknown: true)


def spec_red_flags(a):
    """The spec's table, rule by rule, in plain Python."""
    pain = max(a["pain_during_sex"], a["pain_after"], key=PAIN.index)
    has = set(a["symptoms"]).__contains__
    bled = a["amount"] in ("moderate", "heavy")
    pelvic = has("pelvic_pain") or a["pain_after"] in ("moderate", "severe")
    pregnant_maybe = a["pregnancy"] in ("possible", "yes")
    procedure = a["recent_procedure"]
    rules = {
        "heavy_bleeding": a["amount"] == "heavy",
        "faint": a["faint"],
        "severe_pain_after": a["pain_after"] == "severe",
        "severe_pain_with_bleeding": a["pain_during_sex"] == "severe" and bled,
        "pregnancy_severe_pain": pregnant_maybe and pain == "severe",
        "pregnant_bleeding": a["pregnancy"] == "yes",
        "possible_ectopic": (a["pregnancy"] == "possible" or has("missed_period"))
        and (has("pelvic_pain") or a["pain_after"] != "none"),
        "possible_pregnancy_missed_period": a["pregnancy"] == "possible" and has("missed_period"),
        "pelvic_infection_severe": (has("fever") or has("being_sick")) and pelvic,
        "possible_internal_bleeding": has("shoulder_tip_pain")
        and (pregnant_maybe or has("missed_period") or pelvic),
        "vault_opening": has("bulge") and procedure == "hysterectomy",
        "fever": has("fever"),
        "sick_with_infection_signs": has("being_sick")
        and (has("unusual_discharge") or a["pain_during_sex"] in ("moderate", "severe")),
        "shoulder_tip_pain": has("shoulder_tip_pain"),
        "procedure_complication": procedure != "none"
        and (has("fever") or has("unusual_discharge") or pain in ("moderate", "severe") or bled),
        "after_hysterectomy": procedure == "hysterectomy",
        "pelvic_infection": pelvic
        and any(map(has, ("fever", "unusual_discharge", "pain_passing_urine"))),
        "non_consensual": a["non_consensual"],
        "child_safeguarding": a["age"] is not None and a["age"] < 13,
        "anticoagulant_bleeding": a["anticoagulants"]
        and (bled or a["previous_episodes_6_months"] >= 1),
        "ongoing_bleeding": a["still_bleeding"] and bled,
        "large_clots": a["clots"] == "large",
        "severe_pain_during_sex": a["pain_during_sex"] == "severe",
        "postmenopausal_bleeding": a["menopause"] == "yes"
        or (a["menopause"] == "unsure" and at_least(a["age"], 45)),
        "recurrent_bleeding": (a["previous_episodes_6_months"] >= 1 and not a["first_intercourse"])
        or a["previous_episodes_6_months"] >= 2,
        "persistent_bleeding": a["first_episode_days_ago"] >= 28,
        "screening_due": a["cervical_screening"] == "abnormal"
        or (a["cervical_screening"] in ("overdue", "never") and at_least(a["age"], 25)),
        "intermenstrual_bleeding": has("bleeding_between_periods"),
        "infection_signs": any(
            map(has, ("unusual_discharge", "itching_or_burning", "pain_passing_urine", "fever"))
        ),
        "pelvic_pain": pelvic,
        "possible_pregnancy": a["pregnancy"] == "possible" or has("missed_period"),
        "on_anticoagulants": a["anticoagulants"],
        "visible_sore_or_lump": has("sore_or_lump"),
        "unexplained_weight_loss": has("weight_loss"),
        "vaginal_bulge": has("bulge"),
    }
    return {code for code, fired in rules.items() if fired}


def spec_reassurances(a):
    pain = max(a["pain_during_sex"], a["pain_after"], key=PAIN.index)
    old_enough = a["age"] is not None and a["age"] >= 16  # unknown age never reassures
    small = a["amount"] in ("spotting", "light")
    fired = {
        "first_intercourse_light": a["first_intercourse"]
        and old_enough
        and small
        and pain in ("none", "mild"),
        "partner_blood": a["partner_blood"] and old_enough and small,
    }
    return {code for code, yes in fired.items() if yes}


@settings(max_examples=400, deadline=None)
@given(worsened())
def test_a_worse_answer_never_lowers_the_level(pair):
    better, worse = pair
    assert level_rank(evaluate(worse)["level"]) <= level_rank(evaluate(better)["level"])


def assert_matches_spec(answers):
    result = evaluate(answers)
    rules = {rule["code"]: rule for rule in load_rules()["rules"]}
    red_flags = spec_red_flags(answers)
    soon = level_rank("soon")
    decisive = [code for code in red_flags if level_rank(rules[code]["level"]) <= soon]
    listed = {reason["code"] for reason in result["reasons"]}

    assert result["level"] in LEVELS
    assert red_flags <= listed, "every red flag that fires is a reason"
    if decisive:
        assert listed == red_flags
        assert result["level"] == min((rules[c]["level"] for c in red_flags), key=level_rank)
    elif spec_reassurances(answers):
        assert listed == red_flags | spec_reassurances(answers)
        assert result["level"] == "self_care"
    else:
        assert listed == red_flags | {"unexplained_bleeding"}
        assert result["level"] == "routine"
    return result["level"]


@settings(max_examples=400, deadline=None)
@given(answers_strategy())
def test_answer_matches_the_spec_table(answers):
    assert_matches_spec(answers)


# Values either side of every threshold in the spec's table, for the exhaustive check below.
PAIR_VALUES = {
    "age": (None, *THRESHOLD_AGES, 30, 60),
    **ORDERS,
    "cervical_screening": CHOICES["cervical_screening"],
    "recent_procedure": PROCEDURES,
    "symptoms": [[], *([s] for s in SYMPTOMS), *map(list, itertools.combinations(SYMPTOMS, 2))],
    "first_intercourse": (False, True),
    "partner_blood": (False, True),
    "previous_episodes_6_months": (0, 1, 2),
    "first_episode_days_ago": (0, 27, 28),
}


def is_worse(field, worse, better):
    if field in ORDERS:
        return ORDERS[field].index(worse) > ORDERS[field].index(better)
    if field == "cervical_screening":
        return worse in WORSE_SCREENING.get(better, ())
    if field == "symptoms":
        return set(worse) > set(better)
    if field == "recent_procedure":
        return better == "none" and worse != "none"
    if field in COUNT_LIMITS:
        return worse > better
    return False  # the spec orders neither age nor first_intercourse nor partner_blood


def test_every_pair_of_answers_matches_the_spec_table_and_is_monotone():
    """Random examples rarely land on quiet corners such as a first time at 15 versus 16;
    every pair of fields, on top of an otherwise plain answer, always does."""
    plain = {**DEFAULTS, "age": 30, "amount": "light"}
    for first, second in itertools.combinations(PAIR_VALUES, 2):
        grid = list(itertools.product(PAIR_VALUES[first], PAIR_VALUES[second]))
        ranks = [level_rank(assert_matches_spec({**plain, first: a, second: b})) for a, b in grid]
        for (a, b), rank in zip(grid, ranks, strict=True):
            for (a2, b2), rank2 in zip(grid, ranks, strict=True):
                worse = (b2 == b and is_worse(first, a2, a)) or (
                    a2 == a and is_worse(second, b2, b)
                )
                assert rank2 <= rank or not worse, f"{first}={a2!r}, {second}={b2!r}"


@settings(max_examples=300, deadline=None)
@given(answers_strategy())
def test_reasons_are_sorted_and_decide_the_level(answers):
    result = evaluate(answers)
    ranks = [level_rank(reason["level"]) for reason in result["reasons"]]
    assert ranks == sorted(ranks)
    assert result["reasons"][0]["level"] == result["level"]
    assert result["rules_version"] == load_rules()["version"]
    assert result["pages"][-1] == "/learn/when-to-get-help/"
    assert len(result["pages"]) == len(set(result["pages"]))


def test_the_history_thresholds_are_the_numbers_the_table_compares_them_with():
    assert thresholds("previous_episodes_6_months") == (1, 2)
    assert thresholds("first_episode_days_ago") == (28,)
    exact = {"rules": [{"when": {"field": "previous_episodes_6_months", "is": 3}}]}
    assert thresholds("previous_episodes_6_months", exact) is None


def same_sides(field):
    """Two values of a counted field on the same side of every threshold of the table."""
    cuts = (0, *thresholds(field), COUNT_LIMITS[field] + 1)
    band = st.sampled_from(list(itertools.pairwise(cuts)))
    return band.flatmap(
        lambda b: st.tuples(st.integers(b[0], b[1] - 1), st.integers(b[0], b[1] - 1))
    )


# The diary reassesses an episode whose history moved only when it crossed a threshold
# (diary.assessment.reassess): that holds only if the answer is the same on either side.
@settings(max_examples=400, deadline=None)
@given(
    answers_strategy(),
    same_sides("previous_episodes_6_months"),
    same_sides("first_episode_days_ago"),
)
def test_history_on_the_same_side_of_every_threshold_gives_the_same_answer(answers, count, days):
    first = {**answers, "previous_episodes_6_months": count[0], "first_episode_days_ago": days[0]}
    second = {**answers, "previous_episodes_6_months": count[1], "first_episode_days_ago": days[1]}
    assert evaluate(first) == evaluate(second)
