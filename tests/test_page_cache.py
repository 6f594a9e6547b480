"""Finished public pages kept in memory (pcb_site/page_cache.py): fast for everyone who is not
signed in, and never anyone's page but their own."""

import pytest
from django.test import Client

from tests.test_self_check import TYPICAL

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = [
    "/",
    "/learn/",
    "/learn/cervical-cancer/",
    "/learn/when-to-get-help/",
    "/check/",
    "/privacy/",
]


def rendered(response):
    """Whether the view rendered the page for this request (the test client records every
    template rendered); a kept copy renders none."""
    return bool(response.templates)


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_a_public_page_is_rendered_once_then_served_as_it_was(client, path):
    first = client.get(path)
    second = client.get(path)
    assert rendered(first)
    assert not rendered(second)
    assert second.status_code == 200
    assert second.content == first.content
    # The headers the page was given, the policy and no-store among them, come with it.
    for header in (
        "Content-Security-Policy",
        "Cache-Control",
        "Content-Type",
        "Content-Language",
        "X-Frame-Options",
        "Referrer-Policy",
    ):
        assert second.get(header) == first.get(header), header


def test_a_signed_in_page_is_never_kept_nor_served_a_kept_copy(client, member):
    anonymous = Client()
    assert b"Lock now" not in anonymous.get("/learn/cervical-cancer/").content
    client.force_login(member)
    for _ in range(2):
        mine = client.get("/learn/cervical-cancer/")
        assert rendered(mine)
        assert b"Lock now" in mine.content
    after = anonymous.get("/learn/cervical-cancer/")
    assert b"Lock now" not in after.content and b"robin" not in after.content


def test_a_stale_session_cookie_is_not_answered_from_the_cache(client):
    client.get("/learn/")
    client.cookies["sessionid"] = "not-a-session-anymore"
    assert rendered(client.get("/learn/"))


def test_the_emergency_number_follows_each_visitors_country(client):
    for language, number in [
        ("en-GB", b'href="tel:999"'),
        ("en-US", b'href="tel:911"'),
        ("en-GB", b'href="tel:999"'),
        ("en-AU", b'href="tel:000"'),
    ]:
        page = client.get("/learn/cervical-cancer/", HTTP_ACCEPT_LANGUAGE=language)
        assert number in page.content, language
    chosen = client.get("/learn/cervical-cancer/?country=US", HTTP_ACCEPT_LANGUAGE="en-GB")
    assert b'href="tel:911"' in chosen.content
    again = client.get("/learn/cervical-cancer/?country=US", HTTP_ACCEPT_LANGUAGE="en-GB")
    assert not rendered(again) and b'href="tel:911"' in again.content


def test_every_kept_page_is_the_same_in_every_time_zone(client, settings):
    """Why the key leaves the time zone out: rendered in zones a day apart (UTC+14 and
    UTC-11) and with none, each page is the same, byte for byte."""
    from knowledge.pages import all_pages

    settings.PAGE_CACHE_SECONDS = 0
    paths = [*PUBLIC_PAGES, *(f"/learn/{slug}/" for slug in all_pages("en"))]
    for path in paths:
        pages = set()
        for zone in ("Pacific/Kiritimati", "Pacific/Pago_Pago", None):
            client.cookies.clear()
            if zone:
                client.cookies["tz"] = zone
            pages.add(client.get(path).content)
        assert len(pages) == 1, path


def test_one_copy_serves_every_time_zone(client):
    client.get("/privacy/")
    client.cookies["tz"] = "Europe/London"
    assert not rendered(client.get("/privacy/"))


def test_other_queries_are_always_rendered(client):
    client.get("/learn/?utm=1")
    assert rendered(client.get("/learn/?utm=1"))


def test_a_self_check_answer_is_never_served_to_the_next_visitor(client):
    answered = client.post("/check/", {**TYPICAL, "faint": "yes", "amount": "heavy"}, follow=True)
    assert b"care-card--emergency" in answered.content
    again = client.get("/check/")  # the answer was shown once, and forgotten
    stranger = Client().get("/check/")
    for page in (again, stranger):
        assert b"care-card--emergency" not in page.content
        assert b'<form class="form check-form" method="post"' in page.content


def test_a_page_that_sets_a_cookie_or_holds_a_form_token_is_not_kept(client):
    # The sign-in page is not marked as the same for everyone, and it holds a CSRF token.
    client.get("/accounts/login/")
    assert rendered(client.get("/accounts/login/"))


def test_it_can_be_turned_off(client, settings):
    settings.PAGE_CACHE_SECONDS = 0
    client.get("/learn/")
    assert rendered(client.get("/learn/"))


def test_a_changed_setting_empties_it(client, settings):
    client.get("/")
    settings.SITE_NAME = "Tidepool"
    page = client.get("/")
    assert rendered(page) and b"Tidepool" in page.content


def test_a_response_that_varies_on_another_header_is_not_kept(rf):
    from django.http import HttpResponse

    from pcb_site.page_cache import PageCacheMiddleware, clear, share

    clear()
    calls = []

    def view(request):
        calls.append(request)
        response = share(HttpResponse("hello"))
        response["Vary"] = "User-Agent"
        return response

    middleware = PageCacheMiddleware(view)
    for _ in range(2):
        middleware(rf.get("/varies/"))
    assert len(calls) == 2


def test_an_unknown_host_finds_nothing_kept(client):
    client.get("/privacy/")
    assert not rendered(client.get("/privacy/"))
    assert client.get("/privacy/", HTTP_HOST="evil.example").status_code == 400


def test_plain_http_never_finds_a_page_kept_for_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    secure = client.get("/privacy/", HTTP_X_FORWARDED_PROTO="https")
    assert secure.status_code == 200
    assert not rendered(client.get("/privacy/", HTTP_X_FORWARDED_PROTO="https"))
    assert client.get("/privacy/").status_code == 301
