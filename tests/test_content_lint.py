"""Lint over every knowledge page file: front matter, sources, dates, links, coverage."""

import datetime
import re

import frontmatter
import pytest
from django.urls import Resolver404, resolve

from knowledge.pages import CARE_LEVELS, CONTENT_DIR, GROUPS, HELP_NOW_LEVELS
from tests.helpers import source_allowed as allowed

FILES = sorted(CONTENT_DIR.glob("*/*.md"))
SLUGS = {path.stem for path in FILES}
REQUIRED = ("title", "summary", "reviewed", "group", "order", "keywords", "related")
REQUIRED += ("care_card", "sources")
# Task-led headings: what a worried reader asks, in the order they ask it, in each language.
CAUSE_SECTIONS = {
    "en": ["What it is", "Is it serious?", "What you can do", "What happens at the appointment"],
    "ru": ["Что это", "Опасно ли это?", "Что можно сделать", "Что будет на приёме"],
}
# Rendered from the front matter: a copy in the body would drift.
FROM_FRONT_MATTER = {
    "en": {"sources", "when to get help"},
    "ru": {"источники", "когда обращаться за помощью"},
}
# Every cause the product promises a page for (issue 5), and the pages around them.
PROMISED = {
    "first-intercourse",
    "vaginal-injury",
    "vaginitis-and-cervicitis",
    "sexually-transmitted-infections",
    "cervical-ectropion",
    "cervical-polyps",
    "endometriosis",
    "cervical-cancer",
    "bleeding-in-pregnancy",
    "medicines",
    "vitamin-c-deficiency",
    "partners-blood",
    "vaginal-dryness-and-menopause",
    "iuds-and-devices",
    "non-consensual-sex",
    "when-to-get-help",
    "at-the-appointment",
    "cervical-screening",
    "about",
    # The second edition (issue 16): the causes still missing.
    "after-a-procedure-or-birth",
    "bleeding-after-the-menopause",
    "vulval-and-skin-causes",
    "trans-and-non-binary",
    "pelvic-inflammatory-disease",
    "bleeding-disorders",
    "bleeding-from-the-anus",
}
NOT_CAUSES = {"when-to-get-help", "at-the-appointment", "cervical-screening", "about"}
NOT_CAUSES |= {"non-consensual-sex", "trans-and-non-binary"}
# The "Get help now" box opens the page: each of its signs is one short line.
HELP_NOW_MAX_CHARS = 150
UNFINISHED = re.compile(r"lorem ipsum|\bTODO\b|\bTBD\b|FIXME|placeholder|\[citation", re.I)


def load(path):
    return frontmatter.load(path)


@pytest.fixture(params=FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def post(request):
    return request.param, load(request.param)


def test_every_promised_page_exists():
    assert {p.stem for p in CONTENT_DIR.glob("en/*.md")} >= PROMISED


def test_required_front_matter(post):
    path, page = post
    missing = [key for key in REQUIRED if not page.get(key)]
    assert missing == [], path.name
    assert page["group"] in GROUPS
    assert len(page["summary"]) <= 200


def test_sources_have_titles_and_https_urls(post):
    _, page = post
    assert len(page["sources"]) >= 1
    for source in page["sources"]:
        assert source["title"].strip()
        assert source["url"].startswith("https://"), source["url"]


def test_reviewed_date_is_real_not_future_and_not_older_than_3_years(post):
    _, page = post
    reviewed = page["reviewed"]
    assert isinstance(reviewed, datetime.date)
    today = datetime.date.today()
    assert reviewed <= today
    assert reviewed >= today.replace(year=today.year - 3)


def test_every_source_is_from_a_body_on_the_allow_list(post):
    """Canonical pages of the bodies that wrote the guidance, not copies, news or clinics."""
    _, page = post
    outside = [source["url"] for source in page["sources"] if not allowed(source["url"])]
    assert outside == []


@pytest.mark.parametrize(
    "url, ok",
    [
        ("https://www.nhs.uk/conditions/colposcopy/", True),
        ("https://www.nth.nhs.uk/?p=28780", True),
        ("https://pubmed.ncbi.nlm.nih.gov/16762128/", True),
        ("https://www.jostrust.org.uk/information/cervical-screening", False),
        ("https://www.gponline.com/postcoital-bleeding", False),
        ("https://notnhs.uk/page", False),
        ("https://nhs.uk.example.com/page", False),
    ],
)
def test_the_allow_list_matches_hosts_and_their_subdomains_only(url, ok):
    assert allowed(url) is ok


def test_every_page_has_signs_for_its_get_help_now_box(post):
    """The box that opens every page lists the card's emergency and urgent items."""
    _, page = post
    signs = [item["when"] for item in page["care_card"] if item["level"] in HELP_NOW_LEVELS]
    assert signs
    too_long = [sign for sign in signs if len(sign) > HELP_NOW_MAX_CHARS]
    assert too_long == []


def test_care_card_levels_are_known_and_most_urgent_first(post):
    _, page = post
    levels = [item["level"] for item in page["care_card"]]
    assert all(level in CARE_LEVELS for level in levels)
    assert levels == sorted(levels, key=CARE_LEVELS.index)
    assert all(item["when"].strip() for item in page["care_card"])


def test_care_card_items_name_their_rules_as_a_list_of_codes(post):
    """A misspelt `rule:` or an empty list would quietly stop an item being checked against
    the rules (tests/test_care_cards_match_rules.py)."""
    _, page = post
    for item in page["care_card"]:
        assert set(item) <= {"level", "when", "rules"}, item
        if "rules" in item:
            rules = item["rules"]
            assert isinstance(rules, list) and rules, item
            assert all(isinstance(code, str) for code in rules), item
            assert len(set(rules)) == len(rules), item


def test_related_pages_exist_and_are_not_the_page_itself(post):
    path, page = post
    for slug in page["related"]:
        assert slug in SLUGS, slug
        assert slug != path.stem


def test_every_internal_link_resolves(post):
    _, page = post
    links = re.findall(r"\]\((/[^)\s]*)\)", page.content)
    for link in links:
        path = link.split("#")[0].split("?")[0]
        if path.startswith("/learn/") and path.count("/") == 3:
            assert path.split("/")[2] in SLUGS, link
        else:
            try:
                resolve(path)
            except Resolver404:
                pytest.fail(f"internal link {link} does not resolve")


def test_no_external_links_or_html_in_the_body(post):
    _, page = post
    assert not re.search(r"\]\((https?:)?//", page.content)
    assert not re.search(r"<[a-zA-Z/][^>]*>", page.content)


def test_cause_pages_have_the_standard_sections(post):
    path, page = post
    if path.stem in NOT_CAUSES:
        return
    headings = re.findall(r"^## (.+)$", page.content, re.M)
    assert headings == CAUSE_SECTIONS[path.parent.name], path.name


def test_no_sources_or_help_section_in_the_body(post):
    """Both are rendered from the front matter; a copy in the body would drift."""
    path, page = post
    headings = {h.lower() for h in re.findall(r"^#+ (.+)$", page.content, re.M)}
    assert not headings & FROM_FRONT_MATTER[path.parent.name]


def test_no_unfinished_text(post):
    path, _ = post
    assert not UNFINISHED.search(path.read_text(encoding="utf-8"))


TRANSLATED = sorted(path for path in FILES if path.parent.name != "en")


def test_every_language_folder_is_one_the_site_offers():
    from django.conf import settings

    offered = {code for code, _name in settings.LANGUAGES}
    assert {path.parent.name for path in FILES} <= offered


@pytest.mark.parametrize("path", TRANSLATED, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_a_translated_page_has_its_english_page_and_the_same_care_card(path):
    """Written for its readers, not word for word: but the same page (its address), the same
    place in the index, the same levels and the rules behind them, so that the advice never
    depends on the language."""
    english_path = CONTENT_DIR / "en" / path.name
    assert english_path.exists(), path.name
    page, english = load(path), load(english_path)
    assert (page["group"], page["order"], page["related"]) == (
        english["group"],
        english["order"],
        english["related"],
    )
    levels = [(item["level"], item.get("rules")) for item in page["care_card"]]
    assert levels == [(item["level"], item.get("rules")) for item in english["care_card"]]


@pytest.mark.parametrize("path", sorted(CONTENT_DIR.glob("ru/*.md")), ids=lambda p: p.stem)
def test_a_russian_page_says_how_it_was_checked_in_russian(path):
    """The review note is printed under the sources for the reader, so it is in the page's
    language; names of English sources and web hosts may stay Latin."""
    words = {
        "title": load(path)["title"],
        "summary": load(path)["summary"],
        "review note": load(path).get("review_note", "Проверено."),
    }
    for field, text in words.items():
        cyrillic = len(re.findall("[а-яё]", text, re.IGNORECASE))
        latin = len(re.findall("[a-z]", text, re.IGNORECASE))
        assert cyrillic > 2 * latin, (field, text[:80])
