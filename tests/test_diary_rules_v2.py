"""The diary under rules version 2: the recent-procedure question, the new symptoms, the
partner question without a condom, episodes logged before version 2, and what a person was
told when they logged an episode (a self-check saved to the diary never shows less care)."""

import datetime
import re

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone
from rest_framework.test import APIClient

from diary import assessment, services
from diary.models import Episode, Profile
from knowledge import triage
from knowledge.choices import SYMPTOM_CHOICES
from tests.helpers import episode_values

pytestmark = pytest.mark.django_db
API = "/api/v1/episodes/"
TYPICAL = {
    "amount": "light",
    "pain_during_sex": "none",
    "pain_after": "none",
    "faint": "no",
    "pregnancy": "no",
    "recent_procedure": "none",
    "clots": "none",
}


@pytest.fixture
def profile(member):
    """Age and menopause known, so a light episode with nothing else is plainly routine."""
    return Profile.objects.create(
        user=member, year_of_birth=1990, menopause="no", anticoagulants="no", basics_offered=True
    )


@pytest.fixture
def signed_in(client, member, profile):
    client.force_login(member)
    return client


@pytest.fixture
def api(member, profile):
    client = APIClient()
    client.force_login(member)
    return client


def post_log(client, **changes):
    data = {"occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), **TYPICAL, **changes}
    return client.post("/diary/new/", data, follow=True)


def self_check(**answers):
    """A self-check result as the person saw it (triage.evaluate of their answers)."""
    return triage.evaluate({"age": 30, "amount": "light", **answers})


def codes(result):
    return [reason["code"] for reason in result["reasons"]]


# The web form --------------------------------------------------------------------------


def test_log_form_asks_about_a_recent_procedure_right_after_pregnancy(signed_in):
    html = signed_in.get("/diary/new/").content.decode()
    pregnancy = html.index('name="pregnancy"')
    procedure = html.index('name="recent_procedure"')
    assert pregnancy < procedure < html.index('<details class="more-details"')
    assert "Have you had any of these recently?" in html
    assert re.search(r'name="recent_procedure" value="none"[^>]*checked', html)
    assert "A hysterectomy in the last 6 months" in html


def test_log_form_offers_every_symptom_of_the_rules(signed_in):
    html = signed_in.get("/diary/new/").content.decode()
    offered = set(re.findall(r'name="symptoms" value="([a-z_]+)"', html))
    assert offered == set(triage.CHOICES["symptoms"]) == {value for value, _ in SYMPTOM_CHOICES}


def test_the_partner_question_asks_for_certainty_and_never_mentions_a_condom(signed_in):
    html = signed_in.get("/diary/new/").content.decode()
    label = re.search(r'value="partner_blood"[^>]*>\s*([^<]+)</label>', html).group(1)
    assert "sure" in label and "none from me" in label
    assert "condom" not in label.lower()
    assert "semen or the condom" not in html
    assert "leave it unticked" in html


def test_an_episode_after_a_hysterectomy_is_urgent_and_the_page_says_why(signed_in, member):
    response = post_log(signed_in, recent_procedure="hysterectomy")
    episode = Episode.objects.get(owner=member)
    assert episode.recent_procedure == "hysterectomy"
    assert episode.assessment_level == "urgent"
    assert "after_hysterectomy" in episode.assessment_reasons
    html = response.content.decode()
    assert "care-card--urgent" in html
    assert "A hysterectomy in the last 6 months" in html


def test_an_episode_with_no_procedure_does_not_list_one(signed_in, member):
    html = post_log(signed_in).content.decode()
    assert Episode.objects.get(owner=member).recent_procedure == "none"
    assert "None of these" not in html


def test_being_sick_with_pelvic_pain_is_an_emergency_on_the_web_form(signed_in, member):
    post_log(signed_in, symptoms=["being_sick", "pelvic_pain"])
    episode = Episode.objects.get(owner=member)
    assert episode.symptoms == ["being_sick", "pelvic_pain"]
    assert episode.assessment_level == "emergency"
    assert "pelvic_infection_severe" in episode.assessment_reasons


@pytest.mark.parametrize(
    "value, message", [("surgery", "not one of the available choices"), ("", "required")]
)
def test_a_bad_or_missing_procedure_is_a_field_error_and_nothing_is_saved(
    signed_in, member, value, message
):
    response = post_log(signed_in, recent_procedure=value, notes="keep this text")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_recent_procedure_error"' in html
    assert message in html
    assert "keep this text" in html
    assert not Episode.objects.filter(owner=member).exists()


def test_the_edit_form_shows_the_procedure_and_a_change_reassesses(signed_in, member):
    post_log(signed_in, recent_procedure="coil_fitted")
    episode = Episode.objects.get(owner=member)
    told = episode.assessment_when_logged
    url = f"/diary/{episode.pk}/edit/"
    html = signed_in.get(url).content.decode()
    assert re.search(r'name="recent_procedure" value="coil_fitted"[^>]*checked', html)

    when = timezone.localtime(episode.occurred_at).strftime("%Y-%m-%dT%H:%M")
    signed_in.post(url, {**TYPICAL, "occurred_at": when, "recent_procedure": "hysterectomy"})
    episode.refresh_from_db()
    assert episode.recent_procedure == "hysterectomy"
    assert (episode.assessment_level, episode.assessment_reasons) == (
        "urgent",
        ["after_hysterectomy"],
    )
    assert (
        episode.assessment_when_logged
        == told
        == {
            "level": "routine",
            "reasons": ["unexplained_bleeding"],
            "rules_version": "2",
        }
    )


def test_r1_after_treatment_of_the_cervix_reads_as_expected_bleeding(signed_in, member):
    html = post_log(signed_in, amount="spotting", recent_procedure="cervix_treatment")
    assert Episode.objects.get(owner=member).assessment_reasons == ["unexplained_bleeding"]
    assert "colposcopy clinic" in html.content.decode()


def test_bleeding_in_pregnancy_shows_the_sooner_time_frame(signed_in, member):
    response = post_log(signed_in, pregnancy="yes")
    assert Episode.objects.get(owner=member).assessment_level == "urgent"
    assert response.context["card"]["when"] == "Now"


# The API ------------------------------------------------------------------------------------


def test_api_logs_a_recent_procedure_and_returns_what_was_told(api):
    response = api.post(
        API,
        {
            "occurred_at": "2026-03-14T22:30:00+01:00",
            "amount": "light",
            "recent_procedure": "hysterectomy",
        },
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["recent_procedure"] == "hysterectomy"
    assert body["assessment"]["level"] == "urgent"
    assert codes(body["assessment"]) == ["after_hysterectomy"]
    assert body["assessment_when_logged"] == body["assessment"]
    assert Episode.objects.get().recent_procedure == "hysterectomy"


def test_api_recent_procedure_defaults_to_none(api):
    body = api.post(API, {"occurred_at": "2026-03-14T22:30:00Z", "amount": "light"}, format="json")
    assert body.json()["recent_procedure"] == "none"
    assert Episode.objects.get().recent_procedure == "none"


def test_api_accepts_the_new_symptoms(api):
    body = api.post(
        API,
        {
            "occurred_at": "2026-03-14T22:30:00Z",
            "amount": "light",
            "symptoms": ["being_sick", "pelvic_pain", "sore_or_lump", "weight_loss", "bulge"],
        },
        format="json",
    ).json()
    assert body["assessment"]["level"] == "emergency"
    assert "pelvic_infection_severe" in codes(body["assessment"])
    assert {"visible_sore_or_lump", "unexplained_weight_loss", "vaginal_bulge"} <= set(
        codes(body["assessment"])
    )


def test_api_patch_of_the_procedure_reassesses_but_keeps_what_was_told(api):
    created = api.post(
        API, {"occurred_at": "2026-03-14T22:30:00Z", "amount": "light"}, format="json"
    )
    url = f"{API}{created.json()['id']}/"
    body = api.patch(url, {"recent_procedure": "hysterectomy"}, format="json").json()
    assert body["recent_procedure"] == "hysterectomy"
    assert body["assessment"]["level"] == "urgent"
    assert body["assessment_when_logged"]["level"] == "routine"
    assert codes(body["assessment_when_logged"]) == ["unexplained_bleeding"]
    assert api.get(url).json()["assessment_when_logged"] == body["assessment_when_logged"]


@pytest.mark.parametrize("value", ["surgery", "", None, True, ["hysterectomy"], "HYSTERECTOMY"])
def test_api_bad_procedure_is_400_naming_it_and_saves_nothing(api, value):
    response = api.post(
        API,
        {"occurred_at": "2026-03-14T22:30:00Z", "amount": "light", "recent_procedure": value},
        format="json",
    )
    assert response.status_code == 400
    assert "recent_procedure" in response.json()
    assert not Episode.objects.exists()


def test_api_schema_declares_the_procedure_and_both_assessments(client):
    import json

    response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    schemas = json.loads(response.content)["components"]["schemas"]
    episode = schemas["Episode"]["properties"]
    assert episode["assessment_when_logged"]["allOf"] == episode["assessment"]["allOf"]
    assert episode["assessment_when_logged"]["readOnly"] is True
    enum = episode["recent_procedure"]["allOf"][0]["$ref"].rsplit("/", 1)[1]
    assert schemas[enum]["enum"] == list(triage.CHOICES["recent_procedure"])
    for request in ("EpisodeCreateRequest", "EpisodeChangeRequest"):
        assert "assessment_when_logged" not in schemas[request]["properties"]


# A self-check saved to the diary --------------------------------------------------------


def test_a_more_urgent_self_check_is_stored_and_kept_as_what_was_told(member, profile):
    told = self_check(pregnancy="yes", symptoms=["sore_or_lump"])
    assert told["level"] == "urgent"
    services.log_episode(member, episode_values(timezone.now() - datetime.timedelta(days=3)))
    episode, _ = services.log_episode(member, episode_values(), told=told)
    # Its urgent reason, the diary's own reasons (the history), not its lesser ones.
    assert episode.assessment_level == "urgent"
    assert episode.assessment_reasons == ["pregnant_bleeding", "recurrent_bleeding"]
    assert episode.assessment_when_logged == {
        "level": "urgent",
        "reasons": ["pregnant_bleeding", "visible_sore_or_lump"],
        "rules_version": "2",
        "floor": True,
    }


def test_a_less_urgent_self_check_never_lowers_the_diarys_level(member, profile):
    told = self_check()
    assert told["level"] == "routine"
    services.log_episode(member, episode_values(timezone.now() - datetime.timedelta(days=3)))
    episode, _ = services.log_episode(member, episode_values(), told=told)
    assert episode.assessment_level == "soon"
    assert episode.assessment_reasons == ["recurrent_bleeding"]
    assert episode.assessment_when_logged == {
        "level": "routine",
        "reasons": ["unexplained_bleeding"],
        "rules_version": "2",
        "floor": True,
    }


def test_the_same_level_keeps_every_reason_most_urgent_first(member, profile):
    told = self_check(pregnancy="yes", symptoms=["weight_loss"])
    values = episode_values(recent_procedure="hysterectomy")
    episode, _ = services.log_episode(member, values, told=told)
    assert episode.assessment_level == "urgent"
    assert episode.assessment_reasons == [
        "pregnant_bleeding",
        "after_hysterectomy",
        "unexplained_weight_loss",
    ]


def test_a_reassurance_is_dropped_beside_the_self_checks_red_flag(member, profile):
    told = self_check(non_consensual=True)
    episode, _ = services.log_episode(member, episode_values(first_intercourse=True), told=told)
    assert episode.assessment_level == "urgent"
    assert episode.assessment_reasons == ["non_consensual"]


def test_without_a_self_check_what_was_told_is_the_diarys_own(member, profile):
    episode, _ = services.log_episode(member, episode_values(amount="heavy"))
    assert episode.assessment_when_logged == {
        "level": "emergency",
        "reasons": ["heavy_bleeding"],
        "rules_version": "2",
    }


def test_an_edit_keeps_what_was_told_and_reassesses_the_rest(member, profile):
    episode, _ = services.log_episode(member, episode_values(), told=self_check(faint=True))
    assert episode.assessment_level == "emergency"
    services.update_episode(episode, {"notes": "felt better after"})
    episode.refresh_from_db()
    assert episode.assessment_level == "routine"
    assert episode.assessment_when_logged["level"] == "emergency"
    assert assessment.assessment_when_logged(episode)["reasons"][0]["code"] == "faint"


# Episodes logged before rules version 2 -----------------------------------------------------


def make_v1(owner):
    """An episode as version 1 left it: no procedure asked, nothing kept of what was told."""
    episode, _ = services.log_episode(owner, episode_values(amount="moderate"))
    Episode.objects.filter(pk=episode.pk).update(
        assessment_level="soon",
        assessment_reasons=["recurrent_bleeding"],
        assessment_rules_version="1",
        assessment_when_logged=None,
    )
    return Episode.objects.get(pk=episode.pk)


def test_a_v1_episode_reads_what_was_told_as_its_stored_assessment(api, member):
    episode = make_v1(member)
    body = api.get(f"{API}{episode.pk}/").json()
    assert body["recent_procedure"] == "none"
    assert body["assessment"]["level"] == "soon"
    assert body["assessment"]["rules_version"] == "1"
    assert body["assessment_when_logged"] == body["assessment"]
    episode.refresh_from_db()
    assert episode.assessment_rules_version == "1"
    assert episode.assessment_when_logged is None


def test_a_v1_episode_keeps_its_stored_assessment_as_told_when_first_edited(member, profile):
    episode = make_v1(member)
    services.update_episode(episode, {"amount": "light"})
    episode.refresh_from_db()
    assert episode.assessment_rules_version == "2"
    assert episode.assessment_when_logged == {
        "level": "soon",
        "reasons": ["recurrent_bleeding"],
        "rules_version": "1",
    }


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_existing_episodes_and_reads_no_procedure(django_user_model):
    """The real thing: an episode saved under migration 0002, then the schema of version 2."""
    executor = MigrationExecutor(connection)
    before, after = [("diary", "0002_profile_episode")], executor.loader.graph.leaf_nodes("diary")
    try:
        executor.migrate(before)
        old = MigrationExecutor(connection).loader.project_state(before[0]).apps
        owner = old.get_model("auth", "User").objects.create(username="before-v2")
        old.get_model("diary", "Episode").objects.create(
            owner_id=owner.pk,
            occurred_at=timezone.now(),
            amount="light",
            assessment_level="routine",
            assessment_reasons=["unexplained_bleeding"],
            assessment_rules_version="1",
        )
    finally:
        MigrationExecutor(connection).migrate(after)
    episode = Episode.objects.get(owner__username="before-v2")
    assert episode.recent_procedure == "none"
    assert episode.assessment_when_logged is None
    assert (episode.assessment_level, episode.assessment_rules_version) == ("routine", "1")
    then = assessment.assessment_when_logged(episode)
    assert then == {
        key: value
        for key, value in assessment.stored_assessment(episode).items()
        if key not in ("assumed", "refine")
    }
    assert [r["code"] for r in assessment.stored_assessment(episode)["reasons"]] == [
        "unexplained_bleeding"
    ]
