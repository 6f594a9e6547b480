"""A self-check result saved to the diary, signed in or through sign-up, with nothing typed
again and nothing stored before the person chooses it."""

import json

import pytest
from django.contrib.sessions.models import Session

from diary.models import Episode
from diary.views import PENDING_CHECK
from tests.helpers import PASSWORD

pytestmark = pytest.mark.django_db

PREGNANT = {"amount": "light", "pregnancy": "yes", "red_flag_symptoms": ["pelvic_pain"]}


def test_a_signed_in_person_saves_the_result_with_every_answer(client, member):
    client.force_login(member)
    result = client.post("/check/", PREGNANT, follow=True)
    assert "Save to my diary" in result.content.decode()
    response = client.post("/diary/from-check/", PREGNANT)
    episode = Episode.objects.get(owner=member)
    assert response.status_code == 302 and response["Location"] == episode.get_absolute_url()
    assert (episode.amount, episode.pregnancy, episode.symptoms) == (
        "light",
        "yes",
        ["pelvic_pain"],
    )
    assert episode.assessment_level == "urgent"
    assert episode.assessment_when_logged["level"] == "urgent"
    page = client.get(episode.get_absolute_url()).content.decode()
    assert "Saved in your diary" in page and "care-card--urgent" in page


def test_saving_never_shows_less_care_than_the_self_check_gave(client, member):
    """The self-check knew of two earlier episodes; the empty diary does not. The episode
    still shows what the person was told."""
    client.force_login(member)
    answers = {"amount": "light", "age": "30", "previous_episodes_6_months": "2"}
    assert client.post("/check/", answers, follow=True).context["card"]["level"] == "soon"
    client.post("/diary/from-check/", answers)
    episode = Episode.objects.get(owner=member)
    assert episode.assessment_level == "soon"
    assert "recurrent_bleeding" in episode.assessment_reasons
    assert episode.assessment_when_logged["reasons"] == ["recurrent_bleeding"]


def test_nothing_is_stored_before_the_person_chooses_to_keep_it(client):
    client.post("/check/", PREGNANT, follow=True)
    assert not Episode.objects.exists()
    assert all(PENDING_CHECK not in s.get_decoded() for s in Session.objects.all())


def test_a_new_person_keeps_the_result_through_sign_up(client, django_user_model):
    response = client.post("/diary/from-check/", PREGNANT)
    assert response["Location"] == "/accounts/signup/?next=/diary/from-check/"
    signup = client.get(response["Location"]).content.decode()
    assert '<input type="hidden" name="next" value="/diary/from-check/">' in signup
    assert "/accounts/login/?next=/diary/from-check/" in signup.replace("%2F", "/")

    client.post(
        "/accounts/signup/",
        {"username": "hazel", "password1": PASSWORD, "password2": PASSWORD,
         "next": "/diary/from-check/"},
    )  # fmt: skip
    code_page = client.get("/accounts/recovery-code/").content.decode()
    assert 'href="/diary/from-check/"' in code_page
    saved = client.get("/diary/from-check/")
    user = django_user_model.objects.get(username="hazel")
    episode = Episode.objects.get(owner=user)
    assert saved["Location"] == episode.get_absolute_url()
    assert episode.pregnancy == "yes" and episode.assessment_level == "urgent"
    assert client.get("/diary/from-check/")["Location"] == "/diary/", "saved once only"
    assert Episode.objects.filter(owner=user).count() == 1


def test_answers_waiting_for_sign_up_are_never_kept_in_plain_text(client):
    client.post("/diary/from-check/", {**PREGNANT, "red_flag_symptoms": ["shoulder_tip_pain"]})
    (session,) = Session.objects.all()
    # What anyone with the session table and the secret key could read: no answer at all.
    readable = json.dumps(session.get_decoded())
    assert PENDING_CHECK in readable
    for word in ("shoulder_tip_pain", "pregnancy", "light", "amount"):
        assert word not in readable


def test_an_existing_account_logs_in_and_keeps_the_result(client, member):
    client.post("/diary/from-check/", PREGNANT)
    response = client.get("/diary/from-check/")
    assert response["Location"].startswith("/accounts/login/?next=/diary/from-check/")
    client.post(
        "/accounts/login/",
        {"username": member.username, "password": PASSWORD, "next": "/diary/from-check/"},
    )
    client.get("/diary/from-check/")
    assert Episode.objects.get(owner=member).pregnancy == "yes"


def test_sign_up_never_sends_anyone_off_site(client):
    page = client.get("/accounts/signup/?next=https://example.org/").content.decode()
    assert "example.org" not in page


def test_tampered_answers_save_nothing(client, member):
    client.force_login(member)
    response = client.post("/diary/from-check/", {"amount": "lots", "pregnancy": "twins"})
    assert response["Location"] == "/check/"
    assert not Episode.objects.exists()


def test_profile_gaps_are_filled_from_the_check_and_nothing_is_overwritten(client, member):
    from diary.services import get_or_create_profile

    profile = get_or_create_profile(member)
    profile.anticoagulants = "no"
    profile.save()
    client.force_login(member)
    answers = {"amount": "light", "age": "52", "menopause": "yes", "anticoagulants": "yes"}
    page = client.post("/diary/from-check/", answers, follow=True).content.decode()
    assert "your answers from the check are in your profile now" in page
    profile.refresh_from_db()
    episode = Episode.objects.get(owner=member)
    assert profile.year_of_birth == episode.occurred_at.year - 52
    assert profile.menopause == "yes"
    assert profile.anticoagulants == "no", "an answer already in the profile stays"


def test_the_checks_starting_answers_fill_nothing(client, member):
    """'No' is where the check's menopause question starts: it may never have been read."""
    from diary.services import get_or_create_profile

    client.force_login(member)
    client.post("/diary/from-check/", {"amount": "light", "pregnancy": "yes", "menopause": "no"})
    profile = get_or_create_profile(member)
    assert (profile.year_of_birth, profile.menopause, profile.anticoagulants) == (None, "", "")
