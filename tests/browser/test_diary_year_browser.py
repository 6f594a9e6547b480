"""A long diary on a phone (390x844): the home shows this year, another year is one tap
away (a plain link: tests/test_diary_year.py follows them with no script at all), and the
page still fits the screen and passes axe."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def long_diary(live_server, browser, member, password):
    """1,000 episodes over three years, one urgent one of two years ago still unanswered."""
    from diary.models import Episode, Profile

    Profile.objects.create(user=member, year_of_birth=1990, menopause="no", basics_offered=True)
    now = timezone.now()
    Episode.objects.bulk_create(
        Episode(
            owner=member,
            occurred_at=now - datetime.timedelta(days=3 * 365) * number / 1000,
            amount=("spotting", "light", "moderate")[number % 3],
            assessment_level=("soon", "routine", "routine", "self_care")[number % 4],
            assessment_reasons=["recurrent_bleeding"],
            assessment_rules_version="2",
            follow_up={"status": "seen", "booked_for": None, "finding": None,
                       "answered_at": now.isoformat()},
        )
        for number in range(1, 1001)
    )  # fmt: skip
    Episode.objects.create(
        owner=member,
        occurred_at=now.replace(year=now.year - 2, month=3, day=5),
        amount="heavy",
        assessment_level="urgent",
        assessment_reasons=["heavy_bleeding"],
        assessment_rules_version="2",
    )
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-GB")
    page = context.new_page()
    page.goto(live_server.url + "/accounts/login/?next=/diary/")
    page.get_by_label("Username").fill(member.username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Your diary")).to_be_visible()
    yield page
    context.close()


def test_a_long_diary_shows_this_year_and_a_tap_shows_another(long_diary, screenshot):
    from tests.browser.test_accessibility import violations

    page = long_diary
    this_year = timezone.localdate().year
    expect(page.get_by_role("heading", name=f"Episodes in {this_year}")).to_be_visible()
    # The advice of two years ago still asks first.
    expect(page.locator(".open-advice")).to_contain_text(f"Your episode on 5 March {this_year - 2}")
    from diary.models import Episode

    earlier = {moment.year for moment in Episode.objects.values_list("occurred_at", flat=True)}
    earlier.discard(this_year)
    years = page.get_by_role("navigation", name="Years in your diary")
    expect(years.get_by_role("link")).to_have_text([str(y) for y in sorted(earlier, reverse=True)])
    expect(years.locator("[aria-current=page]")).to_have_text(str(this_year))
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot("diary-year-long-diary", of=page)
    page.locator(".timeline").scroll_into_view_if_needed()
    screenshot("diary-year-long-diary-chart", full_page=False, of=page)
    assert violations(page) == []

    years.get_by_role("link", name=str(this_year - 1)).click()
    expect(page).to_have_url(f"{page.url.split('/diary/')[0]}/diary/?year={this_year - 1}")
    expect(page.get_by_role("heading", name=f"Every episode in {this_year - 1}")).to_be_visible()
    expect(page.locator(".episode-list__link")).to_have_count(20)
    page.get_by_role("link", name="Older").click()
    expect(page.get_by_text("Page 2 of")).to_be_visible()
    assert f"year={this_year - 1}" in page.url
    page.get_by_role("navigation", name="Years in your diary").get_by_role(
        "link", name=str(this_year)
    ).click()
    expect(page.get_by_role("heading", name=f"Episodes in {this_year}")).to_be_visible()
