"""The rule table and the emergency numbers say what the spec says, with sources."""

import copy
import hashlib
import json
import re
from urllib.parse import urlparse

import pytest

from knowledge.emergency import COUNTRY_CODES, emergency_number, emergency_numbers
from knowledge.pages import all_pages
from knowledge.triage import LEVELS, load_rules
from tests.helpers import source_allowed

# docs/triage-api.md, "Rules", in the spec's order.
SPEC_RULES = {
    "heavy_bleeding": "emergency",
    "faint": "emergency",
    "severe_pain_after": "emergency",
    "severe_pain_with_bleeding": "emergency",
    "pregnancy_severe_pain": "emergency",
    "pregnant_bleeding": "urgent",
    "possible_ectopic": "urgent",
    "possible_pregnancy_missed_period": "urgent",
    "pelvic_infection_severe": "emergency",
    "possible_internal_bleeding": "emergency",
    "vault_opening": "emergency",
    "fever": "urgent",
    "sick_with_infection_signs": "urgent",
    "shoulder_tip_pain": "urgent",
    "procedure_complication": "urgent",
    "after_hysterectomy": "urgent",
    "pelvic_infection": "urgent",
    "non_consensual": "urgent",
    "child_safeguarding": "urgent",
    "anticoagulant_bleeding": "urgent",
    "ongoing_bleeding": "urgent",
    "large_clots": "urgent",
    "severe_pain_during_sex": "urgent",
    "postmenopausal_bleeding": "soon",
    "recurrent_bleeding": "soon",
    "persistent_bleeding": "soon",
    "screening_due": "soon",
    "intermenstrual_bleeding": "soon",
    "infection_signs": "soon",
    "pelvic_pain": "soon",
    "possible_pregnancy": "soon",
    "on_anticoagulants": "soon",
    "visible_sore_or_lump": "soon",
    "unexplained_weight_loss": "soon",
    "vaginal_bulge": "soon",
    "unexplained_bleeding": "routine",
    "first_intercourse_light": "self_care",
    "partner_blood": "self_care",
}
KINDS = {
    "unexplained_bleeding": "fallback",
    "first_intercourse_light": "reassurance",
    "partner_blood": "reassurance",
}

SLUGS = set(all_pages())

# Words a 9-year-old reader would not know; the pages explain them, the messages avoid them.
JARGON = re.compile(
    r"postcoital|post-coital|\bPCB\b|haemat|hemat|anticoagula|ectopic|menorrh|"
    r"intermenstrual|inflammatory|\bPID\b|dyspareunia|cervicitis|atroph|diagnos",
    re.IGNORECASE,
)

EU = [
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE",
    "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
]  # fmt: skip
SPEC_NUMBERS = {
    **dict.fromkeys(EU, "112"),
    "GB": "999", "IE": "112", "US": "911", "CA": "911", "MX": "911", "AU": "000",
    "NZ": "111", "JP": "119", "KR": "119", "CN": "120", "IN": "112", "BR": "192",
    "ZA": "112", "RU": "112", "UA": "103", "CH": "144", "NO": "113", "IL": "101",
    "TR": "112",
}  # fmt: skip
SECOND_NUMBERS = {"ZA": "10177", "IN": "108", "RU": "103", "CH": "112"}

RULES = load_rules()["rules"]


def is_https(url):
    parts = urlparse(url)
    return parts.scheme == "https" and "." in parts.netloc


def test_codes_and_levels_match_the_spec():
    assert {r["code"]: r["level"] for r in RULES} == SPEC_RULES
    assert len(RULES) == len(SPEC_RULES), "no code twice"


def test_table_reads_from_most_to_least_urgent():
    """A clinician reads the table top down; within a level, the table's order is the order
    in which reasons are shown."""
    ranks = [LEVELS.index(r["level"]) for r in RULES]
    assert ranks == sorted(ranks)


def test_kinds_mark_the_fallback_and_the_reassurances():
    assert {r["code"]: r["kind"] for r in RULES} == {
        code: KINDS.get(code, "red_flag") for code in SPEC_RULES
    }


def test_version_is_a_string():
    assert load_rules()["version"] == "2"


# What a rules version stands for (docs/triage-api.md): the codes, levels and conditions.
# Change any of them and this fails until `version` is bumped and its fingerprint added;
# a reworded message, a new source or another page to read next leaves it as it is.
FINGERPRINTS = {"2": "492a2d3921709ba2"}


def fingerprint(rules):
    table = [[rule["code"], rule["level"], rule["kind"], rule["when"]] for rule in rules["rules"]]
    return hashlib.sha256(json.dumps(table, sort_keys=True).encode()).hexdigest()[:16]


def test_the_version_changes_with_codes_levels_and_conditions_and_only_with_them():
    rules = load_rules()
    assert fingerprint(rules) == FINGERPRINTS[rules["version"]]
    reworded = copy.deepcopy(rules)
    reworded["rules"][0]["message"] = "Other words."
    reworded["rules"][0]["source_url"] = "https://www.nhs.uk/"
    assert fingerprint(reworded) == fingerprint(rules)
    stricter = copy.deepcopy(rules)
    stricter["rules"][-1]["level"] = "soon"
    assert fingerprint(stricter) != fingerprint(rules)


@pytest.mark.parametrize("rule", RULES, ids=[r["code"] for r in RULES])
def test_rule_has_a_source_with_an_https_address(rule):
    assert rule["source"].strip()
    assert is_https(rule["source_url"]), rule["source_url"]


@pytest.mark.parametrize("rule", RULES, ids=[r["code"] for r in RULES])
def test_rule_source_is_from_a_body_on_the_allow_list(rule):
    """The reason's source is shown to the person: the canonical page of a body we cite."""
    assert source_allowed(rule["source_url"]), rule["source_url"]


# Every message a person can read: each rule's, and each of its variants'.
MESSAGES = [
    pytest.param(message, id=f"{r['code']}-{n}")
    for r in RULES
    for n, message in enumerate([r["message"], *(v["message"] for v in r.get("variants", ()))])
]


@pytest.mark.parametrize("message", MESSAGES)
def test_rule_message_is_short_plain_and_speaks_to_you(message):
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", message.strip()) if s]
    assert 1 <= len(sentences) <= 2, "one or two short sentences"
    assert all(len(s.split()) <= 25 for s in sentences), "short sentences"
    assert re.search(r"\byou(r)?\b", message, re.IGNORECASE), "speaks to the reader"
    assert not JARGON.search(message), f"jargon: {JARGON.search(message).group()}"
    assert "{" not in message, "messages are shown as they are; no placeholders"


@pytest.mark.parametrize("rule", RULES, ids=[r["code"] for r in RULES])
def test_rule_pages_are_existing_knowledge_pages(rule):
    assert rule["pages"], "every reason links to at least one page"
    for page in rule["pages"]:
        match = re.fullmatch(r"/learn/([a-z0-9-]+)/", page)
        assert match and match.group(1) in SLUGS, page


def test_every_level_has_its_care_text_in_order():
    levels = load_rules()["levels"]
    assert tuple(levels) == LEVELS
    for name, level in levels.items():
        for key in ("title", "action", "who", "when", "advice"):
            assert isinstance(level[key], str) and level[key].strip(), f"{name}.{key}"


def test_level_advice_says_what_the_spec_says():
    levels = load_rules()["levels"]
    assert "{emergency_number}" in levels["emergency"]["action"]
    assert "emergency" in levels["emergency"]["advice"]
    assert "today" in levels["urgent"]["advice"]
    assert re.search(r"maternity or early.pregnancy unit", levels["urgent"]["advice"])
    soon = "Book an appointment with a GP or gynaecologist within 2 weeks."
    assert levels["soon"]["advice"] == soon
    assert "sexual health clinic" in levels["routine"]["advice"]
    assert "keep an eye on it" in levels["self_care"]["advice"]


def test_child_and_non_consensual_messages_are_kind():
    messages = {r["code"]: r["message"] for r in RULES}
    assert "not in trouble" in messages["child_safeguarding"]
    assert "not your fault" in messages["non_consensual"]
    assert re.search(r"hours|days", messages["non_consensual"]), "time limits matter"


@pytest.mark.parametrize(
    ("mistake", "error"),
    [
        ("source_url: https://www.nice.org.uk/guidance/ng12", "source_url: http://nice.org.uk"),
        ("level: soon", "level: sooner"),
        ("{field: faint, is: true}", "{field: faint, equals: true}"),
        ("{field: faint, is: true}", "{field: fainted, is: true}"),
        ('{field: pregnancy, is: "yes"}', "{field: pregnancy, is: yes}"),
        ("    kind: red_flag\n", ""),
    ],
)
def test_a_broken_table_fails_on_load_naming_the_rule(tmp_path, mistake, error):
    from knowledge.triage import RULES_PATH

    text = RULES_PATH.read_text(encoding="utf-8")
    assert mistake in text
    broken = tmp_path / "rules.yaml"
    broken.write_text(text.replace(mistake, error, 1), encoding="utf-8")
    with pytest.raises(ValueError, match=r"^rule [a-z_]+: "):
        load_rules(broken)


@pytest.mark.parametrize(("country", "number"), SPEC_NUMBERS.items())
def test_spec_country_has_its_emergency_number(country, number):
    assert country in COUNTRY_CODES
    assert emergency_number(country) == number
    assert emergency_number(country.lower()) == number
    found = emergency_numbers(country)
    assert found["second"] == SECOND_NUMBERS.get(country)
    assert is_https(found["source"])


@pytest.mark.parametrize("country", [None, "", "XX", "zz", "GBR"])
def test_unknown_country_gets_112(country):
    assert emergency_number(country) == "112"
    default = emergency_numbers(country)
    assert default["second"] is None
    assert default["source"] == "https://en.wikipedia.org/wiki/112_(emergency_telephone_number)"


def test_every_rule_s_source_is_english_guidance():
    """The results mark a reason's source as English for a screen reader in another
    language (knowledge/includes/result_details.html): a source in another script would
    need its own language."""
    for rule in load_rules()["rules"]:
        assert re.fullmatch(r"[\x20-\x7e‘’“”–—]+", rule["source"]), rule["code"]
