"""The search and the self-check answer at the plain visit their POST redirects to
(knowledge/handover.py), so a browser keeps no posted words with the history entry."""

import re
import time
from unittest import mock

import pytest
from django.test import Client

from knowledge import handover

pytestmark = pytest.mark.django_db

HEAVY = {"amount": "heavy", "age": "52", "red_flag_symptoms": "shoulder_tip_pain"}


@pytest.mark.parametrize(
    ("path", "data", "answered"),
    [
        ("/check/", HEAVY, "care-card-emergency"),
        ("/learn/search/", {"q": "polyps"}, "found for “polyps”"),
    ],
)
def test_a_post_is_answered_once_at_its_plain_visit(client, path, data, answered):
    posted = client.post(path, data)
    assert posted.status_code == 303 and posted["Location"] == path
    cookie = posted.cookies[handover.COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Strict" and cookie["path"] == path
    # Encrypted: the cookie jar on the device holds a Fernet token, no JSON and none of the
    # words. (Not the age: two digits turn up by chance in one token in twenty.)
    assert re.fullmatch(r"gAAAAA[A-Za-z0-9_-]+=*", cookie.value)
    for value in data.values():
        assert len(value) < 5 or value not in cookie.value

    answer = client.get(path)
    assert answered in answer.content.decode()
    assert answer.cookies[handover.COOKIE]["max-age"] == 0  # read once
    again = client.get(path)  # Reload, or Back to it: the empty form
    assert answered not in again.content.decode()
    assert again.status_code == 200


def test_an_emergency_with_a_mistyped_age_is_still_answered_at_once(client):
    client.post("/check/", {**HEAVY, "age": "fifty"})
    html = client.get("/check/").content.decode()
    assert "care-card-emergency" in html


def test_a_stale_or_forged_handover_shows_the_empty_form(client):
    client.post("/check/", HEAVY)
    later = time.time() + handover.SECONDS + 1
    with mock.patch("cryptography.fernet.time.time", return_value=later):
        stale = client.get("/check/")
    assert "care-card-emergency" not in stale.content.decode()
    assert stale.status_code == 200

    client.cookies[handover.COOKIE] = "not-a-token"
    forged = client.get("/check/")
    assert forged.status_code == 200 and "care-card-emergency" not in forged.content.decode()


def test_a_made_up_post_still_fits_in_a_cookie(client):
    posted = client.post(
        "/check/", {"amount": ["heavy"] * 500, "symptoms": ["x" * 5000] * 50, "age": "30"}
    )
    assert len(posted.cookies[handover.COOKIE].value) < 4000
    assert client.get("/check/").status_code == 200


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_SEC_FETCH_SITE": "cross-site", "HTTP_ORIGIN": "https://elsewhere.example"},
        {"HTTP_SEC_FETCH_SITE": "same-site", "HTTP_ORIGIN": "https://other.testserver"},
        {"HTTP_ORIGIN": "https://elsewhere.example"},  # a browser without Sec-Fetch-Site
        {"HTTP_ORIGIN": "null"},
    ],
    ids=["cross-site", "same-site", "origin-only", "opaque-origin"],
)
@pytest.mark.parametrize("path", ["/check/", "/learn/search/"])
def test_another_site_cannot_plant_an_answer(client, path, headers):
    """No CSRF token on these forms (a kept offline copy holds a stale one): the browser's
    own word on where a POST comes from decides."""
    posted = client.post(path, {**HEAVY, "q": "polyps"}, **headers)
    assert posted.status_code == 303 and handover.COOKIE not in posted.cookies
    html = client.get(path).content.decode()
    assert "care-card-emergency" not in html and "found for" not in html


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_SEC_FETCH_SITE": "same-origin", "HTTP_ORIGIN": "http://testserver"},
        {"HTTP_ORIGIN": "http://testserver"},
    ],
    ids=["fetch-metadata", "origin-only"],
)
def test_our_own_form_is_answered_without_a_csrf_token(headers):
    client = Client(enforce_csrf_checks=True)
    posted = client.post("/check/", HEAVY, **headers)
    assert posted.status_code == 303 and handover.COOKIE in posted.cookies
    assert "care-card-emergency" in client.get("/check/").content.decode()
