"""Form posts work in browsers that send no Sec-Fetch-Site header (Safari before 16.4, older
Firefox), and other sites still cannot post.

Each post here carries what such a browser sends under the Referrer-Policy our own page
declared: under "no-referrer" a same-origin form post says `Origin: null` and no Referer,
which Django's CSRF check refuses; under "same-origin" it says where it came from.
"""

import pytest
from django.test import Client

from tests.helpers import PASSWORD

pytestmark = pytest.mark.django_db


def old_browser_headers(policy, page_url, origin, sends_origin=True):
    """The Origin and Referer an old browser sends on a same-origin form post from page_url."""
    if policy == "no-referrer":
        return {"HTTP_ORIGIN": "null"} if sends_origin else {}
    headers = {"HTTP_REFERER": page_url}
    if sends_origin:
        headers["HTTP_ORIGIN"] = origin
    return headers


# Safari 15 sends Origin on every POST; Firefox before 70 sent none on a same-origin POST.
BROWSERS = {"safari-15": True, "firefox-68": False}


@pytest.mark.parametrize("browser", BROWSERS)
@pytest.mark.parametrize("https", [False, True], ids=["http", "https"])
def test_an_old_browser_can_log_in(member, browser, https, settings):
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = https
    scheme = "https" if https else "http"
    client = Client(enforce_csrf_checks=True)
    page = client.get("/accounts/login/", secure=https)
    token = client.cookies["csrftoken"].value
    headers = old_browser_headers(
        page["Referrer-Policy"],
        f"{scheme}://testserver/accounts/login/",
        f"{scheme}://testserver",
        sends_origin=BROWSERS[browser],
    )
    response = client.post(
        "/accounts/login/",
        {"username": "robin", "password": PASSWORD, "csrfmiddlewaretoken": token},
        secure=https,
        **headers,
    )
    assert response.status_code == 302, response.content.decode()[:300]
    assert client.get("/accounts/", secure=https).status_code == 200


@pytest.mark.parametrize("browser", BROWSERS)
def test_an_old_browser_can_save_a_form_when_signed_in(member, browser):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    page = client.get("/diary/profile/")
    token = client.cookies["csrftoken"].value
    headers = old_browser_headers(
        page["Referrer-Policy"],
        "http://testserver/diary/profile/",
        "http://testserver",
        sends_origin=BROWSERS[browser],
    )
    response = client.post("/diary/profile/", {"csrfmiddlewaretoken": token}, **headers)
    assert response.status_code == 302


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_ORIGIN": "https://evil.example"},
        {"HTTP_ORIGIN": "null"},
        {"HTTP_REFERER": "https://evil.example/form"},
    ],
    ids=["foreign-origin", "null-origin", "foreign-referer-only"],
)
def test_a_post_from_another_site_is_refused_even_with_a_token(member, headers):
    client = Client(enforce_csrf_checks=True)
    client.get("/accounts/login/", secure=True)
    token = client.cookies["csrftoken"].value
    response = client.post(
        "/accounts/login/",
        {"username": "robin", "password": PASSWORD, "csrfmiddlewaretoken": token},
        secure=True,
        **headers,
    )
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session
