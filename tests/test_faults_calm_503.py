"""A calm 503, not Django's 500, while the database cannot be reached
(pcb_site.middleware.DatabaseUnavailableMiddleware). In process, with views that fail as
Django does when PostgreSQL refuses or drops a connection; a real PostgreSQL restarted under
real servers: tests/test_faults.py.

This module is also the URLconf of its tests: the site's URLs and a few that fail.
"""

import pytest
from django.contrib.sessions.backends.cached_db import SessionStore
from django.db import InterfaceError, OperationalError
from django.test import Client
from django.urls import path
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from knowledge.emergency import emergency_number
from pcb_site.urls import handler404, handler500  # noqa: F401
from pcb_site.urls import urlpatterns as site_urls

# What psycopg says when PostgreSQL is down: none of it may reach the page.
REFUSED = (
    'connection failed: connection to server at "127.0.0.1", port 5432 failed: '
    "Connection refused. Is the server running on that host and accepting TCP/IP connections?"
)
CALM = "Your diary is safe"


def refused(request):
    raise OperationalError(REFUSED)


def closed(request):
    raise InterfaceError("connection already closed")


def broken(request):
    raise RuntimeError("secret detail that must never reach the page")


class RefusedApi(APIView):
    """An API view: DRF handles its errors first, and must hand this one on."""

    permission_classes = [AllowAny]

    def get(self, request):
        raise OperationalError(REFUSED)


urlpatterns = [
    *site_urls,
    path("unreachable/", refused),
    path("closed/", closed),
    path("broken/", broken),
    path("api/v1/unreachable/", RefusedApi.as_view()),
]


@pytest.fixture(autouse=True)
def these_urls(settings):
    settings.ROOT_URLCONF = __name__


def assert_reveals_nothing(html):
    for detail in ("Traceback", "OperationalError", "InterfaceError", "5432", "refused"):
        assert detail not in html


def test_a_page_says_calmly_that_the_diary_is_safe_and_to_try_again_in_a_minute(client):
    response = client.get("/unreachable/")
    html = response.content.decode()
    assert response.status_code == 503
    assert CALM in html and "Please try again in a minute." in html
    assert "call your emergency number now" in html and 'href="tel:112"' in html
    assert "Leave quickly" in html  # the site's own header, with its way out
    assert_reveals_nothing(html)
    assert response["Retry-After"] == "60"
    assert "no-store" in response["Cache-Control"]
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"


def test_the_emergency_number_is_the_one_for_the_country_of_the_browser_or_address(client):
    assert emergency_number("GB") != emergency_number(None)
    from_language = client.get("/unreachable/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.8")
    assert f'href="tel:{emergency_number("GB")}"' in from_language.content.decode()
    asked = client.get("/unreachable/?country=US")
    assert f'href="tel:{emergency_number("US")}"' in asked.content.decode()


def test_a_connection_already_closed_gets_the_same_page(client):
    response = client.get("/closed/")
    assert response.status_code == 503 and CALM in response.content.decode()


def test_the_api_answers_a_json_503(client):
    response = client.get("/api/v1/unreachable/")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response["Retry-After"] == "60"
    detail = response.json()["detail"]
    assert "Please try again in a minute." in detail and "Nothing already saved is lost" in detail
    assert_reveals_nothing(detail)


@pytest.mark.django_db
def test_a_session_that_cannot_be_read_after_the_view_gets_the_503_too(
    django_user_model, monkeypatch
):
    """The session is first read on the way out (renewing its idle timeout), after the
    view: by then Django has made its 500, which must still become the calm 503."""
    client = Client(raise_request_exception=False)
    client.force_login(django_user_model.objects.create_user("robin"))

    def database_gone(self):
        raise OperationalError("the database system is shutting down")

    monkeypatch.setattr(SessionStore, "load", database_gone)
    response = client.get("/manifest.webmanifest")
    html = response.content.decode()
    assert response.status_code == 503 and CALM in html
    assert_reveals_nothing(html)


def test_other_errors_still_get_the_500_page(client):
    client.raise_request_exception = False
    response = client.get("/broken/")
    assert response.status_code == 500
    assert CALM not in response.content.decode()
