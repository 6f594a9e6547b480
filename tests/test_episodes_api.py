"""/api/v1/episodes/: log, list, read, change and delete episodes, each assessed with the
profile and the history before it; idempotent creates; auth; bad input."""

import datetime
import json
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from diary import services
from diary.models import Episode

pytestmark = pytest.mark.django_db
URL = "/api/v1/episodes/"
WHEN = "2026-03-14T22:30:00+01:00"
LIGHT = {"occurred_at": WHEN, "amount": "light"}


def at(text):
    return datetime.datetime.fromisoformat(text)


def codes(body):
    return [reason["code"] for reason in body["assessment"]["reasons"]]


@pytest.fixture
def profile(member):
    """Known age and menopause, so a light episode is plainly routine (unknown facts would
    err towards more care)."""
    return services.update_profile(
        services.get_or_create_profile(member), {"year_of_birth": 1995, "menopause": "no"}
    )


@pytest.fixture
def api(member, profile):
    client = APIClient()
    client.force_login(member)
    return client


def log(owner, occurred_at, **values):
    """An episode saved the way the web form saves it."""
    fields = {"amount": "light", "clots": "none", "still_bleeding": False, "faint": False}
    fields |= {"pain_during_sex": "none", "pain_after": "none", "symptoms": []}
    fields |= {"pregnancy": "no", "first_intercourse": False, "partner_blood": False}
    fields |= {"non_consensual": False, "occurred_at": at(occurred_at)}
    return services.log_episode(owner, fields | values)[0]


# Create --------------------------------------------------------------------------------


def test_a_typical_light_episode_is_routine(api, member):
    response = api.post(URL, LIGHT, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["assessment"]["level"] == "routine"
    assert codes(body) == ["unexplained_bleeding"]
    episode = Episode.objects.get()
    assert episode.owner == member
    assert body["id"] == str(episode.pk)
    assert at(body["occurred_at"]) == at(WHEN)


def test_a_heavy_episode_is_an_emergency(api):
    response = api.post(URL, {**LIGHT, "amount": "heavy"}, format="json")
    assert response.status_code == 201
    assert response.json()["assessment"]["level"] == "emergency"
    assert "heavy_bleeding" in codes(response.json())
    assert Episode.objects.get().assessment_level == "emergency"


def test_omitted_fields_take_the_models_defaults(api):
    body = api.post(URL, LIGHT, format="json").json()
    assert {key: body[key] for key in ("onset", "colour", "duration", "notes")} == dict.fromkeys(
        ("onset", "colour", "duration", "notes"), ""
    )
    assert body["clots"] == "none"
    assert body["pain_during_sex"] == body["pain_after"] == "none"
    assert body["pregnancy"] == "no"
    assert body["symptoms"] == []
    assert body["still_bleeding"] is body["faint"] is body["non_consensual"] is False
    # Made by the server: every episode has one, so that an export and an import match it.
    assert uuid.UUID(body["client_id"])


def test_every_field_is_stored_and_returned(api):
    client_id = str(uuid.uuid4())
    sent = {
        "occurred_at": WHEN,
        "onset": "within_hours",
        "amount": "spotting",
        "colour": "brown",
        "clots": "small",
        "duration": "a_few_hours",
        "still_bleeding": False,
        "pain_during_sex": "mild",
        "pain_after": "mild",
        "faint": False,
        "symptoms": ["vaginal_dryness", "itching_or_burning"],
        "pregnancy": "no",
        "recent_procedure": "coil_fitted",
        "first_intercourse": False,
        "new_partner": True,
        "condom_used": True,
        "lubricant_used": True,
        "partner_blood": False,
        "non_consensual": False,
        "notes": "After a long day.",
        "client_id": client_id,
    }
    body = api.post(URL, sent, format="json").json()
    assert {key: body[key] for key in sent if key != "occurred_at"} == {
        key: value for key, value in sent.items() if key != "occurred_at"
    }
    assert set(body) == {
        *sent,
        "id",
        "assessment",
        "assessment_when_logged",
        "follow_up",
        "created_at",
        "updated_at",
    }
    assert body["follow_up"] is None  # until the person answers (tests/test_follow_up.py)
    for assessment in (body["assessment"], body["assessment_when_logged"]):
        assert set(assessment) == {"level", "reasons", "rules_version"}
        assert set(assessment["reasons"][0]) == {"code", "level", "message", "source"}
        assert assessment["rules_version"] == "2"
    episode = Episode.objects.get()
    assert episode.symptoms == ["vaginal_dryness", "itching_or_burning"]
    assert str(episode.client_id) == client_id


def test_onset_null_is_stored_as_not_given(api):
    response = api.post(URL, {**LIGHT, "onset": None}, format="json")
    assert response.status_code == 201
    assert response.json()["onset"] == ""


# List and filters ------------------------------------------------------------------------


def test_the_list_is_paginated_by_50_newest_first(api, member):
    start = at("2025-12-01T08:00:00+00:00")
    for day in range(55):
        log(member, (start + datetime.timedelta(days=day)).isoformat())
    first = api.get(URL).json()
    assert first["count"] == 55
    assert len(first["results"]) == 50
    times = [at(episode["occurred_at"]) for episode in first["results"]]
    assert times == sorted(times, reverse=True)
    assert times[0] == start + datetime.timedelta(days=54)
    second = api.get(first["next"]).json()
    assert len(second["results"]) == 5
    assert at(second["results"][-1]["occurred_at"]) == start
    assert second["next"] is None


def test_the_list_costs_the_same_queries_for_2_or_20_episodes(api, member):
    def queries_for_list():
        with CaptureQueriesContext(connection) as queries:
            assert api.get(URL).status_code == 200
        return len(queries)

    for day in range(2):
        log(member, f"2026-01-{day + 1:02d}T10:00:00+00:00")
    queries_for_list()  # the first request renews the session (pcb_site.middleware)
    few = queries_for_list()
    for day in range(2, 20):
        log(member, f"2026-01-{day + 1:02d}T10:00:00+00:00")
    assert queries_for_list() == few


def test_a_page_past_the_end_is_404(api):
    assert api.get(URL, {"page": 3}).status_code == 404


@pytest.fixture
def three_months(member):
    return [
        log(member, "2026-01-10T20:00:00+00:00"),
        log(member, "2026-02-10T20:00:00+00:00"),
        log(member, "2026-03-10T20:00:00+00:00"),
    ]


@pytest.mark.parametrize(
    "query, expected",
    [
        ({"occurred_after": "2026-02-10"}, [2, 1]),
        ({"occurred_before": "2026-02-10"}, [1, 0]),  # a date is the whole day
        ({"occurred_after": "2026-02-01", "occurred_before": "2026-02-28"}, [1]),
        ({"occurred_after": "2026-02-10T20:00:00+00:00"}, [2, 1]),  # bounds are inclusive
        ({"occurred_after": "2026-02-10T20:00:01Z"}, [2]),
        ({"occurred_before": "2026-02-10T21:59:59+02:00"}, [0]),
        ({"occurred_before": "2026-02-10T22:00:00+02:00"}, [1, 0]),
        ({"occurred_after": "2027-01-01"}, []),
    ],
)
def test_date_filters(api, three_months, query, expected):
    response = api.get(URL, query)
    assert response.status_code == 200
    assert [e["id"] for e in response.json()["results"]] == [
        str(three_months[i].pk) for i in expected
    ]


@pytest.mark.parametrize(
    "query, named",
    [
        ({"occurred_after": "yesterday"}, "occurred_after"),
        ({"occurred_after": "2026-13-01"}, "occurred_after"),
        ({"occurred_before": "2026-02-30"}, "occurred_before"),
        ({"occurred_before": "2026-02-10T25:00:00Z"}, "occurred_before"),
        ({"occurred_after": ""}, "occurred_after"),
        ({"occurred_after": "9999-12-31T23:59:59-12:00"}, "occurred_after"),
        ({"occurred_after": "2026-03-01", "occurred_before": "2026-02-01"}, "occurred_before"),
    ],
)
def test_a_bad_filter_is_400_naming_it(api, three_months, query, named):
    response = api.get(URL, query)
    assert response.status_code == 400
    assert named in response.json()


# Read, change, delete ------------------------------------------------------------------


def test_retrieve(api, member):
    episode = log(member, "2026-03-01T10:00:00+00:00", notes="after the gym")
    response = api.get(f"{URL}{episode.pk}/")
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == str(episode.pk)
    assert body["notes"] == "after the gym"
    assert body["assessment"]["level"] == "routine"


def test_an_unknown_id_is_404(api):
    assert api.get(f"{URL}{uuid.uuid4()}/").status_code == 404


def test_put_replaces_and_reassesses(api, member):
    episode = log(member, "2026-03-01T10:00:00+00:00", notes="first note", colour="pink")
    response = api.put(
        f"{URL}{episode.pk}/",
        {"occurred_at": "2026-03-01T10:00:00Z", "amount": "heavy"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["assessment"]["level"] == "emergency"
    episode.refresh_from_db()
    assert episode.amount == "heavy"
    assert episode.assessment_level == "emergency"
    assert "heavy_bleeding" in episode.assessment_reasons
    # PUT is a whole episode: what it leaves out goes back to the default.
    assert episode.notes == episode.colour == ""


def test_put_needs_the_required_fields(api, member):
    episode = log(member, "2026-03-01T10:00:00+00:00")
    response = api.put(f"{URL}{episode.pk}/", {"amount": "heavy"}, format="json")
    assert response.status_code == 400
    assert "occurred_at" in response.json()
    episode.refresh_from_db()
    assert episode.amount == "light"


def test_patch_changes_only_the_given_fields_and_reassesses(api, member):
    episode = log(member, "2026-03-01T10:00:00+00:00", notes="keep me")
    response = api.patch(f"{URL}{episode.pk}/", {"amount": "heavy"}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["assessment"]["level"] == "emergency"
    assert body["notes"] == "keep me"
    episode.refresh_from_db()
    assert (episode.amount, episode.notes, episode.assessment_level) == (
        "heavy",
        "keep me",
        "emergency",
    )


def test_patch_must_leave_a_valid_episode(api, member):
    episode = log(member, "2026-03-01T10:00:00+00:00", still_bleeding=True)
    response = api.patch(f"{URL}{episode.pk}/", {"duration": "a_few_hours"}, format="json")
    assert response.status_code == 400
    assert "duration" in response.json()
    episode.refresh_from_db()
    assert episode.duration == ""


def test_a_bad_patch_changes_nothing(api, member):
    episode = log(member, "2026-03-01T10:00:00+00:00")
    response = api.patch(f"{URL}{episode.pk}/", {"amount": "heavy", "faint": "yes"}, format="json")
    assert response.status_code == 400
    assert "faint" in response.json()
    episode.refresh_from_db()
    assert (episode.amount, episode.assessment_level) == ("light", "routine")


def test_moving_an_episode_reassesses_its_history(api, member):
    log(member, "2026-01-01T10:00:00+00:00")
    later = log(member, "2026-01-15T10:00:00+00:00")
    assert "recurrent_bleeding" in later.assessment_reasons
    response = api.patch(
        f"{URL}{later.pk}/", {"occurred_at": "2025-12-01T10:00:00+00:00"}, format="json"
    )
    assert response.status_code == 200
    assert "recurrent_bleeding" not in codes(response.json())


def test_delete(api, member):
    episode = log(member, "2026-03-01T10:00:00+00:00")
    assert api.delete(f"{URL}{episode.pk}/").status_code == 204
    assert not Episode.objects.exists()
    assert api.delete(f"{URL}{episode.pk}/").status_code == 404


# client_id ------------------------------------------------------------------------------


def test_the_same_client_id_twice_makes_one_episode(api):
    body = {**LIGHT, "client_id": str(uuid.uuid4())}
    first = api.post(URL, body, format="json")
    again = api.post(URL, body, format="json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert Episode.objects.count() == 1


def test_a_repeat_returns_the_first_episode_unchanged(api):
    client_id = str(uuid.uuid4())
    first = api.post(URL, {**LIGHT, "client_id": client_id}, format="json").json()
    again = api.post(URL, {**LIGHT, "amount": "heavy", "client_id": client_id}, format="json")
    assert again.status_code == 200
    assert again.json()["id"] == first["id"]
    assert again.json()["amount"] == "light"
    assert Episode.objects.get().amount == "light"


def test_different_people_may_use_the_same_client_id(api, django_user_model, password):
    client_id = str(uuid.uuid4())
    other = APIClient()
    other.force_login(django_user_model.objects.create_user("sam", password=password))
    mine = api.post(URL, {**LIGHT, "client_id": client_id}, format="json")
    theirs = other.post(URL, {**LIGHT, "client_id": client_id}, format="json")
    assert (mine.status_code, theirs.status_code) == (201, 201)
    assert mine.json()["id"] != theirs.json()["id"]
    assert Episode.objects.count() == 2


def test_without_client_id_every_create_is_new(api):
    api.post(URL, LIGHT, format="json")
    api.post(URL, LIGHT, format="json")
    assert Episode.objects.count() == 2


def test_client_id_is_set_on_create_only(api):
    client_id = str(uuid.uuid4())
    created = api.post(URL, {**LIGHT, "client_id": client_id}, format="json").json()
    url = f"{URL}{created['id']}/"
    moved = api.patch(url, {"client_id": str(uuid.uuid4())}, format="json")
    assert moved.status_code == 400
    assert "client_id" in moved.json()
    # Sending back what was read is fine.
    assert api.put(url, created, format="json").status_code == 200
    assert str(Episode.objects.get().client_id) == client_id


# History ---------------------------------------------------------------------------------


def test_a_second_episode_within_six_months_is_recurrent(api, member):
    log(member, "2026-01-01T10:00:00+00:00")
    body = api.post(URL, {**LIGHT, "occurred_at": "2026-03-01T10:00:00Z"}, format="json").json()
    assert "recurrent_bleeding" in codes(body)
    assert body["assessment"]["level"] in ("emergency", "urgent", "soon")


def test_recurrent_needs_more_than_the_first_times(api, member):
    log(member, "2026-01-01T10:00:00+00:00")
    body = api.post(
        URL,
        {**LIGHT, "occurred_at": "2026-03-01T10:00:00Z", "first_intercourse": True},
        format="json",
    ).json()
    assert "recurrent_bleeding" not in codes(body)


@pytest.mark.parametrize("days, fires", [(27, False), (28, True)])
def test_bleeding_over_four_weeks_is_persistent(api, member, days, fires):
    first = at("2026-01-01T10:00:00+00:00")
    log(member, first.isoformat())
    moment = (first + datetime.timedelta(days=days)).isoformat()
    body = api.post(URL, {**LIGHT, "occurred_at": moment}, format="json").json()
    assert ("persistent_bleeding" in codes(body)) is fires
    assert "recurrent_bleeding" in codes(body)


@pytest.mark.parametrize(
    "earlier, counts",
    [
        ("2025-09-15T10:00:00+00:00", True),  # exactly 6 calendar months before
        ("2025-09-14T10:00:00+00:00", False),  # a day more
        ("2025-09-15T09:59:59+00:00", False),
    ],
)
def test_six_calendar_months_is_the_boundary(api, member, earlier, counts):
    log(member, earlier)
    body = api.post(URL, {**LIGHT, "occurred_at": "2026-03-15T10:00:00Z"}, format="json").json()
    assert ("recurrent_bleeding" in codes(body)) is counts
    if not counts:
        assert body["assessment"]["level"] == "routine"


# Authentication --------------------------------------------------------------------------


def test_signed_out_is_refused(profile):
    response = APIClient().post(URL, LIGHT, format="json")
    assert response.status_code in (401, 403)
    assert APIClient().get(URL).status_code in (401, 403)
    assert not Episode.objects.exists()


def test_a_session_needs_the_csrf_token(member, profile):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(member)
    response = client.post(URL, LIGHT, format="json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert not Episode.objects.exists()

    secret = "abcdefghijklmnopqrstuvwxyzABCDEF"
    client.cookies["csrftoken"] = secret
    response = client.post(URL, LIGHT, format="json", HTTP_X_CSRFTOKEN=secret)
    assert response.status_code == 201


def test_a_token_works_without_csrf(member, password, profile):
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": "robin", "password": password}, format="json"
    )
    assert response.status_code == 200
    token = response.json()["token"]
    client = APIClient(enforce_csrf_checks=True)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    created = client.post(URL, LIGHT, format="json")
    assert created.status_code == 201
    assert Episode.objects.get().owner == member
    assert client.get(URL).json()["count"] == 1


def test_a_wrong_token_is_refused(member, profile):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")
    assert client.get(URL).status_code in (401, 403)


def test_wrong_credentials_do_not_say_which_part_was_wrong(member, password):
    client = APIClient()
    token_url = "/api/v1/auth/token/"
    wrong_password = client.post(
        token_url, {"username": "robin", "password": "nope"}, format="json"
    )
    wrong_name = client.post(token_url, {"username": "nobody", "password": password}, format="json")
    assert wrong_password.status_code == wrong_name.status_code == 400
    assert wrong_password.json() == wrong_name.json()
    assert "token" not in wrong_password.json()


# Bad input --------------------------------------------------------------------------------


def _future():
    return (timezone.now() + datetime.timedelta(hours=1)).isoformat()


@pytest.mark.parametrize(
    "change, named",
    [
        ({"amount": "lots"}, "amount"),
        ({"amount": None}, "amount"),
        ({"amount": "LIGHT"}, "amount"),
        ({"faint": "yes"}, "faint"),
        ({"faint": 1}, "faint"),
        ({"still_bleeding": "true"}, "still_bleeding"),
        ({"non_consensual": None}, "non_consensual"),
        ({"pain_after": "agony"}, "pain_after"),
        ({"pregnancy": True}, "pregnancy"),
        ({"clots": None}, "clots"),
        ({"onset": "later"}, "onset"),
        ({"colour": "green"}, "colour"),
        ({"colour": None}, "colour"),
        ({"duration": "still_bleeding"}, "duration"),
        ({"duration": "a_few_hours", "still_bleeding": True}, "duration"),
        ({"symptoms": ["fever", "fever"]}, "symptoms"),
        ({"symptoms": "fever"}, "symptoms"),
        ({"symptoms": ["sneezing"]}, "symptoms"),
        ({"notes": "x" * 2001}, "notes"),
        ({"notes": 12}, "notes"),
        ({"notes": "a\x00b"}, "notes"),
        ({"occurred_at": _future()}, "occurred_at"),
        ({"occurred_at": "2026-03-14T22:30:00"}, "occurred_at"),  # no offset
        ({"occurred_at": "last tuesday"}, "occurred_at"),
        ({"occurred_at": 1773523800}, "occurred_at"),
        ({"occurred_at": "1990-06-01T10:00:00Z"}, "occurred_at"),  # before year of birth
        ({"occurred_at": "0001-01-01T00:00:00+05:00"}, "occurred_at"),
        ({"client_id": 12345}, "client_id"),
        ({"client_id": "not-a-uuid"}, "client_id"),
        ({"amout": "light"}, "amout"),
        ({"age": 30}, "age"),
    ],
)
def test_bad_input_is_400_naming_the_field_and_saves_nothing(api, change, named):
    response = api.post(URL, {**LIGHT, **change}, format="json")
    assert response.status_code == 400
    assert named in response.json()
    assert not Episode.objects.exists()


def test_a_missing_occurred_at_or_amount_is_named(api):
    response = api.post(URL, {}, format="json")
    assert response.status_code == 400
    assert {"occurred_at", "amount"} <= set(response.json())


def test_an_unknown_field_error_lists_what_is_allowed(api):
    body = api.post(URL, {**LIGHT, "amout": "light"}, format="json").json()
    assert "non_consensual" in body["amout"][0]


@pytest.mark.parametrize("raw", ['{"amount": ', "[1, 2]", '"light"', "null"])
def test_malformed_json_is_400(api, raw):
    response = api.post(URL, raw, content_type="application/json")
    assert response.status_code == 400
    assert not Episode.objects.exists()


def test_json_with_the_wrong_content_type_is_refused(api):
    response = api.post(URL, json.dumps(LIGHT), content_type="text/plain")
    assert response.status_code == 415
    assert not Episode.objects.exists()
