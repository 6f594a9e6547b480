"""The recurrence and persistence rules fire from the stored diary exactly as the spec says."""

import datetime

import pytest
from django.utils import timezone

from diary import assessment, services
from diary.models import Profile
from tests.helpers import episode_values

pytestmark = pytest.mark.django_db
NOW = timezone.make_aware(datetime.datetime(2026, 8, 31, 21, 30))


@pytest.fixture
def known(member):
    """A profile that says everything, so only the history decides."""
    return Profile.objects.create(
        user=member, year_of_birth=1990, menopause="no", anticoagulants="no"
    )


def log(owner, moment, **changes):
    episode, _ = services.log_episode(owner, episode_values(moment, **changes))
    return episode


def test_months_before_is_calendar_months_clamped_to_the_month_end():
    assert assessment.months_before(NOW, 6) == NOW.replace(month=2, day=28)
    assert assessment.months_before(NOW.replace(month=3, day=15), 6) == NOW.replace(
        year=2025, month=9, day=15
    )


def test_first_episode_is_routine(member, known):
    episode = log(member, NOW)
    assert episode.assessment_level == "routine"
    assert episode.assessment_reasons == ["unexplained_bleeding"]


def test_second_episode_within_6_months_is_recurrent(member, known):
    log(member, NOW - datetime.timedelta(days=3))
    episode = log(member, NOW)
    assert episode.assessment_level == "soon"
    assert "recurrent_bleeding" in episode.assessment_reasons
    assert "persistent_bleeding" not in episode.assessment_reasons


def test_exactly_6_calendar_months_earlier_still_counts(member, known):
    log(member, assessment.months_before(NOW, 6))
    assert "recurrent_bleeding" in log(member, NOW).assessment_reasons


def test_a_minute_more_than_6_months_earlier_does_not_count(member, known):
    log(member, assessment.months_before(NOW, 6) - datetime.timedelta(minutes=1))
    episode = log(member, NOW)
    assert episode.assessment_level == "routine"


def test_28_days_after_the_first_is_persistent(member, known):
    log(member, NOW - datetime.timedelta(days=28))
    assert "persistent_bleeding" in log(member, NOW).assessment_reasons


def test_27_days_after_the_first_is_not_yet_persistent(member, known):
    log(member, NOW - datetime.timedelta(days=27, hours=23))
    reasons = log(member, NOW).assessment_reasons
    assert "persistent_bleeding" not in reasons
    assert "recurrent_bleeding" in reasons


def test_later_episodes_do_not_count_for_an_earlier_one(member, known):
    log(member, NOW)
    earlier = log(member, NOW - datetime.timedelta(days=40))
    assert earlier.assessment_level == "routine"


def test_first_few_times_are_not_recurrent(member, known):
    log(member, NOW - datetime.timedelta(days=2), first_intercourse=True)
    episode = log(member, NOW, first_intercourse=True)
    assert episode.assessment_level == "self_care"


def test_from_the_third_time_the_first_few_times_are_recurrent_too(member, known):
    """Rules v2: "the first few times" (C1) ends at two earlier episodes."""
    for days in (9, 2):
        log(member, NOW - datetime.timedelta(days=days), first_intercourse=True)
    episode = log(member, NOW, first_intercourse=True)
    assert episode.assessment_level == "soon"
    assert "recurrent_bleeding" in episode.assessment_reasons
    assert "first_intercourse_light" not in episode.assessment_reasons


def test_28_days_after_the_first_is_persistent_even_in_the_first_few_times(member, known):
    log(member, NOW - datetime.timedelta(days=28), first_intercourse=True)
    episode = log(member, NOW, first_intercourse=True)
    assert "persistent_bleeding" in episode.assessment_reasons
    assert episode.assessment_level == "soon"


def test_editing_an_episode_does_not_count_itself_as_history(member, known):
    episode = log(member, NOW)
    services.update_episode(episode, {"notes": "edited"})
    assert episode.assessment_level == "routine"


def test_unknown_age_counts_as_45_plus_and_25_plus_but_not_16_plus(member):
    Profile.objects.create(user=member, menopause="unsure", screening="never")
    episode = log(member, NOW, first_intercourse=True)
    assert "postmenopausal_bleeding" in episode.assessment_reasons
    assert "screening_due" in episode.assessment_reasons
    assert "first_intercourse_light" not in episode.assessment_reasons
    assert "child_safeguarding" not in episode.assessment_reasons


def test_unknown_menopause_counts_as_unsure(member):
    Profile.objects.create(user=member, year_of_birth=1975)
    assert "postmenopausal_bleeding" in log(member, NOW).assessment_reasons


def test_unknown_anticoagulants_count_as_not_taken_and_are_named_to_refine(member, known):
    known.anticoagulants = ""
    known.save()
    result = assessment.stored_assessment(log(member, NOW))
    assert result["level"] == "routine"
    assert "anticoagulants" in result["refine"]


@pytest.mark.parametrize(
    "last, result, age_year, expected",
    [
        (datetime.date(2024, 1, 10), "normal", 1990, "up_to_date"),
        (datetime.date(2023, 1, 10), "normal", 1990, "overdue"),
        (datetime.date(2022, 1, 10), "normal", 1970, "up_to_date"),
        (datetime.date(2025, 6, 1), "hpv_only", 1990, "overdue"),
        (datetime.date(2025, 6, 1), "abnormal", 1990, "abnormal"),
        (datetime.date(2025, 6, 1), "waiting", 1990, "unknown"),
        (None, "", 1990, "unknown"),
    ],
)
def test_screening_status_from_the_profile(last, result, age_year, expected):
    profile = Profile(
        year_of_birth=age_year,
        screening="had" if last else "",
        screening_last_date=last,
        screening_last_result=result,
    )
    age = assessment.age_at(profile, NOW)
    assert assessment.screening_status(profile, NOW, age) == expected


def test_never_screened_is_never():
    assert assessment.screening_status(Profile(screening="never"), NOW, 30) == "never"


def test_repeating_a_client_id_returns_the_first_episode(member, known):
    import uuid

    client_id = uuid.uuid4()
    first, created = services.log_episode(member, episode_values(NOW), client_id=client_id)
    again, created_again = services.log_episode(member, episode_values(NOW), client_id=client_id)
    assert (created, created_again) == (True, False)
    assert again.pk == first.pk
    assert member.episodes.count() == 1
