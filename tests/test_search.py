"""How search ranks, on made-up pages whose words are chosen to tell the tiers apart
(tests/test_knowledge_pages.py holds the real pages to a table of queries)."""

import datetime

import pytest

from knowledge import search


def page(slug, title, body, keywords=(), summary="A page."):
    from knowledge.pages import Page

    return Page(
        slug=slug, language="en", title=title, summary=summary,
        reviewed=datetime.date(2026, 11, 25), group="other-causes", order=0,
        keywords=tuple(keywords), related=(), care_items=(), sources=(), review_note="",
        markdown=body, html="",
    )  # fmt: skip


@pytest.fixture
def pages(monkeypatch):
    made = {}
    monkeypatch.setattr(search, "all_pages", lambda language: made)
    search._index.cache_clear()
    yield made
    search._index.cache_clear()


def slugs(query):
    return [result.page.slug for result in search.search(query)]


def test_a_title_match_ranks_above_many_body_matches(pages):
    pages["body"] = page("body", "Tests", "A smear. Another smear. Smear again, smear test.")
    pages["title"] = page("title", "Smear tests", "Nothing else here.")
    assert slugs("smear") == ["title", "body"]


def test_whole_words_rank_above_words_they_start(pages):
    # By BM25 alone the title would win: the tiers put the whole word first.
    pages["longer"] = page("longer", "Polypectomy", "A polypectomy removes it. " * 5)
    pages["whole"] = page("whole", "Growths", "A polyp can bleed.")
    assert slugs("polyp") == ["whole", "longer"]


def test_a_close_spelling_finds_the_page(pages):
    pages["chlamydia"] = page("chlamydia", "Infections", "Chlamydia is common.")
    pages["other"] = page("other", "Other", "Nothing to see.")
    assert slugs("clamydia") == ["chlamydia"]


def test_every_word_must_match_before_any_word_may(pages):
    pages["both"] = page("both", "One", "Bleeding after the menopause.")
    pages["one"] = page("one", "Two", "Bleeding after sex.")
    assert slugs("bleeding menopause") == ["both"]
    # When no page has every word, pages with some of them are better than nothing.
    assert set(slugs("bleeding zebra")) == {"both", "one"}


def test_query_syntax_is_text_not_commands(pages):
    """FTS5 reads quotes, stars, NEAR and column filters: typed, they are only words."""
    pages["one"] = page("one", "Bleeding", "Bleeding after sex.")
    for query in [
        '"',
        "bleeding*",
        "title:bleeding",
        "NEAR(bleeding sex)",
        "bleeding OR",
        "-",
        "^",
    ]:
        search.search(query)  # no exception
    assert slugs("title:bleeding") == ["one"]
