"""Automatic deletion of episodes older than the age a person chose (6, 12 or 24 months):
exactly those and nothing else, by the scheduled command and when the diary is opened."""

import datetime
import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from diary import services
from diary.assessment import months_before
from diary.models import Episode, Profile
from diary.your_data import retention
from tests.helpers import episode_values

pytestmark = pytest.mark.django_db
SECOND = datetime.timedelta(seconds=1)


def log(owner, moment, **changes):
    return services.log_episode(owner, episode_values(moment, **changes))[0]


def choose(owner, months):
    services.update_profile(services.get_or_create_profile(owner), {"auto_delete_months": months})


@pytest.fixture
def diary(member):
    """Episodes either side of the 12-month boundary, and years old."""
    now = timezone.now()
    cutoff = months_before(now, 12)
    episodes = {
        "years_ago": log(member, now - datetime.timedelta(days=1000)),
        "just_older": log(member, cutoff - SECOND),
        "at_the_boundary": log(member, cutoff + SECOND),
        "eleven_months": log(member, months_before(now, 11)),
        "today": log(member, now - datetime.timedelta(hours=2)),
    }
    return now, episodes


def kept(owner):
    return set(Episode.objects.filter(owner=owner).values_list("pk", flat=True))


def test_auto_delete_is_off_by_default(member, diary):
    assert services.get_or_create_profile(member).auto_delete_months is None
    assert retention.delete_old_episodes_for_everyone() == (0, 0)
    assert len(kept(member)) == 5


def test_removes_exactly_the_episodes_older_than_the_chosen_age(member, django_user_model, diary):
    now, episodes = diary
    someone_else = django_user_model.objects.create_user(username="sam", password="x" * 20)
    their_old = log(someone_else, now - datetime.timedelta(days=1000))  # never chose it
    choose(member, 12)

    assert retention.delete_old_episodes_for_everyone(now) == (1, 2)

    younger = {"at_the_boundary", "eleven_months", "today"}
    assert kept(member) == {episodes[name].pk for name in younger}
    assert kept(someone_else) == {their_old.pk}


@pytest.mark.parametrize("months", [6, 24])
def test_each_age_counts_calendar_months(member, months):
    now = timezone.now()
    cutoff = months_before(now, months)
    older, younger = log(member, cutoff - SECOND), log(member, cutoff + SECOND)
    choose(member, months)
    assert retention.delete_old_episodes(Profile.objects.get(user=member), now) == 1
    assert kept(member) == {younger.pk}
    assert older.pk not in kept(member)


def test_what_remains_is_assessed_again_without_the_deleted(member):
    now = timezone.now()
    log(member, months_before(now, 13))
    # Two months later: its history counted the one before it.
    remaining = log(member, months_before(now, 11))
    assert "recurrent_bleeding" in remaining.assessment_reasons
    choose(member, 12)
    retention.delete_old_episodes(Profile.objects.get(user=member), now)
    remaining.refresh_from_db()
    assert "recurrent_bleeding" not in remaining.assessment_reasons


def test_the_command_deletes_for_everyone_and_prints_counts_only(member, diary):
    choose(member, 12)
    out = io.StringIO()
    call_command("delete_old_episodes", stdout=out)
    printed = out.getvalue()
    assert re.fullmatch(
        r"2 episodes deleted for 1 people with automatic deletion\n"
        r"0 expired device tokens deleted\n",
        printed,
    )
    assert "robin" not in printed
    assert len(kept(member)) == 3


def test_opening_the_diary_deletes_old_episodes(client, member, diary):
    _now, episodes = diary
    choose(member, 12)
    client.force_login(member)
    assert client.get("/diary/").status_code == 200
    assert episodes["just_older"].pk not in kept(member)
    assert len(kept(member)) == 3


def test_the_account_page_sets_the_age_and_deletes_at_once(client, member, diary):
    client.force_login(member)
    html = client.get("/accounts/").content.decode()
    assert 'action="/accounts/auto-delete/"' in html
    assert 'value="" id="id_auto_delete_months_0" checked' in html

    response = client.post("/accounts/auto-delete/", {"auto_delete_months": "12"}, follow=True)

    html = response.content.decode()
    assert "Episodes older than 12 months are now deleted automatically." in html
    assert "2 older episodes were deleted." in html
    assert 'value="12" id="id_auto_delete_months_2" checked' in html
    assert Profile.objects.get(user=member).auto_delete_months == 12
    assert len(kept(member)) == 3

    response = client.post("/accounts/auto-delete/", {"auto_delete_months": ""}, follow=True)
    assert "Automatic deletion is off" in response.content.decode()
    assert Profile.objects.get(user=member).auto_delete_months is None


@pytest.mark.parametrize("value", ["3", "1", "0", "-6", "18", "six", "99999999999"])
def test_an_age_below_6_months_or_not_offered_is_refused(client, member, diary, value):
    choose(member, 24)
    client.force_login(member)

    response = client.post("/accounts/auto-delete/", {"auto_delete_months": value})

    html = response.content.decode()
    assert response.status_code == 400
    assert 'class="field field--error"' in html and 'href="#id_auto_delete_months"' in html
    assert "Choose 6, 12 or 24 months, or never." in html
    assert Profile.objects.get(user=member).auto_delete_months == 24
    assert len(kept(member)) == 5  # a refused post deletes nothing


def test_fewer_months_than_the_rules_look_back_are_refused_everywhere():
    for months in (1, 3, 5):
        with pytest.raises(ValidationError, match="6 months or more"):
            retention.validate_months(months)
        with pytest.raises(ValidationError):
            retention.cutoff(months)
    assert retention.validate_months(None) is None


def test_the_setting_needs_a_signed_in_person(client):
    response = client.post("/accounts/auto-delete/", {"auto_delete_months": "6"})
    assert response["Location"].startswith("/accounts/login/")
