"""The rule table's texts reach the translation catalogues: makemessages reads Python, so
knowledge/rule_texts.py repeats them, and must say what rules.yaml says."""

from knowledge import rule_texts, triage
from knowledge.management.commands.write_rule_texts import TARGET, render


def test_rule_texts_py_is_what_write_rule_texts_would_write():
    assert TARGET.read_text(encoding="utf-8") == render(), (
        "rules.yaml changed: run `python manage.py write_rule_texts`, then makemessages"
    )


def test_every_text_a_person_reads_from_the_table_is_marked_for_translation():
    table = triage.load_rules()
    marked = set(rule_texts.TEXTS)
    for level, info in table["levels"].items():
        for key in triage.LEVEL_KEYS:
            assert info[key] in marked, (level, key)
    for rule in table["rules"]:
        assert rule["message"] in marked, rule["code"]
        for variant in rule.get("variants", ()):
            assert variant["message"] in marked, rule["code"]
        for key in ("when", "action"):
            if "sooner" in rule:
                assert rule["sooner"][key] in marked, rule["code"]
