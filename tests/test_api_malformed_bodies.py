"""A body the API cannot use gets a calm JSON answer, never a 500 or an HTML page.

JSON nested a thousand levels deep is about 3 KB, small enough for any page on any site to
post, and deep enough to overflow Python's JSON parser. A body larger than Django reads
(DATA_UPLOAD_MAX_MEMORY_SIZE) is refused before it is read.
"""

import pytest
from django.conf import settings
from django.test import Client

from pcb_site.api_parsers import MAX_DEPTH
from tests.helpers import stored_episode

pytestmark = pytest.mark.django_db

# Every endpoint that reads a JSON body; {episode} is the signed-in person's own episode.
ANONYMOUS = [("POST", "/api/v1/triage/"), ("POST", "/api/v1/auth/token/")]
DIARY = [
    ("POST", "/api/v1/episodes/"),
    ("PUT", "/api/v1/episodes/{episode}/"),
    ("PATCH", "/api/v1/episodes/{episode}/"),
    ("PUT", "/api/v1/profile/"),
    ("PATCH", "/api/v1/profile/"),
]
ENDPOINTS = ANONYMOUS + DIARY
# What a page on another site can send without asking the browser first (no CORS preflight).
SIMPLE_CONTENT_TYPES = ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"]


def nested(levels, inner="1"):
    return "[" * levels + inner + "]" * levels


DEEP = {
    "array": nested(1000, ""),
    "object": '{"a": ' * 1000 + "1" + "}" * 1000,
    "field": '{"notes": ' + nested(1000, '"light"') + "}",
}


@pytest.fixture
def episode(member):
    return stored_episode(member)


def send(client, method, url, body, episode=None, content_type="application/json"):
    url = url.format(episode=episode.pk if episode else "")
    return client.generic(method, url, body, content_type=content_type)


def refusal(response, status):
    """The detail of a refusal in DRF's usual shape, after checking that it is one."""
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert list(body) == ["detail"] and body["detail"]
    return body["detail"]


@pytest.mark.parametrize("body", DEEP.values(), ids=DEEP)
@pytest.mark.parametrize(("method", "url"), ANONYMOUS)
def test_deep_json_is_a_400_without_signing_in(client, method, url, body):
    detail = refusal(send(client, method, url, body), 400)
    assert "nested too deeply" in detail


@pytest.mark.parametrize("body", DEEP.values(), ids=DEEP)
@pytest.mark.parametrize(("method", "url"), ENDPOINTS)
def test_deep_json_is_a_400_signed_in(signed_in, episode, method, url, body):
    detail = refusal(send(signed_in, method, url, body, episode), 400)
    assert "nested too deeply" in detail


@pytest.mark.parametrize(("method", "url"), DIARY)
def test_signed_out_the_diary_refuses_before_reading_the_body(client, episode, method, url):
    refusal(send(client, method, url, DEEP["array"], episode), 403)


@pytest.mark.parametrize("content_type", SIMPLE_CONTENT_TYPES)
def test_triage_reads_any_content_type_as_json_and_refuses_deep_nesting(client, content_type):
    response = send(client, "POST", "/api/v1/triage/", DEEP["object"], content_type=content_type)
    assert "nested too deeply" in refusal(response, 400)


@pytest.mark.parametrize("content_type", SIMPLE_CONTENT_TYPES)
@pytest.mark.parametrize(("method", "url"), [ANONYMOUS[1], *DIARY])
def test_other_endpoints_read_only_json(signed_in, episode, method, url, content_type):
    response = send(signed_in, method, url, DEEP["array"], episode, content_type=content_type)
    refusal(response, 415)


def symptoms_nested(levels):
    # The object itself is the first level.
    return '{"age": 30, "amount": "light", "symptoms": ' + nested(levels - 1) + "}"


def test_nesting_is_read_up_to_the_limit_and_refused_past_it(client):
    within = send(client, "POST", "/api/v1/triage/", symptoms_nested(MAX_DEPTH))
    assert within.status_code == 400
    assert list(within.json()) == ["symptoms"]
    past = send(client, "POST", "/api/v1/triage/", symptoms_nested(MAX_DEPTH + 1))
    assert "nested too deeply" in refusal(past, 400)


def too_large():
    return '{"notes": "' + "x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE + '"}'


@pytest.mark.parametrize(("method", "url"), ENDPOINTS)
def test_a_body_larger_than_django_reads_is_a_json_413(signed_in, episode, method, url):
    detail = refusal(send(signed_in, method, url, too_large(), episode), 413)
    assert "too large" in detail


def test_an_over_large_triage_body_of_another_type_is_a_json_413_too():
    response = send(Client(), "POST", "/api/v1/triage/", too_large(), content_type="text/plain")
    assert "too large" in refusal(response, 413)


def test_an_over_large_body_is_a_json_413_where_the_csrf_check_reads_it(member):
    # A session's POST is read by the CSRF check, during authentication, before the view
    # asks for the data: the same answer has to come from there.
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    client.get("/diary/profile/")  # the CSRF cookie, as the web app has it
    response = client.post(
        "/api/v1/episodes/",
        too_large(),
        content_type="application/json",
        headers={"X-CSRFToken": client.cookies["csrftoken"].value},
    )
    assert "too large" in refusal(response, 413)
