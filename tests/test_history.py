"""The diary home: open advice, counts, the year's timeline and its list by month."""

import datetime
import re
from unittest import mock

import pytest
from django.utils import timezone

from diary.models import Profile
from tests.helpers import stored_episode

pytestmark = pytest.mark.django_db


make = stored_episode


@pytest.fixture
def mid_year():
    """The chart and the list show this year: tests that count what they show on a day so
    many days ago run in June, far from 1 January."""
    june = timezone.make_aware(datetime.datetime(2026, 6, 20, 12, 0))
    with mock.patch("django.utils.timezone.now", return_value=june):
        yield


def test_empty_diary_explains_itself_and_offers_to_log(signed_in):
    html = signed_in.get("/diary/").content.decode()
    assert "Nothing logged yet" in html
    assert 'href="/diary/new/"' in html


def test_most_urgent_open_advice_is_at_the_top(signed_in, member):
    make(member, 100)
    make(member, 40)
    make(member, 3, level="soon")
    html = signed_in.get("/diary/").content.decode()
    advice = html.index('class="open-advice')
    assert advice < html.index("timeline__chart")
    assert "3 episodes in 4 months" in html
    assert "Book an appointment to be checked within 2 weeks." in html


def test_a_recent_emergency_outranks_a_milder_later_episode(signed_in, member):
    Profile.objects.create(user=member, country="US")
    make(member, 2, level="emergency", amount="heavy")
    make(member, 1, level="routine")
    html = signed_in.get("/diary/").content.decode()
    assert "open-advice--emergency" in html
    assert 'href="tel:911"' in html


def test_old_episodes_leave_no_open_advice(signed_in, member):
    make(member, 250)
    assert 'class="open-advice' not in signed_in.get("/diary/").content.decode()


def test_counts_for_30_90_and_180_days(signed_in, member):
    for days in (1, 20, 45, 100, 170, 200):
        make(member, days)
    counts = signed_in.get("/diary/").context["counts"]
    assert counts == {30: 2, 90: 3, 180: 5}


def test_timeline_is_inline_svg_with_a_text_alternative(signed_in, member, mid_year):
    make(member, 5, level="soon")
    make(member, 60, level="emergency")
    make(member, 400)
    html = signed_in.get("/diary/").content.decode()
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
    assert svg.count('class="timeline__mark') == 2
    assert "2 episodes" in svg
    assert "Episodes per month, as a table" in html
    assert "<script" not in svg


def test_the_table_counts_each_month_by_level_most_urgent_first(signed_in, member, mid_year):
    for days, level in ((3, "soon"), (4, "emergency"), (5, "soon"), (40, "routine")):
        make(member, days, level=level)
    html = signed_in.get("/diary/").content.decode()
    table = html[html.index("<tbody>") : html.index("</tbody>")]
    assert '<th scope="row">June 2026</th><td>3 (Emergency 1, Soon 2)</td>' in table
    assert '<th scope="row">May 2026</th><td>1 (Routine 1)</td>' in table
    assert '<th scope="row">January 2026</th><td>0</td>' in table


def test_the_filter_shows_the_dates_typed_in_and_none_otherwise(signed_in, member):
    make(member, 3)
    empty = signed_in.get("/diary/").content.decode()
    start = empty.index('class="filter-form"')
    form = empty[start : empty.index("</form>", start)]
    assert '<label for="id_date_from">From' in form and '<label for="id_date_to">To' in form
    assert 'type="date" name="date_from" id="id_date_from">' in form
    day = (timezone.localdate() - datetime.timedelta(days=10)).isoformat()
    typed = signed_in.get("/diary/", {"date_from": day}).content.decode()
    assert f'name="date_from" value="{day}"' in typed
    assert 'type="date" name="date_to" id="id_date_to">' in typed


def test_list_is_grouped_by_month_newest_first(signed_in, member, mid_year):
    first, second = make(member, 70), make(member, 2)
    html = signed_in.get("/diary/").content.decode()
    months = re.findall(r'<h3 class="month-heading">([^<]+)</h3>', html)
    assert months == [
        timezone.localtime(second.occurred_at).strftime("%B %Y"),
        timezone.localtime(first.occurred_at).strftime("%B %Y"),
    ]
    assert html.index(str(second.pk)) < html.index(str(first.pk))


def test_list_is_paginated(signed_in, member, mid_year):
    for days in range(1, 46):
        make(member, days)
    first_page = signed_in.get("/diary/").content.decode()
    assert first_page.count('class="episode-list__link"') == 20
    assert "Page 1 of 3" in first_page
    last_page = signed_in.get("/diary/?page=3").content.decode()
    assert last_page.count('class="episode-list__link"') == 5
    assert signed_in.get("/diary/?page=99").status_code == 200
    assert signed_in.get("/diary/?page=abc").status_code == 200


def test_filter_by_date_range(signed_in, member):
    inside, outside = make(member, 10), make(member, 50)
    day = timezone.localdate() - datetime.timedelta(days=15)
    html = signed_in.get("/diary/", {"date_from": day.isoformat()}).content.decode()
    assert str(inside.pk) in html and str(outside.pk) not in html
    assert "Show all" in html


def test_bad_filter_dates_are_reported_not_a_500(signed_in, member):
    make(member, 3)
    response = signed_in.get("/diary/", {"date_from": "2026-13-45", "date_to": "nope"})
    assert response.status_code == 200
    assert 'id="id_date_from_error"' in response.content.decode()
    reversed_range = signed_in.get("/diary/", {"date_from": "2026-05-01", "date_to": "2026-01-01"})
    assert "before the &#x27;From&#x27; date" in reversed_range.content.decode()
