"""The diary's busiest requests cost a few queries, the same few for 3 episodes or 1,000:
the diary home, the API's list of episodes and logging an episode through the API. Each
query is a round trip to the database; one more per episode would pass unnoticed with a
small diary and cost seconds with a large one."""

import datetime
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from diary.models import Episode

pytestmark = pytest.mark.django_db


def fill(owner, number, every=datetime.timedelta(hours=6)):
    """`number` episodes of mixed levels, one every `every` back from an hour ago."""
    Episode.objects.bulk_create(
        Episode(
            owner=owner,
            occurred_at=timezone.now() - every * number_ - datetime.timedelta(hours=1),
            amount="light",
            assessment_level=("soon", "routine", "urgent")[number_ % 3],
            assessment_reasons=["recurrent_bleeding"],
            assessment_rules_version="2",
        )
        for number_ in range(number)
    )


@pytest.fixture
def api(member):
    client = APIClient()
    client.force_login(member)
    return client


def queries(request):
    with CaptureQueriesContext(connection) as captured:
        response = request()
    assert response.status_code in (200, 201), response.content[:300]
    return len(captured)


def new_episode(api, moment):
    body = {"occurred_at": moment.isoformat(), "amount": "light", "client_id": str(uuid.uuid4())}
    return lambda: api.post("/api/v1/episodes/", body, format="json")


@pytest.mark.parametrize("number", [3, 1000])
def test_the_diary_home(api, member, number, django_assert_max_num_queries):
    """The person, their profile, the points (diary.models.EpisodePoints: the chart, the
    counts and the advice still open come from them) and the page of the list. Made again
    after a change, the points cost two more."""
    api.get("/diary/")  # the session and the profile, made once
    fill(member, number)
    with django_assert_max_num_queries(6):
        api.get("/diary/")  # makes the points again
    with django_assert_max_num_queries(4):
        api.get("/diary/")


@pytest.mark.parametrize("number", [3, 1000])
def test_the_list_of_episodes(api, member, number, django_assert_max_num_queries):
    """The person, how many episodes, the page of 50."""
    fill(member, number)
    api.get("/api/v1/episodes/")
    with django_assert_max_num_queries(3):
        api.get("/api/v1/episodes/")


@pytest.mark.parametrize("number", [3, 1000])
def test_logging_an_episode_now(api, member, number, django_assert_max_num_queries):
    """The person, the profile, the times around it, the INSERT (and, in the test's own
    transaction, a savepoint and its release). Nothing per earlier episode."""
    fill(member, number)
    new_episode(api, timezone.now() - datetime.timedelta(minutes=30))()
    with django_assert_max_num_queries(6):
        new_episode(api, timezone.now() - datetime.timedelta(minutes=10))()


def diary_reads(request):
    """The SELECTs of the episode table that a request sends."""
    number = queries(request)
    return [
        query["sql"]
        for query in connection.queries[-number:]
        if query["sql"].startswith("SELECT") and '"diary_episode"' in query["sql"]
    ]


def test_logging_a_backdated_episode_reads_its_history_in_at_most_two_queries(api, member):
    """A backdated episode changes the history of the six months after it: the times around
    it are read in one query, and the episodes whose history then crosses a threshold of the
    rules in another, however many there are (here about 180 in reach, one a day)."""
    fill(member, 1000, every=datetime.timedelta(days=1))
    # In the middle: each later episode in reach had many before it, and still has.
    reads = diary_reads(new_episode(api, timezone.now() - datetime.timedelta(days=400)))
    assert len(reads) == 1, reads
    # Before the first: the first ones now have one or two before them, where they had none
    # or one, and the first of their history moves past 28 days for about four weeks of
    # them. Those are read again, in one query.
    reads = diary_reads(new_episode(api, timezone.now() - datetime.timedelta(days=1010)))
    assert len(reads) == 2, reads
