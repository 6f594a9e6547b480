"""The diary home shows one year at a time: this year first, the other years that have
episodes one plain link away, while the advice still waiting and the counts come from the
whole diary."""

import datetime
import gzip
import re
from unittest import mock

import pytest
from django.utils import timezone

from diary import follow_up
from diary.models import Episode
from tests.helpers import stored_episode

pytestmark = pytest.mark.django_db

# Every test here runs at this moment, so that "this year" and "last year" never depend
# on the day the suite runs (a diary home opened on 2 January would otherwise differ).
NOW = timezone.make_aware(datetime.datetime(2026, 6, 20, 12, 0))


@pytest.fixture
def frozen():
    with mock.patch("django.utils.timezone.now", return_value=NOW):
        yield NOW


def at(year, month, day, hour=12):
    return timezone.make_aware(datetime.datetime(year, month, day, hour))


def logged(owner, moment, level="routine", **fields):
    episode = stored_episode(owner, level=level, **fields)
    episode.occurred_at = moment
    episode.save(update_fields=["occurred_at"])
    return episode


def listed(html):
    """The links of the list of episodes."""
    return re.findall(r'class="episode-list__link" href="/diary/([0-9a-f-]+)/"', html)


def marks(html):
    svg = html[html.index('<svg class="timeline__chart') : html.index("</svg>")]
    return svg.count('class="timeline__mark ')


def year_links(html):
    """The years the year links point to, and the one shown (not a link)."""
    if 'class="pagination year-nav"' not in html:
        return [], None
    start = html.index('class="pagination year-nav"')
    nav = html[start : html.index("</nav>", start)]
    links = [int(year or NOW.year) for year in re.findall(r'href="/diary/(?:\?year=(\d+))?"', nav)]
    shown = re.search(r'<strong aria-current="page">(\d+)</strong>', nav)
    return links, int(shown.group(1)) if shown else None


def test_this_year_is_shown_by_default(signed_in, member, frozen):
    this_year = logged(member, at(2026, 3, 1))
    last_year = logged(member, at(2025, 11, 5))
    html = signed_in.get("/diary/").content.decode()
    assert "Episodes in 2026" in html and "Every episode in 2026" in html
    assert listed(html) == [str(this_year.pk)]
    assert marks(html) == 1
    assert str(last_year.pk) not in html


def test_a_link_to_another_year_only_when_that_year_has_episodes(signed_in, member, frozen):
    logged(member, at(2026, 3, 1))
    assert year_links(signed_in.get("/diary/").content.decode()) == ([], None)
    logged(member, at(2024, 7, 9))  # nothing in 2025
    links, shown = year_links(signed_in.get("/diary/").content.decode())
    assert (links, shown) == ([2024], 2026)


def test_an_earlier_year_lists_its_episodes_with_a_way_back(signed_in, member, frozen):
    logged(member, at(2026, 3, 1))
    old = [logged(member, at(2024, month, 10)) for month in (2, 9)]
    response = signed_in.get("/diary/", {"year": "2024"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Episodes in 2024" in html and "Episodes in 2024, by date and level" in html
    assert listed(html) == [str(old[1].pk), str(old[0].pk)]
    assert marks(html) == 2
    assert year_links(html) == ([2026], 2024)  # 2026 links back to /diary/ itself


def test_the_links_work_without_javascript_and_keep_the_year_across_pages(
    signed_in, member, frozen
):
    for day in range(1, 26):
        logged(member, at(2025, 4, day))
    html = signed_in.get("/diary/", {"year": "2025"}).content.decode()
    assert len(listed(html)) == 20
    assert 'href="?year=2025&amp;page=2">Older<' in html
    second = signed_in.get("/diary/", {"year": "2025", "page": "2"}).content.decode()
    assert len(listed(second)) == 5 and "Page 2 of 2" in second
    assert '<input type="hidden" name="year" value="2025">' in html  # the date filter keeps it


@pytest.mark.parametrize(
    "year", ["abc", "", "0", "1899", "2027", "99999999999999999999", "2025.5", "-2025"]
)
def test_a_year_that_cannot_be_shown_shows_this_year_calmly(signed_in, member, frozen, year):
    this_year = logged(member, at(2026, 3, 1))
    logged(member, at(2025, 3, 1))
    response = signed_in.get("/diary/", {"year": year})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Every episode in 2026" in html and listed(html) == [str(this_year.pk)]
    assert "errorlist" not in html


def test_advice_waiting_from_an_earlier_year_is_still_asked_about(signed_in, member, frozen):
    old = logged(member, at(2024, 2, 3), level="urgent")
    logged(member, at(2026, 5, 1), level="routine")
    for url in ("/diary/", "/diary/?year=2026", "/diary/?year=2024"):
        html = signed_in.get(url).content.decode()
        start = html.index('class="open-advice ')
        card = html[start : html.index("</section>", start)]
        assert "Your episode on 3 February 2024" in card
        assert f'action="/diary/{old.pk}/follow-up/"' in card
    follow_up.record_follow_up(old, "seen")
    assert 'class="open-advice ' not in signed_in.get("/diary/").content.decode()


def test_the_counts_reach_back_across_new_year(signed_in, member):
    new_year = timezone.make_aware(datetime.datetime(2026, 1, 10, 12, 0))
    with mock.patch("django.utils.timezone.now", return_value=new_year):
        december = logged(member, at(2025, 12, 20))
        response = signed_in.get("/diary/")
    assert response.context["counts"] == {30: 1, 90: 1, 180: 1}
    html = response.content.decode()
    assert listed(html) == [] and "Nothing logged in 2026." in html
    assert year_links(html) == ([2025], 2026)
    assert str(december.pk) not in html


def test_a_thousand_episodes_in_one_year_stay_a_small_page(signed_in, member, frozen):
    Episode.objects.bulk_create(
        Episode(
            owner=member,
            occurred_at=NOW - datetime.timedelta(hours=4 * number + 1),
            amount="light",
            assessment_level=("soon", "routine", "urgent")[number % 3],
            assessment_reasons=[],
            assessment_rules_version="2",
        )
        for number in range(1000)
    )
    html = signed_in.get("/diary/").content
    assert marks(html.decode()) == 1000 and len(listed(html.decode())) == 20
    compressed = len(gzip.compress(html, compresslevel=6))
    print(f"diary home, 1,000 episodes: {len(html):,} bytes, {compressed:,} gzipped")
    assert compressed <= 30_000


def test_a_mark_s_title_names_its_day_in_the_reader_s_language(signed_in, member, frozen):
    """Each mark's title says its day: «3 Mar 2026» in English, «3 марта 2026» in Russian
    (not Django's capitalised short month, «3 Мар 2026»)."""
    logged(member, at(2026, 3, 3), level="soon")
    english = signed_in.get("/diary/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    russian = signed_in.get("/diary/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "<title>3 Mar 2026: Soon</title>" in english
    assert re.search(r"<title>3 марта 2026: [^<]+</title>", russian)
