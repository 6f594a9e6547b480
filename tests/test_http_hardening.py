"""Security headers and cookies on a public page, a diary page and the API."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from diary.models import Episode
from tests.helpers import stored_episode

pytestmark = pytest.mark.django_db


@pytest.fixture
def episode(member):
    return stored_episode(member)


def pages(episode):
    return {
        "public": "/learn/cervical-polyps/",
        "diary": f"/diary/{episode.pk}/",
        "api": "/api/v1/episodes/",
    }


def test_common_headers_everywhere(signed_in, episode):
    for kind, url in pages(episode).items():
        response = signed_in.get(url)
        assert response.status_code == 200, kind
        csp = response["Content-Security-Policy"]
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, kind
        assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp, kind
        assert response["Referrer-Policy"] == "same-origin", kind
        assert response["X-Content-Type-Options"] == "nosniff", kind
        assert response["X-Frame-Options"] == "DENY", kind
        assert response["Cross-Origin-Opener-Policy"] == "same-origin", kind
        policy = response["Permissions-Policy"]
        for feature in ("camera=()", "microphone=()", "geolocation=()", "browsing-topics=()"):
            assert feature in policy, (kind, feature)


def test_health_pages_and_api_are_never_stored(signed_in, episode):
    for kind in ("diary", "api"):
        cache_control = signed_in.get(pages(episode)[kind])["Cache-Control"]
        assert "no-store" in cache_control and "private" in cache_control, kind
    triage = signed_in.post(
        "/api/v1/triage/", {"age": 30, "amount": "light"}, content_type="application/json"
    )
    assert "no-store" in triage["Cache-Control"]
    assert "no-store" in Client().get("/check/")["Cache-Control"]


def test_public_knowledge_pages_may_be_cached(client):
    assert "no-store" not in client.get("/learn/cervical-polyps/").get("Cache-Control", "")


def test_cookies_are_http_only_and_same_site(client, member, password):
    client.get("/accounts/login/")
    response = client.post("/accounts/login/", {"username": "robin", "password": password})
    session = response.cookies["sessionid"]
    assert session["httponly"] and session["samesite"] == "Lax"
    csrf = client.get("/accounts/login/").cookies.get("csrftoken") or client.cookies["csrftoken"]
    assert csrf["samesite"] == "Lax"


def test_with_https_on_cookies_are_secure_and_hsts_is_sent(settings, member, password):
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    client = Client()
    page = client.get("/", secure=True)
    assert page["Strict-Transport-Security"].startswith("max-age=31536000")
    response = client.post(
        "/accounts/login/", {"username": "robin", "password": password}, secure=True
    )
    assert response.cookies["sessionid"]["secure"]
    assert client.cookies["csrftoken"]["secure"]


def test_session_ends_after_30_idle_minutes_and_each_request_renews_it(settings, signed_in):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    response = signed_in.get("/diary/")
    assert response.cookies["sessionid"]["max-age"] == 30 * 60


def test_a_session_is_renewed_at_most_once_a_minute_and_ends_30_minutes_after(
    settings, signed_in, monkeypatch
):
    """Not a write on every request, and still never signed in longer than promised."""
    from django.contrib.sessions.models import Session

    from pcb_site import middleware

    clock = [1_800_000_000]
    monkeypatch.setattr(middleware.time, "time", lambda: clock[0])
    assert "sessionid" in signed_in.get("/diary/").cookies  # renewed: the first since sign-in
    clock[0] += 30
    assert "sessionid" not in signed_in.get("/diary/").cookies  # 30 s later: nothing written
    clock[0] += 31
    renewed = signed_in.get("/diary/")
    assert renewed.cookies["sessionid"]["max-age"] == 30 * 60
    key = renewed.cookies["sessionid"].value
    remaining = Session.objects.get(session_key=key).expire_date - timezone.now()
    assert datetime.timedelta(minutes=29) < remaining <= datetime.timedelta(minutes=30)


def test_lock_now_ends_the_session_at_once(signed_in):
    html = signed_in.get("/diary/").content.decode()
    assert ">Lock now</button>" in html
    response = signed_in.post("/accounts/lock/", follow=True)
    assert response.redirect_chain[-1][0] == "/accounts/login/"
    assert signed_in.get("/diary/").status_code == 302


def test_tampered_session_cookie_is_simply_signed_out(client, member):
    client.force_login(member)
    client.cookies["sessionid"] = client.cookies["sessionid"].value[:-4] + "abcd"
    response = client.get("/diary/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_missing_or_wrong_csrf_token_is_a_calm_403(member):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    response = client.post("/diary/new/", {"amount": "light"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "Please try that again" in html and "Nothing was saved" in html
    client.get("/diary/new/")
    wrong = client.post("/diary/new/", {"amount": "light", "csrfmiddlewaretoken": "x" * 64})
    assert wrong.status_code == 403
    assert not Episode.objects.exists()


def csrf_client(member):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    client.get("/diary/profile/")
    return client, client.cookies["csrftoken"].value


def test_a_foreign_origin_is_refused_even_with_a_token(member):
    client, token = csrf_client(member)
    response = client.post(
        "/diary/profile/",
        {"csrfmiddlewaretoken": token},
        HTTP_ORIGIN="https://evil.example",
        HTTP_SEC_FETCH_SITE="same-origin",
    )
    assert response.status_code == 403


def test_static_files_carry_the_same_security_headers_as_pages(client, settings):
    # WhiteNoise answers these before the CSP middleware runs, so they need their own.
    from django.templatetags.static import static

    page = client.get("/")
    files = {
        "stylesheet": static("css/site.css"),
        "script": static("js/quick-exit.js"),
        # An SVG opened on its own is a document that could run script: the CSP matters most.
        "svg": static("icons/favicon.svg"),
        "root file": "/favicon.ico",
    }
    for kind, url in files.items():
        response = client.get(url)
        response.close()
        assert response.status_code == 200, kind
        assert response["Content-Security-Policy"] == page["Content-Security-Policy"], kind
        assert response["X-Content-Type-Options"] == "nosniff", kind
        assert response["Referrer-Policy"] == settings.SECURE_REFERRER_POLICY, kind
        # No other site can embed them, or read them with a fetch.
        assert response["Cross-Origin-Resource-Policy"] == "same-origin", kind
        assert "Access-Control-Allow-Origin" not in response, kind
