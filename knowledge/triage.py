"""The red-flag evaluator: one episode's answers in, a care level and its reasons out.

The rules themselves live in rules.yaml, so that a clinician can check them without reading
code, and so that a browser can run the very same table offline: it is served as JSON at
/api/v1/rules/, and static/js/triage.js evaluates it as this module does (the self-check
without a connection; tests/browser/test_offline_triage.py holds the two together). This
module only knows the small condition language and the tie-breaking in
docs/triage-api.md. It does not validate answers: the API serializer and the forms do
that, and hand over clean values.
"""

import copy
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

# The shapes passed around, all plain dicts so that the table is JSON as it is:
Answers = dict[str, Any]  # field -> value, in the contract's names (None: not known)
Condition = dict[str, Any]  # a rule's `when`
Rule = dict[str, Any]  # one entry of rules.yaml's `rules`
Table = dict[str, Any]  # the whole of rules.yaml
Reason = dict[str, Any]  # what a person reads for one rule (REASON_KEYS, maybe `sooner`)
Result = dict[str, Any]  # level, reasons, pages, sooner, rules_version

RULES_PATH = Path(__file__).with_name("rules.yaml")

# Most to least urgent. The order is part of the contract.
LEVELS = ("emergency", "urgent", "soon", "routine", "self_care")
# Reassurance (C1, C2) and the fallback (R1) only speak when nothing this urgent fires.
DECISIVE = "soon"
HELP_PAGE = "/learn/when-to-get-help/"

PAIN = ("none", "mild", "moderate", "severe")
CHOICES = {
    "amount": ("spotting", "light", "moderate", "heavy"),
    "clots": ("none", "small", "large"),
    "pain_during_sex": PAIN,
    "pain_after": PAIN,
    "pain": PAIN,
    "pregnancy": ("no", "possible", "yes"),
    "menopause": ("no", "unsure", "yes"),
    "cervical_screening": ("up_to_date", "unknown", "overdue", "never", "abnormal"),
    "symptoms": (
        "unusual_discharge", "itching_or_burning", "vaginal_dryness", "fever",
        "pelvic_pain", "bleeding_between_periods", "missed_period", "pain_passing_urine",
        "being_sick", "shoulder_tip_pain", "sore_or_lump", "weight_loss", "bulge",
    ),
    "recent_procedure": (
        "none", "coil_fitted", "cervix_treatment", "birth_or_pregnancy_loss", "hysterectomy",
    ),
}  # fmt: skip
FLAGS = (
    "still_bleeding", "faint", "anticoagulants", "first_intercourse", "partner_blood",
    "non_consensual",
)  # fmt: skip
COUNTS = ("age", "previous_episodes_6_months", "first_episode_days_ago")
LISTS = ("symptoms",)
FIELDS = (*CHOICES, *FLAGS, *COUNTS)

# The spec's defaults. `age` and `amount` are required by the API and have none; when the
# diary cannot tell them they are None (unknown), and the rules say what unknown means.
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
REQUIRED = ("age", "amount")

LEVEL_KEYS = ("title", "action", "who", "when", "advice")
RULE_KEYS = ("code", "level", "kind", "when", "message", "source", "source_url", "pages")
OPTIONAL_RULE_KEYS = ("variants", "sooner")
KINDS = ("red_flag", "fallback", "reassurance")
REASON_KEYS = ("code", "level", "message", "source", "source_url", "pages")


def level_rank(level: str) -> int:
    """0 for emergency up to 4 for self_care: sorting by rank puts the most urgent first."""
    try:
        return LEVELS.index(level)
    except ValueError:
        raise ValueError(f"unknown level {level!r}") from None


def more_urgent(a: str | None, b: str | None) -> str | None:
    """The more urgent of two levels. None means "no level yet", so it folds over a history."""
    if a is None or b is None:
        return b if a is None else a
    return a if level_rank(a) <= level_rank(b) else b


@lru_cache(maxsize=8)
def load_rules(path: Path | str | None = None) -> Table:
    """Parse and check the table once per process.

    A broken table must fail loudly on first use, naming the rule, rather than quietly
    under-triage someone. Callers share the result: treat it as read-only.
    """
    with open(path or RULES_PATH, encoding="utf-8") as f:
        table = yaml.safe_load(f)
    _check_table(table)
    return table


def _check_table(table: Any) -> None:
    if not isinstance(table, dict) or not isinstance(table.get("version"), str):
        raise ValueError("rules table: `version` must be a string")
    levels = table.get("levels")
    if not isinstance(levels, dict) or tuple(levels) != LEVELS:
        raise ValueError(f"rules table: `levels` must be {', '.join(LEVELS)}, in that order")
    for name, level in levels.items():
        missing = [k for k in LEVEL_KEYS if not (isinstance(level, dict) and level.get(k))]
        if missing:
            raise ValueError(f"level {name}: missing {', '.join(missing)}")
    rules = table.get("rules")
    if not isinstance(rules, list):
        raise ValueError("rules table: `rules` must be a list")
    seen: set[str] = set()
    for number, rule in enumerate(rules, 1):
        name = rule.get("code", f"number {number}") if isinstance(rule, dict) else number
        try:
            _check_rule(rule, seen)
        except ValueError as error:
            raise ValueError(f"rule {name}: {error}") from None
        seen.add(rule["code"])
    if not any(rule["kind"] == "fallback" for rule in rules):
        raise ValueError("rules table: no fallback rule, so some answers would have no level")
    for entry in table.get("answer_pages", []):
        if not (isinstance(entry, dict) and set(entry) == {"when", "page"}):
            raise ValueError("answer_pages: each entry has a `when` and a `page`, nothing else")
        if not _is_page(entry["page"]):
            raise ValueError(f"answer_pages: {entry['page']!r} is not a /learn/<slug>/ path")
        _check_condition(entry["when"])


def _is_page(path: Any) -> bool:
    return isinstance(path, str) and path.startswith("/learn/") and path.endswith("/")


def _check_rule(rule: Any, seen: set[str]) -> None:
    if not isinstance(rule, dict):
        raise ValueError("must be a mapping")
    missing = [k for k in RULE_KEYS if k not in rule]
    unknown = [k for k in rule if k not in RULE_KEYS + OPTIONAL_RULE_KEYS]
    if missing or unknown:
        raise ValueError(f"missing {missing or 'nothing'}, unknown keys {unknown or 'none'}")
    if rule["code"] in seen:
        raise ValueError("duplicate code")
    if rule["level"] not in LEVELS or rule["kind"] not in KINDS:
        raise ValueError(f"unknown level {rule['level']!r} or kind {rule['kind']!r}")
    if not all(isinstance(rule[k], str) and rule[k].strip() for k in ("message", "source")):
        raise ValueError("message and source must be text")
    if not str(rule["source_url"]).startswith("https://"):
        raise ValueError("source_url must be an https:// address")
    pages = rule["pages"]
    if not isinstance(pages, list) or not all(_is_page(p) for p in pages):
        raise ValueError("pages must be a list of /learn/<slug>/ paths")
    if rule["kind"] == "fallback" and rule["when"] != {"all": []}:
        raise ValueError("a fallback rule must always hold (when: {all: []})")
    _check_condition(rule["when"])
    for variant in rule.get("variants", []):
        if not isinstance(variant, dict) or set(variant) != {"when", "message"}:
            raise ValueError("each variant must have `when` and `message`, nothing else")
        if not (isinstance(variant["message"], str) and variant["message"].strip()):
            raise ValueError("a variant's message must be text")
        _check_condition(variant["when"])
    sooner = rule.get("sooner")
    if sooner is not None and not (
        isinstance(sooner, dict)
        and set(sooner) == {"when", "action"}
        and all(isinstance(v, str) and v.strip() for v in sooner.values())
    ):
        raise ValueError("`sooner` must have a `when` and an `action`, both text")


def _check_condition(cond: Any) -> None:
    bad = ValueError(f"bad condition {cond!r}")
    if not isinstance(cond, dict):
        raise bad
    if set(cond) in ({"all"}, {"any"}):
        (parts,) = cond.values()
        if not isinstance(parts, list):
            raise bad
        for part in parts:
            _check_condition(part)
        return
    if set(cond) == {"not"}:
        return _check_condition(cond["not"])
    field = cond.get("field")
    ops = set(cond) - {"field", "if_unknown"}
    if field not in FIELDS or len(ops) != 1:
        raise bad
    (op,) = ops
    value = cond[op]
    if op in ("at_least", "below"):
        ok = field in COUNTS and _allowed(field, value)
        ok = ok and isinstance(cond.get("if_unknown", False), bool)
    elif "if_unknown" in cond:
        ok = False
    elif op == "is":
        ok = field not in LISTS and _allowed(field, value)
    elif op in ("in", "has_any"):
        ok = (op == "in") != (field in LISTS) and isinstance(value, list)
        ok = ok and all(_allowed(field, v) for v in value)
    elif op == "has":
        ok = field in LISTS and _allowed(field, value)
    else:
        ok = False
    if not ok:
        raise bad


def _allowed(field: str, value: Any) -> bool:
    """Catches YAML reading an unquoted no as False, and typos in values."""
    if field in FLAGS:
        return isinstance(value, bool)
    if field in COUNTS:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, str) and value in CHOICES[field]


def asked_by(level: str, table: Table | None = None) -> tuple[set[str], set[str]]:
    """The fields and the symptoms that the rules at `level` read, so that a form can ask
    those questions first. `pain` is read from both pain questions."""
    fields: set[str] = set()
    symptoms: set[str] = set()

    def walk(cond: Condition) -> None:
        for key in ("all", "any"):
            for part in cond.get(key, ()):
                walk(part)
        if "not" in cond:
            walk(cond["not"])
        if "field" in cond:
            field = cond["field"]
            fields.update(("pain_during_sex", "pain_after") if field == "pain" else (field,))
            if field in LISTS:
                symptoms.update([cond["has"]] if "has" in cond else cond["has_any"])

    for rule in (table or load_rules())["rules"]:
        if rule["level"] == level:
            walk(rule["when"])
    return fields, symptoms


def facts(answers: Answers) -> Answers:
    """The answers with the spec's defaults and the derived `pain` filled in.

    A missing field takes its default, but an explicit None stays None: the diary uses it
    for "not known", and the rules decide what unknown means (`if_unknown`).
    """
    result = dict.fromkeys(REQUIRED)
    result.update(DEFAULTS)
    result.update(answers)
    known = [p for p in (result["pain_during_sex"], result["pain_after"]) if p is not None]
    result["pain"] = max(known, key=PAIN.index) if known else None
    return result


def holds(cond: Condition, known: Answers) -> bool:
    """Whether a condition is true. Any other evaluator of this table (the browser's,
    static/js/triage.js) must give the same answer for every condition."""
    if "all" in cond:
        return all(holds(part, known) for part in cond["all"])
    if "any" in cond:
        return any(holds(part, known) for part in cond["any"])
    if "not" in cond:
        return not holds(cond["not"], known)
    value = known.get(cond["field"])
    if "at_least" in cond or "below" in cond:
        if value is None:
            return cond.get("if_unknown", False)
        return value >= cond["at_least"] if "at_least" in cond else value < cond["below"]
    if "is" in cond:
        return _same(value, cond["is"])
    if "in" in cond:
        return any(_same(value, v) for v in cond["in"])
    wanted = [cond["has"]] if "has" in cond else cond["has_any"]
    return any(_same(item, v) for item in value or () for v in wanted)


def _text_places(table: Table) -> Iterator[tuple[dict[str, Any], str]]:
    """Where the table holds a text a person reads, as (dict, key), in table order: the
    levels' words, then each rule's message, its variants' messages and its sooner time
    frame and action. Sources are titles of documents and stay as written."""
    for info in table["levels"].values():
        for key in LEVEL_KEYS:
            yield info, key
    for rule in table["rules"]:
        yield rule, "message"
        for variant in rule.get("variants", ()):
            yield variant, "message"
        if "sooner" in rule:
            yield rule["sooner"], "when"
            yield rule["sooner"], "action"


def texts(table: Table | None = None) -> list[str]:
    """Every text of the table a person reads, each once, in table order."""
    return list(dict.fromkeys(place[key] for place, key in _text_places(table or load_rules())))


def with_texts(function: Callable[[str], str], table: Table | None = None) -> Table:
    """A copy of the table with every text a person reads passed through `function` (a
    translation): codes, levels and conditions stay as they are."""
    copied = copy.deepcopy(table or load_rules())
    for place, key in _text_places(copied):
        place[key] = function(place[key])
    return copied


# Worked out once per table: (field, id(table)) -> (table, thresholds). The table is kept
# with its answer so that a new table at a reused id is never given an old one's.
_thresholds: dict[tuple[str, int], tuple[Table, tuple[int, ...] | None]] = {}


def thresholds(field: str, table: Table | None = None) -> tuple[int, ...] | None:
    """The numbers the table's conditions compare a counted field with (at_least, below),
    sorted: two values on the same side of every one of them get the same answer from every
    condition. None when some condition tests the field another way (is, in), so that any
    change of its value may matter. The diary uses it to skip episodes whose history moved
    without crossing any of them (diary.assessment.reassess)."""
    table = table or load_rules()
    known = _thresholds.get((field, id(table)))
    if known is not None and known[0] is table:
        return known[1]
    found: set[int] = set()
    exact = False

    def walk(node: Any) -> None:
        nonlocal exact
        if isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            if node.get("field") == field:
                if "at_least" in node or "below" in node:
                    found.add(node["at_least"] if "at_least" in node else node["below"])
                else:
                    exact = True
            for value in node.values():
                walk(value)

    # Every condition anywhere in the table: the rules' and the pages' (answer_pages).
    walk([table])
    result = None if exact else tuple(sorted(found))
    _thresholds[field, id(table)] = (table, result)
    return result


def _same(a: Any, b: Any) -> bool:
    """Strict equality, like JavaScript's ===, so 1 never equals true in either evaluator."""
    return type(a) is type(b) and a == b


def evaluate(answers: Answers, table: Table | None = None) -> Result:
    """Decide how urgently to get care, as docs/triage-api.md says.

    The level is the most urgent red flag that fires. When none at `soon` or above fires,
    a reassuring explanation (C1, C2) gives self_care, otherwise R1 gives routine; those
    rules are listed only then, because a reassurance beside a red flag would mislead.
    """
    table = table or load_rules()
    rules = table["rules"]
    known = facts(answers)

    def firing(kind: str) -> list[Rule]:
        return [rule for rule in rules if rule["kind"] == kind and holds(rule["when"], known)]

    chosen = firing("red_flag")
    level = None
    for rule in chosen:
        level = more_urgent(level, rule["level"])
    if level is None or level_rank(level) > level_rank(DECISIVE):
        deciders = firing("reassurance") or firing("fallback")
        for rule in deciders:
            level = more_urgent(level, rule["level"])
        chosen += [r for r in deciders if r["level"] == level]
    # Never None here: load_rules refuses a table without an always-true fallback.
    assert level is not None
    order = {rule["code"]: number for number, rule in enumerate(rules)}
    chosen.sort(key=lambda r: (level_rank(r["level"]), order[r["code"]]))
    reasons = [reason_for(rule, known) for rule in chosen]
    return {
        "level": level,
        "reasons": reasons,
        "pages": pages_for(reasons, known, table),
        "sooner": sooner_for(reasons, level),
        "rules_version": table["version"],
    }


def pages_for(reasons: Iterable[Reason], known: Answers, table: Table | None = None) -> list[str]:
    """The pages to read next: those of the reasons, then those about the answers
    (`answer_pages`), each once, and "When to get help" last, the page every care card
    links to. The self-check, the API and the diary all take their pages from here."""
    answer_pages = (table or load_rules()).get("answer_pages", [])
    pages = [page for reason in reasons for page in reason["pages"]]
    pages += [entry["page"] for entry in answer_pages if holds(entry["when"], known)]
    return [page for page in dict.fromkeys(pages) if page != HELP_PAGE] + [HELP_PAGE]


def sooner_for(reasons: Iterable[Reason], level: str) -> dict[str, str] | None:
    """The sooner time frame and action of the first reason at `level` that has one: it
    speaks for the care card. A reason below the level never does (today beats a week)."""
    return next((r["sooner"] for r in reasons if r["level"] == level and "sooner" in r), None)


def would_change(answers: Answers, field: str, options: Sequence[Any], level: str) -> bool:
    """Whether knowing `field` (unknown now) could change the level: the answer is
    evaluated with each plausible value in turn."""
    return any(evaluate({**answers, field: option})["level"] != level for option in options)


# Ages either side of every age in the rules (13, 16, 25, 45), to test an unknown age.
AGES_TO_TRY = (12, 15, 20, 30, 50)


def reason_for(rule: Rule, known: Answers) -> Reason:
    """What the person reads for one rule, given the facts (see `facts`): the first
    variant's message that fits them, and the sooner time frame if the rule has one."""
    reason = {key: list(rule[key]) if key == "pages" else rule[key] for key in REASON_KEYS}
    for variant in rule.get("variants", ()):
        if holds(variant["when"], known):
            reason["message"] = variant["message"]
            break
    if "sooner" in rule:
        reason["sooner"] = dict(rule["sooner"])
    return reason
