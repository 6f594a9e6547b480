"""The diary home draws its timeline and finds the advice still open from points worked
out once (diary.models.EpisodePoints), not from every episode on every visit. Whatever
changes an episode shows on the very next visit, even when the clock has not moved; and
the points are as private as the episodes they repeat."""

import datetime
import re
from unittest import mock

import pytest
from django.db import connection
from django.utils import timezone

from diary import follow_up, services
from diary.models import Episode, EpisodePoints
from tests.helpers import episode_values, stored_episode

pytestmark = pytest.mark.django_db

NOW = timezone.now()


@pytest.fixture
def still_clock():
    """Every write gets the same updated_at: only the points' own bookkeeping can tell."""
    with mock.patch("django.utils.timezone.now", return_value=NOW):
        yield


def home(client):
    return client.get("/diary/").content.decode()


def chart_summary(html):
    """The chart's text alternative: "N episodes. By level: ..."."""
    return re.search(r'<desc id="timeline-svg-desc">([^<]*)</desc>', html).group(1)


def open_advice(html):
    return 'class="open-advice ' in html


def test_a_follow_up_answer_closes_the_advice_at_once(signed_in, member, still_clock):
    episode = stored_episode(member, days_ago=2, level="soon")
    assert open_advice(home(signed_in))
    follow_up.record_follow_up(episode, "booked")
    assert not open_advice(home(signed_in))
    follow_up.clear_follow_up(episode)
    assert open_advice(home(signed_in))


def test_an_edit_that_changes_the_advice_shows_at_once(signed_in, member, still_clock):
    services.update_profile(
        services.get_or_create_profile(member), {"year_of_birth": 1990, "menopause": "no"}
    )
    episode, _ = services.log_episode(member, episode_values(NOW - datetime.timedelta(hours=2)))
    assert "By level: Routine 1." in chart_summary(home(signed_in))
    services.update_episode(episode, {"amount": "heavy"})
    assert "By level: Emergency 1." in chart_summary(home(signed_in))


def test_a_profile_answer_that_changes_every_level_shows_at_once(signed_in, member, still_clock):
    profile = services.get_or_create_profile(member)
    services.update_profile(profile, {"year_of_birth": 1990, "menopause": "no"})
    services.log_episode(member, episode_values(NOW - datetime.timedelta(hours=2)))
    assert "By level: Routine 1." in chart_summary(home(signed_in))
    # Bleeding after sex after the menopause is a red flag: every episode is assessed again.
    services.update_profile(profile, {"menopause": "yes"})
    assert "By level: Routine" not in chart_summary(home(signed_in))


def test_logging_and_deleting_show_at_once(signed_in, member, still_clock):
    first, _ = services.log_episode(member, episode_values(NOW - datetime.timedelta(days=3)))
    assert chart_summary(home(signed_in)).startswith("1 episode.")
    second, _ = services.log_episode(member, episode_values(NOW - datetime.timedelta(days=1)))
    assert chart_summary(home(signed_in)).startswith("2 episodes.")
    services.delete_episode(second)
    services.delete_episode(first)
    assert "Nothing logged yet" in home(signed_in)


def test_the_points_are_made_once_and_read_after(signed_in, member):
    stored_episode(member, days_ago=3, level="urgent")
    home(signed_in)
    made = EpisodePoints.objects.get(owner=member)
    home(signed_in)
    assert EpisodePoints.objects.get(owner=member).stamp == made.stamp
    with mock.patch("diary.selectors._make_points") as again:
        home(signed_in)
    again.assert_not_called()


def test_the_points_are_stored_encrypted_and_the_stamp_says_no_more(signed_in, member):
    stored_episode(member, days_ago=3, level="emergency")
    home(signed_in)
    with connection.cursor() as cursor:
        cursor.execute("SELECT stamp, points FROM diary_episodepoints")
        stamp, points = cursor.fetchone()
    assert points.startswith("gAAAAA") and "emergency" not in points
    # How many episodes and when one last changed: both plain in the episode table too.
    count, changed = stamp.split(" ", 1)
    changed = datetime.datetime.fromisoformat(changed)
    if timezone.is_naive(changed):  # SQLite's text has no offset: it is UTC
        changed = changed.replace(tzinfo=datetime.UTC)
    assert count == "1" and changed == Episode.objects.get().updated_at


def test_someone_elses_points_are_never_shown(client, member, django_user_model):
    other = django_user_model.objects.create_user("sam", password="another-long-pass-9")
    stored_episode(other, days_ago=2, level="emergency")
    client.force_login(other)
    assert open_advice(home(client))
    client.force_login(member)
    html = home(client)
    assert not open_advice(html) and "Nothing logged yet" in html
