"""Pages and rules agree: a care card item that names rules has the level those rules give.

rules.yaml is the table the clinicians reviewed, so when a page and a rule disagree the page
is what changes. An item names the rules that decide its situation in its `rules:` list.
"""

import pytest

from knowledge import pages
from knowledge.triage import load_rules

RULE_LEVELS = {rule["code"]: rule["level"] for rule in load_rules()["rules"]}
LANGUAGES = sorted(folder.name for folder in pages.CONTENT_DIR.iterdir() if folder.is_dir())
ITEMS = [
    (f"{language}/{slug}", item)
    for language in LANGUAGES
    for slug, page in pages.all_pages(language).items()
    for item in page.care_items
]
CHECKED = [(name, item) for name, item in ITEMS if item.rules]

# The clinical review (rules version 2) found these pages out of step with the rules:
# endometriosis said "soon" where the rules give routine, the coil page said "urgent" after a
# recent fitting where rules v1 said soon, and vitamin C said "urgent" for a situation no
# self-check question reaches. Every item on them must stay checked.
REVIEWED = ("endometriosis", "iuds-and-devices", "vitamin-c-deficiency")
# Advice on those pages that no rule covers, and why it may stay unchecked.
GENERAL_ADVICE = {
    # Missing threads can mean the coil has moved; the self-check does not ask about it.
    ("iuds-and-devices", "You cannot feel your coil threads."),
}


@pytest.mark.parametrize(
    "name, item",
    CHECKED,
    ids=[f"{name}:{item.level}:{'+'.join(item.rules)}" for name, item in CHECKED],
)
def test_care_card_item_has_the_level_of_every_rule_it_names(name, item):
    wrong = {code: RULE_LEVELS[code] for code in item.rules if RULE_LEVELS[code] != item.level}
    assert not wrong, f"{name}: {item.when!r} says {item.level}, but the rules say {wrong}"


def test_every_page_names_rules_on_its_care_card():
    """Every page is about bleeding after sex, so some of its card is the rules' business."""
    unchecked = {name for name, _ in ITEMS} - {name for name, _ in CHECKED}
    assert unchecked == set()


@pytest.mark.parametrize("slug", REVIEWED)
def test_the_reviewed_pages_name_rules_for_every_care_card_item(slug):
    page = pages.all_pages()[slug]
    unchecked = [
        item.when
        for item in page.care_items
        if not item.rules and (slug, item.when) not in GENERAL_ADVICE
    ]
    assert page.care_items
    assert unchecked == []


PAGE_WITH_A_MADE_UP_CODE = """---
title: A page
summary: A page whose care card names a rule that does not exist.
reviewed: 2026-11-25
group: other-causes
care_card:
  - level: urgent
    when: "You bled after sex."
    rules: [heavy_bleeding, bleeding_from_the_moon]
sources:
  - title: "NHS"
    url: "https://www.nhs.uk/"
---

Text.
"""


@pytest.fixture
def content_dir(tmp_path, monkeypatch):
    """A content folder of our own, and no cached pages from the real one on either side."""
    monkeypatch.setattr(pages, "CONTENT_DIR", tmp_path)
    pages.all_pages.cache_clear()
    yield tmp_path
    pages.all_pages.cache_clear()


def test_a_made_up_rule_code_stops_the_pages_loading_and_names_the_page(content_dir):
    (content_dir / "en").mkdir()
    (content_dir / "en" / "a-page.md").write_text(PAGE_WITH_A_MADE_UP_CODE, encoding="utf-8")

    with pytest.raises(ValueError, match=r"en/a-page.*bleeding_from_the_moon") as error:
        pages.all_pages("en")
    assert "heavy_bleeding" not in str(error.value)
