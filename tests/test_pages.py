import re
from html.parser import HTMLParser

import pytest

pytestmark = pytest.mark.django_db
PUBLIC_PAGES = [
    "/",
    "/accounts/signup/",
    "/accounts/login/",
    "/accounts/recover/",
    "/check/",
    "/learn/",
    "/learn/cervical-cancer/",
    "/privacy/",
]


def test_home_says_what_the_app_does_and_offers_three_ways_in(client):
    html = client.get("/").content.decode()
    assert "Bleeding after sex" in html
    for href in ('href="/check/"', 'href="/learn/"', 'href="/diary/"'):
        assert href in html


def test_every_page_has_navigation_and_the_not_a_diagnosis_footer(client):
    for url in PUBLIC_PAGES:
        html = client.get(url).content.decode()
        assert '<nav class="site-nav" aria-label="Main">' in html, url
        for label in ("Learn", "Check symptoms", "Diary", "Log in"):
            assert f">{label}</a>" in html, url
        assert "This is not a diagnosis." in html, url
        assert 'href="/learn/when-to-get-help/"' in html, url


class ResourceFinder(HTMLParser):
    """Every address a page makes the browser fetch by itself (links to follow are not)."""

    def __init__(self):
        super().__init__()
        self.fetched = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in ("src", "srcset", "data", "poster"):
            if attrs.get(name):
                self.fetched.append(attrs[name])
        if tag == "link" and attrs.get("href"):
            self.fetched.append(attrs["href"])
        if tag == "form" and attrs.get("action"):
            self.fetched.append(attrs["action"])


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_no_page_requests_anything_from_another_origin(client, url):
    html = client.get(url).content.decode()
    finder = ResourceFinder()
    finder.feed(html)
    assert finder.fetched, "the page should at least load its stylesheet"
    off_site = [ref for ref in finder.fetched if re.match(r"\s*(https?:)?//", ref)]
    assert off_site == []
    assert "@import" not in html and "<style" not in html and " style=" not in html


def test_unknown_page_gets_a_friendly_404_in_the_site_style(client):
    response = client.get("/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "We cannot find that page" in html
    assert "site-header" in html


def test_server_error_gets_a_friendly_500_that_reveals_nothing(client, settings):
    settings.ROOT_URLCONF = "tests.error_urls"
    client.raise_request_exception = False
    response = client.get("/broken/")
    html = response.content.decode()
    assert response.status_code == 500
    assert "Sorry, something went wrong" in html
    assert "secret detail" not in html and "Traceback" not in html


def test_health_probe_answers_when_the_database_does(client):
    assert client.get("/health/").json() == {"status": "ok"}


def test_stylesheet_is_served_and_has_both_colour_schemes(client, settings):
    from pathlib import Path

    from django.contrib.staticfiles import finders

    css = Path(finders.find("css/site.css")).read_text()
    assert "prefers-color-scheme: dark" in css
    assert "min-height: 44px" in css
