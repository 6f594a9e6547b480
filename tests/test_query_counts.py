"""The history page and the episode list cost the same number of queries for 10 episodes
as for 1,000: nothing is fetched per episode."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from diary.models import Episode

pytestmark = pytest.mark.django_db


def fill(owner, number):
    Episode.objects.filter(owner=owner).delete()
    Episode.objects.bulk_create(
        Episode(
            owner=owner,
            occurred_at=timezone.now() - datetime.timedelta(hours=6 * i + 1),
            amount="light",
            symptoms=["fever"] if i % 3 == 0 else [],
            assessment_level="soon" if i % 2 else "routine",
            assessment_reasons=["recurrent_bleeding"] if i % 2 else ["unexplained_bleeding"],
            assessment_rules_version="1",
        )
        for i in range(number)
    )


def queries_for(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("url", ["/diary/", "/diary/?page=2", "/api/v1/episodes/"])
def test_query_count_is_the_same_for_10_and_1000_episodes(
    client, member, url, django_assert_max_num_queries
):
    client.force_login(member)
    fill(member, 10)
    client.get(url)  # warm the session and the profile
    small = queries_for(client, url.replace("page=2", "page=1"))
    fill(member, 1000)
    # The first visit after a change makes the diary home's points again, in a fixed number
    # of queries of its own (tests/test_diary_query_budget.py).
    client.get(url)
    large = queries_for(client, url)
    assert large == small
    with django_assert_max_num_queries(10):
        client.get(url)
