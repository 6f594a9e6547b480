"""The words people choose from say the rule table's values, no more and no fewer."""

import pytest

from knowledge import choices, triage


@pytest.mark.parametrize(
    "field, table",
    [
        ("amount", choices.AMOUNT_CHOICES),
        ("clots", choices.CLOTS_CHOICES),
        ("pain_during_sex", choices.PAIN_DURING_CHOICES),
        ("pain_after", choices.PAIN_AFTER_CHOICES),
        ("pain", choices.PAIN_SHORT_CHOICES),
        ("pregnancy", choices.PREGNANCY_CHOICES),
        ("menopause", choices.MENOPAUSE_CHOICES),
        ("cervical_screening", choices.SCREENING_CHOICES),
        ("symptoms", choices.SYMPTOM_CHOICES),
        ("recent_procedure", choices.PROCEDURE_CHOICES),
    ],
)
def test_every_choice_is_a_value_of_the_rule_table_and_every_value_is_offered(field, table):
    values = [value for value, _label in table]
    assert sorted(values) == sorted(triage.CHOICES[field])
    assert all(str(label).strip() for _value, label in table)
