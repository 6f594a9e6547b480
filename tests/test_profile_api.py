"""/api/v1/profile/: read and change the signed-in person's profile, with the web form's
rules, and the profile's effect on the next episode's assessment."""

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from diary import services

pytestmark = pytest.mark.django_db
URL = "/api/v1/profile/"
EMPTY = {
    "year_of_birth": None,
    "country": "",
    "menopause": "",
    "contraception": "",
    "anticoagulants": "",
    "screening": "",
    "screening_last_date": None,
    "screening_last_result": "",
}
FULL = {
    "year_of_birth": 1988,
    "country": "GB",
    "menopause": "no",
    "contraception": "copper_iud",
    "anticoagulants": "no",
    "screening": "had",
    "screening_last_date": "2024-05-01",
    "screening_last_result": "normal",
}


@pytest.fixture
def api(member):
    client = APIClient()
    client.force_login(member)
    return client


def saved(member):
    profile = services.get_or_create_profile(member)
    values = {field: getattr(profile, field) for field in EMPTY}
    if values["screening_last_date"]:
        values["screening_last_date"] = values["screening_last_date"].isoformat()
    return values


def test_a_new_profile_says_nothing(api):
    response = api.get(URL)
    assert response.status_code == 200
    assert response.json() == EMPTY


def test_put_saves_every_field(api, member):
    response = api.put(URL, FULL, format="json")
    assert response.status_code == 200
    assert response.json() == FULL
    assert saved(member) == FULL
    assert api.get(URL).json() == FULL


def test_put_without_a_field_means_prefer_not_to_say(api, member):
    api.put(URL, FULL, format="json")
    response = api.put(URL, {"year_of_birth": 1990}, format="json")
    assert response.status_code == 200
    assert saved(member) == {**EMPTY, "year_of_birth": 1990}


def test_patch_changes_only_the_given_fields(api, member):
    api.put(URL, FULL, format="json")
    response = api.patch(URL, {"country": "IE", "contraception": ""}, format="json")
    assert response.status_code == 200
    assert saved(member) == {**FULL, "country": "IE", "contraception": ""}


def test_null_clears_the_year_and_the_date(api, member):
    api.put(URL, FULL, format="json")
    api.patch(URL, {"year_of_birth": None, "screening_last_date": None}, format="json")
    assert saved(member) == {**FULL, "year_of_birth": None, "screening_last_date": None}


def this_year():
    return timezone.now().year


def in_two_days():
    return (timezone.localdate() + datetime.timedelta(days=2)).isoformat()


@pytest.mark.parametrize(
    "change, named",
    [
        ({"year_of_birth": 1990.0}, "year_of_birth"),
        ({"year_of_birth": "1990"}, "year_of_birth"),
        ({"year_of_birth": True}, "year_of_birth"),
        ({"year_of_birth": 1800}, "year_of_birth"),
        ({"year_of_birth": this_year() - 5}, "year_of_birth"),
        ({"country": "XX"}, "country"),
        ({"country": "gb"}, "country"),
        ({"country": None}, "country"),
        ({"menopause": "maybe"}, "menopause"),
        ({"contraception": "pill"}, "contraception"),
        ({"anticoagulants": True}, "anticoagulants"),
        ({"screening": "sometimes"}, "screening"),
        ({"screening_last_date": "01/05/2024"}, "screening_last_date"),
        ({"screening_last_date": 20240501}, "screening_last_date"),
        ({"screening_last_date": "2024-02-30"}, "screening_last_date"),
        ({"screening_last_date": in_two_days()}, "screening_last_date"),
        ({"screening_last_result": "fine"}, "screening_last_result"),
        ({"screening": "never", "screening_last_date": "2024-05-01"}, "screening"),
        ({"screening": "never", "screening_last_result": "normal"}, "screening"),
        ({"email": "robin@example.org"}, "email"),
    ],
)
def test_bad_input_is_400_naming_the_field_and_saves_nothing(api, member, change, named):
    response = api.put(URL, {**FULL, **change}, format="json")
    assert response.status_code == 400
    assert named in response.json()
    assert saved(member) == EMPTY


def test_year_of_birth_bounds_are_the_forms(api):
    assert api.patch(URL, {"year_of_birth": this_year() - 120}, format="json").status_code == 200
    assert api.patch(URL, {"year_of_birth": this_year() - 10}, format="json").status_code == 200
    assert api.patch(URL, {"year_of_birth": this_year() - 9}, format="json").status_code == 400


def test_a_patch_cannot_make_an_impossible_profile(api, member):
    api.put(URL, FULL, format="json")
    response = api.patch(URL, {"screening": "never"}, format="json")
    assert response.status_code == 400
    assert "screening" in response.json()
    assert saved(member) == FULL


def test_never_screened_without_a_date_or_result_is_fine(api, member):
    never = {**FULL, "screening": "never", "screening_last_date": None, "screening_last_result": ""}
    response = api.put(URL, never, format="json")
    assert response.status_code == 200
    assert saved(member)["screening"] == "never"


def test_malformed_json_is_400(api, member):
    response = api.put(URL, '{"country": ', content_type="application/json")
    assert response.status_code == 400
    assert saved(member) == EMPTY


def test_signed_out_is_refused():
    assert APIClient().get(URL).status_code in (401, 403)


# The profile in the assessment --------------------------------------------------------------

EPISODE = {"occurred_at": "2026-03-14T22:30:00Z", "amount": "light"}


def reasons_of_next_episode(api):
    response = api.post("/api/v1/episodes/", EPISODE, format="json")
    assert response.status_code == 201
    return response.json()["assessment"]


def test_menopause_makes_the_next_episode_postmenopausal(api):
    api.put(URL, {**FULL, "year_of_birth": 1960}, format="json")
    before = reasons_of_next_episode(api)
    assert before["level"] == "routine"
    api.patch(URL, {"menopause": "yes"}, format="json")
    after = reasons_of_next_episode(api)
    assert "postmenopausal_bleeding" in [reason["code"] for reason in after["reasons"]]
    assert after["level"] == "soon"


def test_blood_thinners_are_in_the_next_assessment(api):
    api.put(URL, FULL, format="json")
    api.patch(URL, {"anticoagulants": "yes"}, format="json")
    assessment = reasons_of_next_episode(api)
    assert "on_anticoagulants" in [reason["code"] for reason in assessment["reasons"]]
    assert assessment["level"] == "soon"


def test_never_screened_over_25_asks_for_an_examination(api):
    never = {**FULL, "screening": "never", "screening_last_date": None, "screening_last_result": ""}
    api.put(URL, never, format="json")
    assessment = reasons_of_next_episode(api)
    assert "screening_due" in [reason["code"] for reason in assessment["reasons"]]


def test_an_episode_before_the_year_of_birth_is_refused(api):
    api.put(URL, {**FULL, "year_of_birth": 2000}, format="json")
    response = api.post(
        "/api/v1/episodes/", {**EPISODE, "occurred_at": "1999-12-31T10:00:00Z"}, format="json"
    )
    assert response.status_code == 400
    assert "occurred_at" in response.json()
