"""Follow-up until seen: advice of `soon` or more urgent stays first on the diary home until
the person says whether they got it checked; "not yet" asks again after the advice's time
frame; each episode has its own answer, on the web and in the API, encrypted at rest."""

import datetime
import json
import os
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from diary import follow_up, services
from diary.models import Episode
from tests.helpers import episode_values, stored_episode
from tests.test_encryption_at_rest import manage

pytestmark = pytest.mark.django_db

HOURS = datetime.timedelta(hours=1)
DAYS = datetime.timedelta(days=1)


@pytest.fixture
def api(member):
    client = APIClient()
    client.force_login(member)
    return client


def home(client):
    return client.get("/diary/").content.decode()


def open_section(html):
    """The open-advice card of the diary home, or "" when nothing is open."""
    if 'class="open-advice ' not in html:
        return ""
    start = html.index('class="open-advice ')
    return html[start : html.index("</section>", start)]


def answer_url(episode):
    return f"/diary/{episode.pk}/follow-up/"


# The rules of being open --------------------------------------------------------------


def test_open_advice_stays_first_until_answered(signed_in, member):
    soon = stored_episode(member, days_ago=3, level="soon")
    stored_episode(member, days_ago=1, level="routine")  # a milder, later one
    for _visit in range(2):  # looking is not answering
        html = home(signed_in)
        card = open_section(html)
        assert html.index('class="open-advice ') < html.index("timeline__chart")
        assert "Did you get it checked?" in card
        assert f'action="{answer_url(soon)}"' in card
    follow_up.record_follow_up(soon, "booked")
    assert open_section(home(signed_in)) == ""


@pytest.mark.parametrize("level", ["emergency", "urgent", "soon"])
def test_every_advice_to_get_checked_is_open_until_answered(member, level):
    episode = stored_episode(member, days_ago=200, level=level)
    assert follow_up.is_open(episode)
    assert follow_up.ask_again_at(episode) is None


@pytest.mark.parametrize("level", ["routine", "self_care"])
def test_routine_and_self_care_are_never_open_but_keep_an_outcome(member, level):
    episode = stored_episode(member, level=level)
    assert not follow_up.is_open(episode)
    follow_up.record_follow_up(episode, "seen", finding="nothing_found")
    episode.refresh_from_db()
    assert episode.follow_up["finding"] == "nothing_found"
    assert not follow_up.is_open(episode)


@pytest.mark.parametrize(
    "level, frame", [("emergency", 1 * DAYS), ("urgent", 1 * DAYS), ("soon", 14 * DAYS)]
)
def test_not_yet_closes_the_advice_for_its_time_frame_then_asks_again(member, level, frame):
    answered = timezone.now() - 30 * DAYS
    episode = stored_episode(member, days_ago=31, level=level)
    follow_up.record_follow_up(episode, "not_yet", now=answered)
    episode.refresh_from_db()
    assert follow_up.ask_again_at(episode) == answered + frame
    assert not follow_up.is_open(episode, now=answered + frame - datetime.timedelta(minutes=1))
    assert follow_up.is_open(episode, now=answered + frame)


def test_not_yet_comes_back_on_the_diary_home_after_two_weeks(signed_in, member):
    episode = stored_episode(member, days_ago=20, level="soon")
    follow_up.record_follow_up(episode, "not_yet", now=timezone.now() - 13 * DAYS)
    assert open_section(home(signed_in)) == ""
    follow_up.record_follow_up(episode, "not_yet", now=timezone.now() - 14 * DAYS - HOURS)
    card = open_section(home(signed_in))
    assert "Did you get it checked?" in card
    assert "Your answer on" in card and "Not yet." in card


def test_the_clock_decides_when_not_yet_is_over(member):
    """The same with the clock moved on instead of the answer moved back."""
    episode = stored_episode(member, level="urgent")
    follow_up.record_follow_up(episode, "not_yet")
    assert not follow_up.is_open(episode)
    with mock.patch("django.utils.timezone.now", return_value=timezone.now() + DAYS + HOURS):
        assert follow_up.is_open(episode)


@pytest.mark.parametrize(
    "answer",
    [
        {"status": "booked"},
        {"status": "booked", "booked_for": datetime.date(2026, 12, 3)},
        {"status": "seen"},
        {"status": "seen", "finding": "referred"},
    ],
)
def test_booked_and_seen_close_the_advice_for_good(member, answer):
    episode = stored_episode(member, days_ago=400, level="emergency")
    follow_up.record_follow_up(episode, **answer, now=timezone.now() - 365 * DAYS)
    assert not follow_up.is_open(episode, now=timezone.now() + 3650 * DAYS)


def test_a_new_urgent_episode_after_seen_nothing_found_is_open(signed_in, member):
    services.update_profile(
        services.get_or_create_profile(member), {"year_of_birth": 1990, "menopause": "no"}
    )
    first, _ = services.log_episode(
        member, episode_values(timezone.now() - 10 * DAYS, amount="heavy")
    )
    assert first.assessment_level == "emergency"
    follow_up.record_follow_up(first, "seen", finding="nothing_found")
    assert open_section(home(signed_in)) == ""

    second, _ = services.log_episode(member, episode_values(amount="heavy"))
    assert second.assessment_level == "emergency"
    first.refresh_from_db()
    assert follow_up.is_open(second) and not follow_up.is_open(first)
    card = open_section(home(signed_in))
    assert f'action="{answer_url(second)}"' in card
    assert answer_url(first) not in card


def test_several_open_most_urgent_first_then_newest(signed_in, member):
    soon_newest = stored_episode(member, days_ago=1, level="soon")
    urgent_older = stored_episode(member, days_ago=6, level="urgent")
    urgent_newer = stored_episode(member, days_ago=4, level="urgent")
    answered = stored_episode(member, days_ago=2, level="emergency")
    follow_up.record_follow_up(answered, "seen")
    html = home(signed_in)
    assert f'action="{answer_url(urgent_newer)}"' in open_section(html)
    others = html[html.index("Also waiting for your answer") :]
    assert others.index(answer_url(urgent_older)) < others.index(answer_url(soon_newest))
    assert answer_url(answered) not in html


def test_open_advice_shows_the_history_it_counts(signed_in, member):
    stored_episode(member, days_ago=100)
    stored_episode(member, days_ago=40)
    stored_episode(member, days_ago=3, level="soon")
    card = open_section(home(signed_in))
    assert "3 episodes in 4 months" in card
    assert "Book an appointment to be checked within 2 weeks." in card


# One validator for every way in --------------------------------------------------------


@pytest.mark.parametrize(
    "answer, named",
    [
        ({"status": None}, "status"),
        ({"status": "maybe"}, "status"),
        ({"status": "not_yet", "booked_for": datetime.date(2026, 12, 3)}, "booked_for"),
        ({"status": "booked", "booked_for": "2026-12-03"}, "booked_for"),
        ({"status": "booked", "booked_for": timezone.now()}, "booked_for"),
        ({"status": "booked", "finding": "nothing_found"}, "finding"),
        ({"status": "seen", "finding": "fine"}, "finding"),
    ],
)
def test_the_validator_names_the_field(answer, named):
    with pytest.raises(ValidationError) as raised:
        follow_up.validate_answer(**answer)
    assert set(raised.value.message_dict) == {named}


def test_a_past_booking_date_is_fine(member):
    episode = stored_episode(member, level="soon")
    follow_up.record_follow_up(episode, "booked", booked_for=datetime.date(2020, 1, 1))
    assert Episode.objects.get(pk=episode.pk).follow_up["booked_for"] == "2020-01-01"


def test_recording_saves_only_the_follow_up(member):
    episode = stored_episode(member, level="soon", notes="before")
    Episode.objects.filter(pk=episode.pk).update(assessment_rules_version="9")  # elsewhere
    episode.notes = "not saved by answering"
    follow_up.record_follow_up(episode, "seen")
    stored = Episode.objects.get(pk=episode.pk)
    assert (stored.notes, stored.assessment_rules_version) == ("before", "9")
    assert stored.follow_up["status"] == "seen"


@pytest.mark.parametrize(
    "answer, text",
    [
        (None, ""),
        ({"status": "not_yet"}, "Not yet"),
        ({"status": "booked", "booked_for": None}, "Booked"),
        ({"status": "seen", "finding": "nothing_found"}, "Seen: nothing found"),
        ({"status": "seen", "finding": "prefer_not_to_say"}, "Seen"),
        ({"status": "seen", "finding": None}, "Seen"),
    ],
)
def test_outcome_texts(answer, text):
    assert follow_up.outcome(answer) == text


def test_a_booking_date_is_short_this_year_and_has_its_year_otherwise():
    this_year = timezone.localdate().year
    assert follow_up.outcome({"status": "booked", "booked_for": f"{this_year}-12-03"}) == (
        "Booked for 3 Dec"
    )
    assert follow_up.outcome({"status": "booked", "booked_for": "2031-07-19"}) == (
        "Booked for 19 Jul 2031"
    )


def test_a_booking_date_in_russian_names_its_month_in_the_genitive():
    """«Приём назначен на 3 декабря», not Django's short month «3 Дек», which is capitalised
    in Russian (pcb_site/formats/ru)."""
    from django.utils import translation

    this_year = timezone.localdate().year
    with translation.override("ru"):
        assert follow_up.outcome({"status": "booked", "booked_for": f"{this_year}-12-03"}) == (
            "Приём назначен на 3 декабря"
        )
        assert follow_up.outcome({"status": "booked", "booked_for": "2031-07-19"}) == (
            "Приём назначен на 19 июля 2031"
        )


# The web form -------------------------------------------------------------------------


def test_answering_from_the_diary_home_round_trips(signed_in, member):
    episode = stored_episode(member, days_ago=2, level="urgent")
    response = signed_in.post(
        answer_url(episode), {"from": "diary", "status": "booked", "booked_for": "2031-07-19"}
    )
    assert response.status_code == 302 and response.url == "/diary/"
    episode.refresh_from_db()
    assert episode.follow_up["status"] == "booked"
    assert episode.follow_up["booked_for"] == "2031-07-19"
    assert episode.follow_up["finding"] is None
    answered = datetime.datetime.fromisoformat(episode.follow_up["answered_at"])
    assert abs(timezone.now() - answered) < datetime.timedelta(minutes=1)

    html = signed_in.get("/diary/").content.decode()
    assert "Your answer is saved: Booked for 19 Jul 2031." in html
    assert open_section(html) == ""
    assert '<span class="episode-list__outcome">Booked for 19 Jul 2031</span>' in html

    page = signed_in.get(answer_url(episode)).content.decode()
    assert 'value="booked" id="id_follow_up_status_1" checked' in page
    assert 'value="2031-07-19"' in page


def test_answering_from_the_episode_page_goes_back_to_it(signed_in, member):
    episode = stored_episode(member, level="routine")
    response = signed_in.post(answer_url(episode), {"status": "seen", "finding": "nothing_found"})
    assert response.url == f"/diary/{episode.pk}/"
    assert "Seen: nothing found" in home(signed_in)


def test_details_of_another_answer_are_left_out_not_refused(signed_in, member):
    episode = stored_episode(member, level="soon")
    response = signed_in.post(
        answer_url(episode),
        {"status": "seen", "booked_for": "not a date", "finding": "infection_treated"},
    )
    assert response.status_code == 302
    episode.refresh_from_db()
    assert episode.follow_up["booked_for"] is None
    assert episode.follow_up["finding"] == "infection_treated"


def test_no_choice_is_shown_next_to_the_question(signed_in, member):
    episode = stored_episode(member, level="soon")
    response = signed_in.post(answer_url(episode), {"from": "diary"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert '<a href="#id_follow_up_status">Choose one: not yet, booked or seen.</a>' in html
    assert '<input type="hidden" name="from" value="diary">' in html
    assert Episode.objects.get(pk=episode.pk).follow_up is None


def test_the_form_has_a_legend_and_a_label_for_every_control(signed_in, member):
    episode = stored_episode(member, level="soon")
    html = signed_in.get(answer_url(episode)).content.decode()
    assert "<legend>Did you get it checked?</legend>" in html
    assert "<legend>What did they find?</legend>" in html
    assert '<label for="id_follow_up_booked_for">Date of the appointment' in html
    for index in range(3):
        assert f'<label for="id_follow_up_status_{index}">' in html
    for index in range(6):
        assert f'<label for="id_follow_up_finding_{index}">' in html


def test_another_persons_episode_is_404(signed_in, django_user_model):
    someone = django_user_model.objects.create_user("someone", password="x-long-pass-phrase-9")
    episode = stored_episode(someone, level="urgent")
    assert signed_in.get(answer_url(episode)).status_code == 404
    assert signed_in.post(answer_url(episode), {"status": "seen"}).status_code == 404
    assert Episode.objects.get(pk=episode.pk).follow_up is None


# The API -------------------------------------------------------------------------------


def episode_url(episode):
    return f"/api/v1/episodes/{episode.pk}/"


def test_the_api_shows_null_until_answered_then_the_answer(api, member):
    episode = stored_episode(member, level="soon")
    assert api.get(episode_url(episode)).json()["follow_up"] is None
    sent = {"status": "seen", "finding": "ectropion_or_polyp", "answered_at": "2000-01-01T00:00Z"}
    response = api.patch(episode_url(episode), {"follow_up": sent}, format="json")
    assert response.status_code == 200, response.json()
    shown = response.json()["follow_up"]
    assert shown["status"] == "seen" and shown["finding"] == "ectropion_or_polyp"
    assert shown["booked_for"] is None
    assert shown["answered_at"].startswith(str(timezone.now().year))  # the server's, not ours
    assert api.get(episode_url(episode)).json()["follow_up"] == shown
    assert Episode.objects.get(pk=episode.pk).follow_up == shown


def test_a_follow_up_patch_alone_does_not_assess_again(api, member):
    episode = stored_episode(member, level="urgent")
    with mock.patch("diary.services.update_episode", side_effect=AssertionError("assessed")):
        response = api.patch(
            episode_url(episode),
            {"follow_up": {"status": "booked", "booked_for": "2031-07-19"}},
            format="json",
        )
    assert response.status_code == 200, response.json()
    assert response.json()["follow_up"]["booked_for"] == "2031-07-19"


def test_a_put_without_follow_up_keeps_it_and_null_takes_it_back(api, member):
    episode = stored_episode(member, level="soon")
    follow_up.record_follow_up(episode, "not_yet")
    body = {"occurred_at": episode.occurred_at.isoformat(), "amount": "moderate"}
    response = api.put(episode_url(episode), body, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["follow_up"]["status"] == "not_yet"
    assert response.json()["amount"] == "moderate"
    response = api.patch(episode_url(episode), {"follow_up": None}, format="json")
    assert response.json()["follow_up"] is None
    assert Episode.objects.get(pk=episode.pk).follow_up is None


def test_a_put_with_other_changes_and_an_answer_saves_both(api, member):
    episode = stored_episode(member, level="soon")
    body = {
        "occurred_at": episode.occurred_at.isoformat(),
        "amount": "moderate",
        "follow_up": {"status": "seen", "finding": "referred"},
    }
    response = api.put(episode_url(episode), body, format="json")
    assert response.status_code == 200, response.json()
    stored = Episode.objects.get(pk=episode.pk)
    assert (stored.amount, stored.follow_up["finding"]) == ("moderate", "referred")


@pytest.mark.parametrize(
    "sent, named",
    [
        ({}, "status"),
        ({"status": "maybe"}, "status"),
        ({"status": None}, "status"),
        ({"status": "booked", "booked_for": "tomorrow"}, "booked_for"),
        ({"status": "booked", "booked_for": 20261203}, "booked_for"),
        ({"status": "not_yet", "booked_for": "2026-12-03"}, "booked_for"),
        ({"status": "seen", "finding": "cancer"}, "finding"),
        ({"status": "booked", "finding": "nothing_found"}, "finding"),
        ({"status": "seen", "seen_by": "GP"}, "seen_by"),
    ],
)
def test_bad_follow_up_values_are_400_naming_the_field(api, member, sent, named):
    episode = stored_episode(member, level="soon")
    response = api.patch(episode_url(episode), {"follow_up": sent}, format="json")
    assert response.status_code == 400
    errors = response.json()["follow_up"]
    assert named in json.dumps(errors), errors
    assert Episode.objects.get(pk=episode.pk).follow_up is None


@pytest.mark.parametrize("sent", ["seen", ["seen"], 3])
def test_a_follow_up_that_is_not_an_object_is_400(api, member, sent):
    episode = stored_episode(member, level="soon")
    response = api.patch(episode_url(episode), {"follow_up": sent}, format="json")
    assert response.status_code == 400
    assert "follow_up" in response.json()


def test_follow_up_is_not_set_with_a_new_episode(api):
    body = {"occurred_at": "2026-03-14T22:30:00+01:00", "amount": "light"}
    response = api.post(
        "/api/v1/episodes/", body | {"follow_up": {"status": "seen"}}, format="json"
    )
    assert response.status_code == 400
    assert "follow_up" in response.json()
    assert not Episode.objects.exists()
    response = api.post("/api/v1/episodes/", body | {"follow_up": None}, format="json")
    assert response.status_code == 201
    assert response.json()["follow_up"] is None


def test_the_schema_declares_follow_up(client):
    response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    schemas = json.loads(response.content)["components"]["schemas"]
    episode = json.dumps(schemas["Episode"]["properties"]["follow_up"])
    assert "FollowUp" in episode and '"nullable": true' in episode
    answer = schemas["FollowUp"]
    assert set(answer["properties"]) == {"status", "booked_for", "finding", "answered_at"}
    assert answer["properties"]["answered_at"]["readOnly"] is True
    assert answer["required"] == ["answered_at", "status"]
    text = json.dumps(schemas)
    for value in ("not_yet", "booked", "seen", "ectropion_or_polyp", "prefer_not_to_say"):
        assert f'"{value}"' in text


# At rest and at scale ------------------------------------------------------------------


def test_the_follow_up_column_holds_a_token_only(member):
    episode = stored_episode(member, level="soon")
    follow_up.record_follow_up(episode, "booked", booked_for=datetime.date(2031, 7, 19))
    with connection.cursor() as cursor:
        cursor.execute("SELECT follow_up FROM diary_episode")
        (raw,) = cursor.fetchone()
    assert raw.startswith("gAAAAA"), raw
    for readable in ("booked", "2031-07-19", "answered_at", "status"):
        assert readable not in raw


SAVE_OUTCOME = """
import datetime
from django.contrib.auth import get_user_model
from django.utils import timezone
from diary import follow_up
from diary.models import Episode
user = get_user_model().objects.create_user("outcome-test", password="a-long-pass-phrase-1")
episode = Episode.objects.create(
    owner=user, occurred_at=timezone.now(), amount="light", assessment_level="soon",
    assessment_reasons=[], assessment_rules_version="2")
follow_up.record_follow_up(episode, "seen", finding="ectropion_or_polyp")
other = Episode.objects.create(
    owner=user, occurred_at=timezone.now(), amount="light", assessment_level="urgent",
    assessment_reasons=[], assessment_rules_version="2")
follow_up.record_follow_up(other, "booked", booked_for=datetime.date(2031, 7, 19))
print("saved")
"""


def test_an_outcome_is_not_readable_in_the_database_file(tmp_path):
    from cryptography.fernet import Fernet

    path = tmp_path / "diary.sqlite3"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{path}",
        "CACHE_URL": "",
        "DIARY_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
    }
    assert manage("migrate", "--noinput", env=env).returncode == 0
    result = manage("shell", "--no-imports", "-c", SAVE_OUTCOME, env=env)
    assert "saved" in result.stdout, result.stderr
    raw = b"".join(file.read_bytes() for file in tmp_path.glob("diary.sqlite3*"))
    assert b"outcome-test" in raw  # the file really holds the diary: the search means something
    for readable in (b"ectropion_or_polyp", b"2031-07-19", b"answered_at", b"booked_for"):
        assert readable not in raw, readable


def fill(owner, number):
    """Episodes every 6 hours, a third of them answered; the rest of the soon ones open."""
    Episode.objects.filter(owner=owner).delete()
    answers = [None, {"status": "seen", "booked_for": None, "finding": "nothing_found"}, None]
    now = timezone.now()
    Episode.objects.bulk_create(
        Episode(
            owner=owner,
            occurred_at=now - datetime.timedelta(hours=6 * i + 1),
            amount="light",
            assessment_level=("soon", "urgent", "routine")[i % 3],
            assessment_reasons=[],
            assessment_rules_version="2",
            follow_up=answers[i % 3] and {**answers[i % 3], "answered_at": now.isoformat()},
        )
        for i in range(number)
    )


def test_the_diary_home_costs_the_same_queries_with_open_advice_for_10_or_1000(signed_in, member):
    fill(member, 10)
    signed_in.get("/diary/")  # warm the session and the profile
    with CaptureQueriesContext(connection) as small:
        html = home(signed_in)
    assert "Also waiting for your answer" in html
    assert "Seen: nothing found" in html
    fill(member, 1000)
    # The first visit after a change makes the diary home's points again, in a fixed number
    # of queries of its own (tests/test_diary_query_budget.py).
    home(signed_in)
    with CaptureQueriesContext(connection) as large:
        html = home(signed_in)
    assert "more episodes: open them from the list below" in html
    assert len(large) == len(small)


def test_the_include_needs_only_the_episode(rf, member):
    """What the episode's page adds: {% include "diary/includes/follow_up.html" %}."""
    from django.template.loader import render_to_string

    episode = stored_episode(member, level="routine")
    follow_up.record_follow_up(episode, "seen", finding="infection_treated")
    html = render_to_string(
        "diary/includes/follow_up.html", {"episode": episode}, request=rf.get("/")
    )
    assert f'action="{answer_url(episode)}"' in html
    assert '<input type="hidden" name="from" value="episode">' in html
    assert "Seen: infection treated." in html
    assert 'value="infection_treated" id="id_follow_up_finding_1" checked' in html
