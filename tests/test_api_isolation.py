"""Nobody reaches anyone else's diary through the API: another person's episode is a 404 on
every verb (never a 403, which would confirm it exists), lists and the profile show only
one's own, and nothing another person tries changes anything."""

import datetime
import uuid

import pytest
from rest_framework.test import APIClient

from diary import services
from diary.accounts.tokens import issue_token
from diary.models import Episode

pytestmark = pytest.mark.django_db
URL = "/api/v1/episodes/"
CHANGED = {"occurred_at": "2026-02-01T09:00:00Z", "amount": "heavy", "notes": "B was here"}
A_PROFILE = {"year_of_birth": 1980, "country": "GB", "menopause": "no", "anticoagulants": "yes"}


@pytest.fixture
def episode_of_a(member):
    services.update_profile(services.get_or_create_profile(member), A_PROFILE)
    values = {
        "occurred_at": datetime.datetime(2026, 3, 1, 10, tzinfo=datetime.UTC),
        "amount": "light", "clots": "none", "still_bleeding": False, "pain_during_sex": "none",
        "pain_after": "none", "faint": False, "symptoms": ["fever"], "pregnancy": "no",
        "first_intercourse": False, "partner_blood": False, "non_consensual": False,
        "notes": "private to A",
    }  # fmt: skip
    episode, _created = services.log_episode(member, values, client_id=uuid.uuid4())
    return episode


@pytest.fixture
def person_b(django_user_model, password):
    return django_user_model.objects.create_user(username="sam", password=password)


@pytest.fixture(params=["session", "token"])
def as_b(request, person_b):
    """B signed in the browser's way or a client's way: the answer must be the same."""
    client = APIClient()
    if request.param == "session":
        client.force_login(person_b)
    else:
        _device_token, token = issue_token(person_b, "B's phone")
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def snapshot(episode):
    return Episode.objects.filter(pk=episode.pk).values().get()


@pytest.mark.parametrize(
    "method, body",
    [("get", None), ("put", CHANGED), ("patch", {"amount": "heavy"}), ("delete", None)],
)
def test_another_persons_episode_is_404_on_every_verb(as_b, episode_of_a, method, body):
    before = snapshot(episode_of_a)
    response = getattr(as_b, method)(f"{URL}{episode_of_a.pk}/", body, format="json")
    assert response.status_code == 404
    assert "private to A" not in response.content.decode()
    assert snapshot(episode_of_a) == before


@pytest.mark.parametrize(
    "method, body",
    [("get", None), ("put", CHANGED), ("patch", {"amount": "heavy"}), ("delete", None)],
)
def test_a_bad_body_changes_the_answer_for_nobody(as_b, episode_of_a, method, body):
    """Validation must not run before ownership, or a 400 would confirm the id exists."""
    bad = None if body is None else {"amount": 12}
    response = getattr(as_b, method)(f"{URL}{episode_of_a.pk}/", bad, format="json")
    assert response.status_code == 404


def test_after_all_of_bs_attempts_as_episode_is_unchanged(as_b, episode_of_a, member):
    before = snapshot(episode_of_a)
    url = f"{URL}{episode_of_a.pk}/"
    as_b.get(url)
    as_b.put(url, CHANGED, format="json")
    as_b.patch(url, {"amount": "heavy", "notes": ""}, format="json")
    as_b.delete(url)
    assert snapshot(episode_of_a) == before
    a = APIClient()
    a.force_login(member)
    body = a.get(url).json()
    assert (body["amount"], body["notes"]) == ("light", "private to A")


def test_bs_list_shows_none_of_as_episodes(as_b, episode_of_a):
    empty = as_b.get(URL).json()
    assert (empty["count"], empty["results"]) == (0, [])
    own = as_b.post(URL, {"occurred_at": "2026-03-02T10:00:00Z", "amount": "light"}, format="json")
    assert own.status_code == 201
    listed = as_b.get(URL, {"occurred_after": "2026-01-01"}).json()
    assert [e["id"] for e in listed["results"]] == [own.json()["id"]]


def test_as_list_shows_none_of_bs(as_b, episode_of_a, member):
    as_b.post(URL, {"occurred_at": "2026-03-02T10:00:00Z", "amount": "light"}, format="json")
    a = APIClient()
    a.force_login(member)
    assert [e["id"] for e in a.get(URL).json()["results"]] == [str(episode_of_a.pk)]


def test_as_client_id_gives_b_a_new_episode_not_as(as_b, episode_of_a, person_b):
    body = {
        "occurred_at": "2026-03-02T10:00:00Z",
        "amount": "light",
        "client_id": str(episode_of_a.client_id),
    }
    response = as_b.post(URL, body, format="json")
    assert response.status_code == 201
    assert response.json()["id"] != str(episode_of_a.pk)
    assert Episode.objects.get(pk=response.json()["id"]).owner == person_b


def test_bs_history_does_not_count_as_episodes(as_b, episode_of_a):
    body = {"occurred_at": "2026-03-02T10:00:00Z", "amount": "light"}
    reasons = as_b.post(URL, body, format="json").json()["assessment"]["reasons"]
    assert "recurrent_bleeding" not in [reason["code"] for reason in reasons]


def test_bs_profile_never_shows_as(as_b, episode_of_a, member):
    body = as_b.get("/api/v1/profile/").json()
    assert body["year_of_birth"] is None
    assert body["country"] == body["anticoagulants"] == ""
    assert as_b.put("/api/v1/profile/", {"country": "IE"}, format="json").status_code == 200
    mine = services.get_or_create_profile(member)
    assert (mine.country, mine.year_of_birth, mine.anticoagulants) == ("GB", 1980, "yes")


def test_signed_out_gets_nothing(episode_of_a):
    anonymous = APIClient()
    for method in ("get", "put", "patch", "delete"):
        response = getattr(anonymous, method)(f"{URL}{episode_of_a.pk}/", CHANGED, format="json")
        assert response.status_code in (401, 403)
        assert "private to A" not in response.content.decode()
    assert anonymous.get(URL).status_code in (401, 403)
    assert anonymous.get("/api/v1/profile/").status_code in (401, 403)
    assert Episode.objects.filter(pk=episode_of_a.pk).exists()
