"""What the API fuzzer (tests/test_api_fuzzing.py) found, each kept from coming back, and the
schema's statement of the rules the API enforces, checked against the API itself."""

import copy
import datetime

import jsonschema_rs
import pytest
from rest_framework.test import APIClient

from diary import services

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


def json_schema(node):
    """OpenAPI 3.0's `nullable: true` as JSON Schema says it: an export holds nulls."""
    if isinstance(node, list):
        return [json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: json_schema(value) for key, value in node.items()}
    if node.pop("nullable", False):
        return {"anyOf": [node, {"type": "null"}]}
    return node


@pytest.fixture
def exported(member):
    """Robin's whole diary as GET /api/v1/export/ gives it: a profile, an episode with every
    kind of answer and one with a follow-up answer."""
    services.update_profile(
        services.get_or_create_profile(member), {"year_of_birth": 1990, "country": "GB"}
    )
    first, _ = services.log_episode(
        member,
        {
            "occurred_at": datetime.datetime.fromisoformat("2024-05-01T22:30:00+01:00"),
            "amount": "light",
            "symptoms": ["fever"],
            "notes": "after a long day",
        },
    )
    june = datetime.datetime.fromisoformat("2024-06-01T21:00:00+01:00")
    services.log_episode(member, {"occurred_at": june, "amount": "spotting"})
    client = APIClient()
    client.force_login(member)
    answer = {"follow_up": {"status": "seen", "finding": "referred"}}
    assert client.patch(f"/api/v1/episodes/{first.pk}/", answer, format="json").status_code == 200
    return client.get("/api/v1/export/").json()


def changed(document, path, value):
    """A copy of the document with one value changed (None: taken out)."""
    document = copy.deepcopy(document)
    *parents, last = path
    node = document
    for key in parents:
        node = node[key]
    if value is None:
        del node[last]
    else:
        node[last] = value
    return document


@pytest.mark.parametrize(
    ("change", "status"),
    [
        (None, 200),
        ((("exported_at",), None), 200),
        ((("episodes", 0, "id"), None), 200),
        ((("surprise",), 1), 400),
        ((("version",), 2), 400),
        ((("format",), "another-app"), 400),
        ((("profile",), None), 400),
        ((("episodes", 0, "client_id"), None), 400),
        ((("episodes", 0, "colour_of_sky"), "blue"), 400),
        ((("episodes", 0, "assessment"), None), 400),
        ((("episodes", 1, "follow_up"), {"status": "booked", "finding": "referred"}), 400),
        ((("episodes", 0, "amount"), "a lot"), 400),
    ],
    ids=[
        "the export as made",
        "without exported_at",
        "without an episode's id",
        "an unknown field",
        "a later version",
        "another format",
        "no profile",
        "an episode without client_id",
        "an unknown episode field",
        "an episode without its assessment",
        "a follow-up of the wrong shape",
        "an amount not in the list",
    ],
)
def test_an_import_is_refused_exactly_where_the_schema_says(
    exported, change, status, django_user_model
):
    document = exported if change is None else changed(exported, *change)
    newcomer = django_user_model.objects.create_user(username="wren", password="x" * 20)
    client = APIClient()
    client.force_login(newcomer)
    response = client.post("/api/v1/import/", document, format="json")
    assert response.status_code == status, response.json()
    schema = json_schema(client.get("/api/v1/schema/?format=json").json())
    root = {"$ref": "#/components/schemas/ImportDocumentRequest", **schema}
    valid = jsonschema_rs.validator_for(root).is_valid(document)
    assert valid == (status == 200), (change, status)
