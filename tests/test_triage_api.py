"""POST /api/v1/triage/ as docs/triage-api.md defines it, bad input included."""

import json

import pytest
from django.core.cache import cache

pytestmark = pytest.mark.django_db
URL = "/api/v1/triage/"


def post(client, body, **kwargs):
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post(URL, data, content_type=kwargs.pop("content_type", "application/json"))


@pytest.fixture(autouse=True)
def fresh_throttle():
    cache.clear()


def test_response_has_exactly_the_contract_shape(client):
    response = post(client, {"age": 60, "amount": "spotting", "menopause": "yes"})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {
        "level",
        "reasons",
        "advice",
        "emergency_number",
        "pages",
        "rules_version",
    }
    assert body["level"] == "soon"
    assert body["reasons"][0]["code"] == "postmenopausal_bleeding"
    assert set(body["reasons"][0]) == {"code", "level", "message", "source"}
    assert body["reasons"][0]["source"] == "NICE NG12"
    assert body["advice"] == "Book an appointment with a GP or gynaecologist within 2 weeks."
    assert body["emergency_number"] == "112"
    assert body["pages"][-1] == "/learn/when-to-get-help/"
    assert body["rules_version"] == "2"


def test_reasons_list_every_fired_rule_most_urgent_first(client):
    body = post(
        client, {"age": 30, "amount": "heavy", "pregnancy": "yes", "anticoagulants": True}
    ).json()
    codes = [reason["code"] for reason in body["reasons"]]
    assert codes == [
        "heavy_bleeding",
        "pregnant_bleeding",
        "anticoagulant_bleeding",
        "on_anticoagulants",
    ]
    assert body["level"] == "emergency"


@pytest.mark.parametrize(
    "country, number",
    [
        ("GB", "999"),
        ("gb", "999"),
        ("US", "911"),
        ("AU", "000"),
        ("DE", "112"),
        ("RU", "112"),
        ("UA", "103"),
        ("BY", "103"),
        ("KZ", "103"),
        ("ZZ", "112"),
    ],  # fmt: skip
)
def test_country_picks_the_emergency_number(client, country, number):
    response = client.post(
        f"{URL}?country={country}",
        json.dumps({"age": 30, "amount": "light"}),
        content_type="application/json",
    )
    assert response.json()["emergency_number"] == number


def test_version_2_fields_are_accepted_and_decide(client):
    body = post(
        client,
        {"age": 52, "amount": "spotting", "recent_procedure": "hysterectomy",
         "symptoms": ["bulge", "being_sick", "shoulder_tip_pain", "sore_or_lump", "weight_loss"]},
    ).json()  # fmt: skip
    assert body["level"] == "emergency"
    assert body["reasons"][0]["code"] == "vault_opening"
    assert body["rules_version"] == "2"


def test_advice_follows_a_reason_that_asks_for_sooner_action(client):
    body = post(client, {"age": 30, "amount": "light", "pregnancy": "yes"}).json()
    assert body["level"] == "urgent"
    assert "maternity unit now" in body["advice"]


def test_every_page_in_the_answer_exists(client):
    body = post(client, {"age": 30, "amount": "heavy", "non_consensual": True}).json()
    for page in body["pages"]:
        assert client.get(page).status_code == 200, page


def test_nothing_is_stored(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = post(client, {"age": 30, "amount": "light", "pregnancy": "yes"})
    assert response.status_code == 200
    assert "sessionid" not in response.cookies


def test_no_csrf_token_needed_even_when_signed_in(member):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    response = post(client, {"age": 30, "amount": "light"})
    assert response.status_code == 200


def test_rate_limited_with_retry_after(client, settings):
    from rest_framework.settings import api_settings
    from rest_framework.throttling import ScopedRateThrottle

    # Per hour: the windows are fixed, and a test must not straddle the end of one.
    rates = {**api_settings.DEFAULT_THROTTLE_RATES, "triage": "3/hour"}
    original = ScopedRateThrottle.THROTTLE_RATES
    ScopedRateThrottle.THROTTLE_RATES = rates
    try:
        for _ in range(3):
            assert post(client, {"age": 30, "amount": "light"}).status_code == 200
        limited = post(client, {"age": 30, "amount": "light"})
    finally:
        ScopedRateThrottle.THROTTLE_RATES = original
    assert limited.status_code == 429
    assert int(limited["Retry-After"]) > 0


# --- bad input: always 400 naming the field, never 500 ------------------------------------

VALID = {"age": 30, "amount": "light"}


@pytest.mark.parametrize(
    "field, value",
    [
        ("age", "30"),
        ("age", 30.0),
        ("age", 30.5),
        ("age", True),
        ("age", None),
        ("age", 9),
        ("age", 121),
        ("age", -1),
        ("age", 10**30),
        ("amount", "lots"),
        ("amount", 3),
        ("amount", ["light"]),
        ("amount", ""),
        ("amount", "LIGHT"),
        ("clots", "huge"),
        ("still_bleeding", "true"),
        ("still_bleeding", 1),
        ("still_bleeding", "yes"),
        ("pain_during_sex", "agony"),
        ("pain_after", 2),
        ("faint", "false"),
        ("faint", 0),
        ("pregnancy", "maybe"),
        ("pregnancy", True),
        ("menopause", False),
        ("symptoms", "fever"),
        ("symptoms", ["fever", "fever"]),
        ("symptoms", ["headache"]),
        ("symptoms", [1]),
        ("symptoms", {"fever": True}),
        ("symptoms", ["bulge", "bulge"]),
        ("symptoms", ["shoulder_pain"]),
        ("symptoms", ["being sick"]),
        ("recent_procedure", "coil"),
        ("recent_procedure", "None"),
        ("recent_procedure", None),
        ("recent_procedure", ""),
        ("recent_procedure", ["hysterectomy"]),
        ("recent_procedure", True),
        ("anticoagulants", "no"),
        ("cervical_screening", "late"),
        ("first_intercourse", None),
        ("partner_blood", []),
        ("non_consensual", "1"),
        ("previous_episodes_6_months", -1),
        ("previous_episodes_6_months", 1001),
        ("previous_episodes_6_months", 1.5),
        ("first_episode_days_ago", 36501),
        ("first_episode_days_ago", "7"),
    ],
)
def test_bad_field_is_a_400_naming_the_field(client, field, value):
    response = post(client, {**VALID, field: value})
    assert response.status_code == 400
    body = response.json()
    assert field in body, body
    assert list(body) == [field]


def test_bad_choice_message_lists_what_is_allowed(client):
    body = post(client, {**VALID, "amount": "lots"}).json()
    assert body["amount"] == [
        '"lots" is not allowed. Use one of: spotting, light, moderate, heavy.'
    ]


def test_unknown_field_is_named(client):
    body = post(client, {**VALID, "bleeding": "yes", "mood": 3}).json()
    assert set(body) == {"bleeding", "mood"}
    assert "Allowed fields:" in body["bleeding"][0]


def test_several_bad_fields_are_all_named(client):
    body = post(client, {"age": "old", "amount": "lots", "faint": "no"}).json()
    assert set(body) == {"age", "amount", "faint"}


@pytest.mark.parametrize("missing", ["age", "amount"])
def test_missing_required_field_is_named(client, missing):
    body = {**VALID}
    del body[missing]
    response = post(client, body)
    assert response.status_code == 400
    assert "required" in response.json()[missing][0]


@pytest.mark.parametrize(
    "raw",
    ['{"age": 30, "amount": ', "not json", '{"age": 30,}', "\x00\xff", "[1, 2]", '"x"', "null"],
)
def test_malformed_json_or_non_object_is_a_400(client, raw):
    response = post(client, raw)
    assert response.status_code == 400
    assert response.json()


def test_empty_body_is_a_400_naming_the_required_fields(client):
    response = post(client, "")
    assert response.status_code == 400
    assert set(response.json()) >= {"age", "amount"}


def test_json_sent_with_another_content_type_is_still_read(client):
    response = post(client, json.dumps(VALID), content_type="text/plain")
    assert response.status_code == 200
    bad = post(client, "age=30&amount=light", content_type="application/x-www-form-urlencoded")
    assert bad.status_code == 400


def test_get_is_not_allowed(client):
    assert client.get(URL).status_code == 405


def test_schema_documents_the_triage_endpoint(client):
    response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    operation = schema["paths"]["/api/v1/triage/"]["post"]
    assert {"200", "400", "429"} <= set(operation["responses"])
    request_schema = schema["components"]["schemas"]["TriageInputRequest"]
    assert set(request_schema["required"]) == {"age", "amount"}


def test_docs_page_loads_only_our_own_files(client):
    html = client.get("/api/v1/docs/").content.decode()
    assert "swagger-ui" in html
    assert "<style" not in html
    assert "https://" not in html and "http://" not in html


def test_rule_table_is_served_as_json_at_a_stable_url(client):
    body = client.get("/api/v1/rules/").json()
    assert body["version"] == "2"
    assert len(body["rules"]) == 38
    assert set(body["levels"]) == {"emergency", "urgent", "soon", "routine", "self_care"}


@pytest.mark.parametrize("country", [None, "GB", "US"])
def test_every_public_vignette_is_answered_as_the_result_serializer_describes(client, country):
    """knowledge.api.triage_answer builds the answer without running TriageResultSerializer,
    which the schema shows: the two must never drift apart."""
    from knowledge.api import TriageResultSerializer
    from tests.test_triage_vignettes import VIGNETTES

    url = URL + (f"?country={country}" if country else "")
    for vignette in json.loads(VIGNETTES.read_text(encoding="utf-8"))["vignettes"]:
        response = client.post(url, json.dumps(vignette["input"]), content_type="application/json")
        body = response.json()
        assert response.status_code == 200, vignette["id"]
        assert body == TriageResultSerializer(body).data, vignette["id"]
        assert body["level"] == vignette["expected_level"], vignette["id"]
