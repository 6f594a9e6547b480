import re

import pytest

from knowledge.pages import all_pages

pytestmark = pytest.mark.django_db


def test_index_lists_every_page_in_its_group(client):
    html = client.get("/learn/").content.decode()
    for page in all_pages().values():
        assert f'href="{page.url}"' in html
    for group in ("Getting help", "Infections", "The cervix and the womb"):
        assert group in html
    assert 'href="/check/"' in html


def test_a_page_has_summary_sections_care_card_sources_reviewed_date_and_self_check(client):
    html = client.get("/learn/cervical-polyps/").content.decode()
    assert "<h1>Cervical polyps</h1>" in html
    for section in ("What it is", "How it can cause bleeding", "Other signs", "What helps"):
        assert f"<h2>{section}</h2>" in html
    assert re.search(r'<time datetime="\d{4}-\d{2}-\d{2}">', html)
    assert 'class="care-card care-card--' in html
    assert 'id="sources-title">Sources</h2>' in html
    assert 'href="https://www.nth.nhs.uk/?p=28780"' in html
    assert 'href="/check/"' in html
    assert 'id="related-title">Related pages</h2>' in html


def test_markdown_html_is_not_passed_through(client, settings):
    page = all_pages()["cervical-polyps"]
    assert "<script" not in page.html


def test_when_to_get_help_shows_all_five_levels_and_the_countrys_number(client):
    html = client.get("/learn/when-to-get-help/?country=GB").content.decode()
    for level in ("emergency", "urgent", "soon", "routine", "self-care"):
        assert f"care-card--{level}" in html
    assert 'href="tel:999"' in html
    assert '<option value="GB" selected>' in html

    default = client.get("/learn/when-to-get-help/").content.decode()
    assert 'href="tel:112"' in default


def test_second_medical_number_is_shown_where_a_country_has_one(client):
    html = client.get("/learn/when-to-get-help/?country=ZA").content.decode()
    assert 'href="tel:112"' in html and 'href="tel:10177"' in html


def test_unknown_country_falls_back_to_112(client):
    html = client.get("/learn/when-to-get-help/?country=ZZ").content.decode()
    assert 'href="tel:112"' in html


def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/learn/no-such-cause/")
    assert response.status_code == 404
    assert "We cannot find that page" in response.content.decode()


@pytest.mark.parametrize(
    "query, slug",
    [
        ("chlamydia", "sexually-transmitted-infections"),
        ("Chlamydia", "sexually-transmitted-infections"),
        ("clamydia", "sexually-transmitted-infections"),
        ("polyp", "cervical-polyps"),
        ("polyps", "cervical-polyps"),
        ("POLYPS", "cervical-polyps"),
        ("pollyps", "cervical-polyps"),
        ("pregnant", "bleeding-in-pregnancy"),
        ("pregnancy", "bleeding-in-pregnancy"),
        ("pregnacy", "bleeding-in-pregnancy"),
        ("tear", "vaginal-injury"),
        ("tears", "vaginal-injury"),
        ("cancer", "cervical-cancer"),
        ("cervical cancr", "cervical-cancer"),
        ("smear", "cervical-screening"),
        ("endometrosis", "endometriosis"),
        ("menopause", "vaginal-dryness-and-menopause"),
        ("menapause", "vaginal-dryness-and-menopause"),
        ("blood thinners", "medicines"),
        ("coil", "iuds-and-devices"),
    ],
)
def test_search_finds_the_right_page_first(client, query, slug):
    response = client.get("/learn/search/", {"q": query})
    html = response.content.decode()
    first = re.search(r'class="topic-list__link" href="/learn/([^/]+)/"', html)
    assert first and first.group(1) == slug, query


def test_search_ranks_title_matches_first(client):
    html = client.get("/learn/search/", {"q": "screening"}).content.decode()
    slugs = re.findall(r'class="topic-list__link" href="/learn/([^/]+)/"', html)
    assert slugs[0] == "cervical-screening"
    assert len(slugs) > 1


def test_search_miss_says_so_and_offers_a_way_on(client):
    html = client.get("/learn/search/", {"q": "zebra xylophone"}).content.decode()
    assert "0 pages found" in html
    assert 'href="/learn/"' in html


def test_empty_and_overlong_queries_are_handled(client):
    assert client.get("/learn/search/").status_code == 200
    assert client.get("/learn/search/", {"q": "   "}).status_code == 200
    response = client.get("/learn/search/", {"q": "polyp " * 500})
    assert response.status_code == 200


def test_search_works_without_javascript(client):
    html = client.get("/learn/").content.decode()
    assert '<form class="search-form" method="get" action="/learn/search/"' in html
