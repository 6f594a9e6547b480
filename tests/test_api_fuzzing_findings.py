"""What the API fuzzer (tests/test_api_fuzzing.py) found, each kept from coming back, and the
schema's statement of the rules the API enforces, checked against the API itself."""

import jsonschema_rs
import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db
TOKEN_URL = "/api/v1/auth/token/"


@pytest.mark.parametrize("method", ["GET", "PUT", "TRACE"])
def test_the_token_endpoint_answers_a_method_it_does_not_have_with_405(method):
    """It answered 401 "credentials were not provided": no credentials make a GET work."""
    response = APIClient().generic(method, TOKEN_URL)
    assert response.status_code == 405
    assert set(response["Allow"].split(", ")) >= {"POST", "DELETE"}


def test_revoking_a_token_still_needs_that_token():
    response = APIClient().delete(TOKEN_URL)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


# The schema states the rules the API enforces: where the API refuses a request, the schema
# calls it invalid, and where it takes one, valid. The fuzzer found each of these rules
# missing from the schema (a request the schema called valid, refused with a 400).

EPISODE = {"occurred_at": "2024-05-01T22:30:00+01:00", "amount": "light"}
OTHER_UUID = "6f1c1d4e-9a51-4a36-8f4e-0e5d5a1b2c3d"


@pytest.fixture
def api(member):
    client = APIClient()
    client.force_login(member)
    return client


@pytest.fixture
def schema(api):
    document = api.get("/api/v1/schema/?format=json").json()

    def validator(component):
        # OpenAPI 3.0 marks null with nullable: true; these bodies hold no null but a rule's.
        root = {"$ref": f"#/components/schemas/{component}", "components": document["components"]}
        return jsonschema_rs.validator_for(root)

    return validator


def agrees(schema, component, body, status):
    valid = schema(component).is_valid(body)
    assert valid == (200 <= status < 300), (component, body, status)


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (EPISODE, 201),
        ({**EPISODE, "still_bleeding": True}, 201),
        ({**EPISODE, "duration": "a_few_hours"}, 201),
        ({**EPISODE, "still_bleeding": True, "duration": "a_few_hours"}, 400),
        ({**EPISODE, "symptoms": ["fever", "pelvic_pain"]}, 201),
        ({**EPISODE, "symptoms": ["fever", "fever"]}, 400),
        ({**EPISODE, "follow_up": {"status": "seen"}}, 400),
        ({**EPISODE, "non_consentual": True}, 400),
    ],
)
def test_a_new_episode_is_refused_exactly_where_the_schema_says(api, schema, body, status):
    response = api.post("/api/v1/episodes/", body, format="json")
    assert response.status_code == status, response.json()
    agrees(schema, "EpisodeCreateRequest", body, status)


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"follow_up": {"status": "not_yet"}}, 200),
        ({"follow_up": {"status": "booked", "booked_for": "2026-12-03"}}, 200),
        ({"follow_up": {"status": "seen", "finding": "referred"}}, 200),
        ({"follow_up": {"status": "not_yet", "booked_for": "2026-12-03"}}, 400),
        ({"follow_up": {"status": "booked", "finding": "referred"}}, 400),
        ({"follow_up": {"booked_for": "2026-12-03"}}, 400),
        ({"client_id": OTHER_UUID}, 400),
        ({"still_bleeding": True, "duration": "longer"}, 400),
    ],
)
def test_a_change_is_refused_exactly_where_the_schema_says(api, schema, body, status):
    episode = api.post("/api/v1/episodes/", EPISODE, format="json").json()
    response = api.patch(f"/api/v1/episodes/{episode['id']}/", body, format="json")
    assert response.status_code == status, response.json()
    agrees(schema, "PatchedEpisodeChangeRequest", body, status)


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"screening": "had", "screening_last_result": "normal"}, 200),
        ({"screening": "never"}, 200),
        ({"screening": "never", "screening_last_result": "normal"}, 400),
        ({"screening": "never", "screening_last_date": "2020-01-01"}, 400),
        ({"year_of_birth": 1990}, 200),
        ({"year_of_birth": 1800}, 400),
        ({"year_of_birth": 1990, "age": 34}, 400),
    ],
)
def test_a_profile_is_refused_exactly_where_the_schema_says(api, schema, body, status):
    response = api.put("/api/v1/profile/", body, format="json")
    assert response.status_code == status, response.json()
    agrees(schema, "ProfileRequest", body, status)


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"age": 30, "amount": "light"}, 200),
        ({"age": 30, "amount": "light", "symptoms": ["fever", "fever"]}, 400),
        ({"age": 30, "amount": "light", "pain": "none"}, 400),
    ],
)
def test_a_triage_request_is_refused_exactly_where_the_schema_says(schema, body, status):
    response = APIClient().post("/api/v1/triage/", body, format="json")
    assert response.status_code == status, response.json()
    agrees(schema, "TriageInputRequest", body, status)
