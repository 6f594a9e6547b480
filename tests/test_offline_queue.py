"""The offline queue, server side (diary/offline_queue.py, POST /api/v1/episodes/sealed/):
entries sealed to the server's key on the phone are opened, validated as POST
/api/v1/episodes/ validates, logged once however often they are sent, only into the diary
of the account that queued them, and still open after the diary keys rotate."""

import datetime
import uuid

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from diary import offline_queue, services
from diary.models import Episode
from knowledge import triage

pytestmark = pytest.mark.django_db
URL = "/api/v1/episodes/sealed/"
OLD_KEY = "PeVCyXv6Knm1Yzra_lRmVg3my7Bmmf-InSEdoEItVY0="  # tests/environment.py's
NEW_KEY = "W19litp0AaKpXCQdkxdSg9JRnOZ--YtGFX9DscW7oIY="


def when(hours_ago=1):
    return (timezone.now() - datetime.timedelta(hours=hours_ago)).isoformat()


def shown(level="routine", reasons=("unexplained_bleeding",), version="2"):
    return {"level": level, "reasons": list(reasons), "rules_version": version}


def entry(owner, client_id=None, basics=None, tag=None, key=None, **episode):
    """What the phone sends for one episode: the API's body, sealed."""
    client_id = str(client_id or uuid.uuid4())
    body = {"client_id": client_id, "occurred_at": when(), "amount": "light"}
    body |= {"assessment_when_logged": shown()} | episode
    content = {"owner_tag": tag or offline_queue.owner_tag(owner), "episode": body}
    if basics is not None:
        content["basics"] = basics
    return offline_queue.seal(content, client_id, key)


@pytest.fixture
def api(member):
    services.update_profile(
        services.get_or_create_profile(member),
        {"year_of_birth": 1995, "menopause": "no", "basics_offered": True},
    )
    client = APIClient()
    client.force_login(member)
    return client


@pytest.fixture
def person_b(django_user_model, password):
    return django_user_model.objects.create_user(username="sam", password=password)


# The key --------------------------------------------------------------------------------


def test_the_offline_key_is_public_and_comes_from_the_newest_diary_key(client, settings):
    response = client.get("/api/v1/offline-key/")
    assert response.status_code == 200
    body = response.json()
    assert body["jwk"]["kty"] == "EC" and body["jwk"]["crv"] == "P-256"
    assert len(body["key_id"]) == 16
    assert client.get("/api/v1/offline-key/").json() == body  # derived, not random

    settings.DIARY_ENCRYPTION_KEYS = [NEW_KEY, OLD_KEY]
    rotated = client.get("/api/v1/offline-key/").json()
    assert rotated["key_id"] != body["key_id"]
    assert list(offline_queue.key_pairs()) == [rotated["key_id"], body["key_id"]]


def test_the_key_reveals_nothing_of_the_diary_key(client):
    text = client.get("/api/v1/offline-key/").content.decode()
    assert OLD_KEY not in text and OLD_KEY.rstrip("=") not in text


# Logging --------------------------------------------------------------------------------


def test_a_sealed_entry_is_logged_assessed_and_keeps_what_was_shown(api, member):
    client_id = uuid.uuid4()
    sealed = entry(
        member,
        client_id,
        amount="heavy",
        notes="kept sealed",
        **{"assessment_when_logged": shown("emergency", ["heavy_bleeding"])},
    )
    response = api.post(URL, sealed, format="json")

    assert response.status_code == 201, response.json()
    episode = Episode.objects.get(owner=member)
    assert episode.client_id == client_id
    assert (episode.amount, episode.notes) == ("heavy", "kept sealed")
    assert episode.assessment_level == "emergency"  # the server's own assessment
    assert episode.assessment_when_logged == shown("emergency", ["heavy_bleeding"])
    assert response.json()["assessment_when_logged"]["level"] == "emergency"


def test_the_offline_answer_is_kept_but_is_no_floor_for_the_diary(api, member):
    """An offline answer without the whole history said "soon"; the diary's own answer for
    this light episode is routine, and the episode page says what was said then."""
    sealed = entry(member, assessment_when_logged=shown("soon", ["postmenopausal_bleeding"]))
    api.post(URL, sealed, format="json")

    episode = Episode.objects.get(owner=member)
    assert episode.assessment_level == "routine"
    assert episode.assessment_when_logged["level"] == "soon"
    page = api.get(episode.get_absolute_url()).content.decode()
    assert "When you logged this we said" in page


def test_sending_again_returns_the_first_episode_and_never_a_second(api, member):
    sealed = entry(member)
    first = api.post(URL, sealed, format="json")
    again = api.post(URL, sealed, format="json")
    resealed = api.post(URL, entry(member, sealed["client_id"], amount="heavy"), format="json")

    assert (first.status_code, again.status_code, resealed.status_code) == (201, 200, 200)
    assert first.json()["id"] == again.json()["id"] == resealed.json()["id"]
    assert Episode.objects.filter(owner=member).count() == 1
    assert Episode.objects.get(owner=member).amount == "light"


def test_an_entry_the_server_has_is_returned_even_if_it_would_no_longer_validate(api, member):
    """The answer to the first send was lost; meanwhile a year of birth after the episode's
    date went into the profile. The phone must still learn that the server has it, or it
    would try again forever."""
    sealed = entry(member, occurred_at="2000-01-10T10:00:00+00:00")
    assert api.post(URL, sealed, format="json").status_code == 201
    services.update_profile(services.get_or_create_profile(member), {"year_of_birth": 2005})
    again = api.post(URL, sealed, format="json")
    assert again.status_code == 200
    assert Episode.objects.filter(owner=member).count() == 1


def test_the_episode_inside_must_carry_the_envelopes_client_id(api, member):
    outer = str(uuid.uuid4())
    body = {"client_id": str(uuid.uuid4()), "occurred_at": when(), "amount": "light"}
    content = {"owner_tag": offline_queue.owner_tag(member), "episode": body}
    response = api.post(URL, offline_queue.seal(content, outer), format="json")
    assert response.status_code == 400
    assert "client_id" in response.json()["errors"]
    assert not Episode.objects.exists()


def test_the_web_form_and_the_queue_share_a_client_id(api, member):
    """The form posted, the server saved it, the answer was lost: the queued copy of the same
    form is the same episode."""
    client_id = uuid.uuid4()
    form = {"client_id": str(client_id), "amount": "light", "pain_during_sex": "none"}
    form |= {"pain_after": "none", "faint": "no", "pregnancy": "no", "clots": "none"}
    form |= {"recent_procedure": "none"}
    form["occurred_at"] = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    assert api.post("/diary/new/", form).status_code == 302
    assert api.post("/diary/new/", form).status_code == 302  # the browser's "resend"
    assert api.post(URL, entry(member, client_id), format="json").status_code == 200
    assert Episode.objects.filter(owner=member).count() == 1


# Refusals -------------------------------------------------------------------------------


def test_mistakes_are_those_of_the_episodes_api_with_the_entry_sent_back(api, member):
    bad = {"amount": "lots", "occurred_at": "2099-01-01T10:00:00+00:00", "notes": "my words"}
    plain = api.post("/api/v1/episodes/", {"client_id": str(uuid.uuid4()), **bad}, format="json")
    sealed = entry(member, **bad)

    response = api.post(URL, sealed, format="json")

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert body["errors"] == plain.json()
    assert body["entry"]["episode"]["notes"] == "my words"
    assert body["entry"]["episode"]["client_id"] == sealed["client_id"]
    assert not Episode.objects.exists()


@pytest.mark.parametrize(
    "told",
    [
        shown("catastrophic"),
        shown(reasons=["no_such_rule"]),
        shown(reasons=[]),
        shown(version=""),
        {"level": "routine", "reasons": ["unexplained_bleeding"]},
        "routine",
    ],
)
def test_an_assessment_the_rules_could_not_give_is_refused(api, member, told):
    response = api.post(URL, entry(member, assessment_when_logged=told), format="json")
    assert response.status_code == 400
    assert "assessment_when_logged" in response.json()["errors"]
    assert not Episode.objects.exists()


def test_every_rule_code_and_level_is_a_valid_assessment(api, member):
    codes = [rule["code"] for rule in triage.load_rules()["rules"]]
    told = shown("urgent", codes, triage.load_rules()["version"])
    assert (
        api.post(URL, entry(member, assessment_when_logged=told), format="json").status_code == 201
    )


def test_nothing_shown_offline_is_allowed(api, member):
    """No rule table on the phone: it said so, and showed only the emergency number."""
    response = api.post(URL, entry(member, assessment_when_logged=None), format="json")
    assert response.status_code == 201
    episode = Episode.objects.get(owner=member)
    assert episode.assessment_when_logged["level"] == episode.assessment_level


def test_an_entry_queued_by_another_account_is_refused_and_kept_for_them(api, member, person_b):
    sealed = entry(person_b, notes="B's")
    response = api.post(URL, sealed, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "other_account"
    assert "B's" not in response.content.decode()
    assert not Episode.objects.exists()


def test_a_changed_entry_or_another_client_id_cannot_be_opened(api, member):
    sealed = entry(member, notes="private")
    changed = dict(sealed, ciphertext=sealed["ciphertext"][:-4] + "AAAA")
    moved = dict(sealed, client_id=str(uuid.uuid4()))
    unknown = dict(sealed, key_id="0" * 16)
    for body in (changed, moved, unknown):
        response = api.post(URL, body, format="json")
        assert response.status_code == 400
        assert response.json()["code"] == "unreadable"
        assert "private" not in response.content.decode()
    assert not Episode.objects.exists()


def test_a_malformed_envelope_names_its_fields(api, member):
    response = api.post(URL, {"client_id": 12, "key_id": "x"}, format="json")
    assert response.status_code == 400
    assert {"client_id", "epk", "iv", "ciphertext"} == set(response.json())
    unknown = api.post(URL, {**entry(member), "owner_tag": "x"}, format="json")
    assert unknown.status_code == 400 and "owner_tag" in unknown.json()


def test_signed_out_the_entry_is_not_opened(client, member):
    response = APIClient().post(URL, entry(member), format="json")
    assert response.status_code == 403
    assert not Episode.objects.exists()


def test_a_session_needs_a_fresh_csrf_token(member):
    browser = APIClient(enforce_csrf_checks=True)
    browser.force_login(member)
    assert browser.post(URL, entry(member), format="json").status_code == 403

    token = browser.get("/api/v1/csrf/").json()["csrf_token"]
    response = browser.post(URL, entry(member), format="json", HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 201


def test_the_csrf_view_says_whose_entries_may_be_sent(client, member):
    assert client.get("/api/v1/csrf/").json()["owner_tag"] is None
    client.force_login(member)
    body = client.get("/api/v1/csrf/").json()
    assert body["owner_tag"] == offline_queue.owner_tag(member)
    # Opaque: neither the id nor the name, and long enough not to be guessed.
    tag = body["owner_tag"]
    assert tag != str(member.pk) and member.username not in tag and len(tag) >= 16
    assert "csrftoken" in client.cookies


# Rotation -------------------------------------------------------------------------------


def test_entries_sealed_to_an_older_key_still_open_after_rotation(api, member, settings):
    settings.DIARY_ENCRYPTION_KEYS = [OLD_KEY]
    before = entry(member)
    settings.DIARY_ENCRYPTION_KEYS = [NEW_KEY, OLD_KEY]
    after = entry(member)

    assert before["key_id"] != after["key_id"]
    assert api.post(URL, before, format="json").status_code == 201
    assert api.post(URL, after, format="json").status_code == 201


def test_once_the_old_key_is_dropped_its_entries_cannot_be_opened(api, member, settings):
    settings.DIARY_ENCRYPTION_KEYS = [OLD_KEY]
    sealed = entry(member)
    settings.DIARY_ENCRYPTION_KEYS = [NEW_KEY]
    assert api.post(URL, sealed, format="json").json()["code"] == "unreadable"


# Basics, context and the offline form ------------------------------------------------


def test_the_log_forms_optional_questions_come_with_the_entry(member):
    client = APIClient()
    client.force_login(member)
    sealed = entry(member, basics={"year_of_birth": 1990, "menopause": "no"})
    assert client.post(URL, sealed, format="json").status_code == 201
    profile = services.get_or_create_profile(member)
    assert (profile.year_of_birth, profile.menopause, profile.basics_offered) == (1990, "no", True)


def test_a_wrong_year_of_birth_is_sent_back_beside_its_question(member):
    client = APIClient()
    client.force_login(member)
    response = client.post(URL, entry(member, basics={"year_of_birth": 3000}), format="json")
    assert response.status_code == 400
    assert "year_of_birth" in response.json()["basics_errors"]
    assert response.json()["entry"]["basics"] == {"year_of_birth": 3000}
    assert not Episode.objects.exists()


def test_the_offline_context_holds_counts_not_content(api, member):
    services.log_episode(
        member,
        {
            "occurred_at": timezone.now() - datetime.timedelta(days=3),
            "amount": "moderate",
            "notes": "secret words",
        },
    )
    body = api.get("/api/v1/offline-context/").json()
    assert body["context"]["recent"] == 1
    assert body["context"]["year_of_birth"] == 1995
    assert "secret" not in str(body) and "moderate" not in str(body)
    assert APIClient().get("/api/v1/offline-context/").status_code == 403


def test_the_kept_log_form_is_the_same_for_everyone_and_about_no_one(client, member):
    anonymous = client.get("/diary/offline-log/")
    client.force_login(member)
    signed_in = client.get("/diary/offline-log/")

    assert anonymous.status_code == signed_in.status_code == 200
    html = signed_in.content.decode()
    assert "csrfmiddlewaretoken" not in html and "Lock now" not in html
    assert member.username not in html
    assert offline_queue.owner_tag(member) not in html
    assert 'name="amount"' in html and "data-offline-shell" in html
    assert anonymous.content == signed_in.content
