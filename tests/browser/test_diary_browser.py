import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def diary_home(live_server, page, member, password):
    from diary.models import Profile

    Profile.objects.create(
        user=member, year_of_birth=1993, menopause="no", country="GB", basics_offered=True
    )
    page.goto(live_server.url + "/accounts/login/?next=/diary/")
    page.get_by_label("Username").fill(member.username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Your diary")).to_be_visible()
    return page


class Interactions:
    """Counts what a person does: each tap or typed field is one interaction."""

    def __init__(self, page):
        self.page, self.count = page, 0

    def tap(self, locator):
        self.count += 1
        locator.click()


def test_typical_episode_takes_at_most_6_interactions(diary_home, screenshot):
    page = diary_home
    person = Interactions(page)
    person.tap(page.get_by_role("link", name="Log an episode"))
    screenshot("diary-log-form")
    person.tap(page.get_by_label("Light: it stained my underwear or a panty liner"))
    person.tap(page.get_by_role("group", name="Pain during sex").get_by_label("Mild"))
    person.tap(page.get_by_role("button", name="Save and see advice"))

    expect(page.get_by_role("heading", name="Routine At a normal appointment")).to_be_visible()
    assert person.count <= 6, person.count
    screenshot("diary-result-routine")


def test_heavy_episode_shows_emergency_first_and_history_shows_both(diary_home, screenshot):
    page = diary_home
    page.get_by_role("link", name="Log an episode").click()
    page.get_by_label("Light: it stained my underwear or a panty liner").check()
    page.get_by_role("button", name="Save and see advice").click()
    page.get_by_role("link", name="Your diary").first.click()

    page.get_by_role("link", name="Log an episode").click()
    page.get_by_label("Heavy: soaking through a pad or more within an hour").check()
    page.get_by_role("button", name="Save and see advice").click()

    call = page.locator("main a").first
    expect(call).to_have_attribute("href", "tel:999")
    expect(call).to_be_in_viewport()
    screenshot("diary-result-emergency")

    page.get_by_role("link", name="Your diary").first.click()
    expect(page.locator(".episode-list__link")).to_have_count(2)
    expect(page.locator(".open-advice")).to_contain_text("Call 999")
    expect(page.locator("svg.timeline__chart .timeline__mark")).to_have_count(2)
    screenshot("diary-history")
    for width in (390, 360):
        page.set_viewport_size({"width": width, "height": 800})
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_more_details_open_and_notes_are_kept(diary_home):
    page = diary_home
    page.get_by_role("link", name="Log an episode").click()
    page.get_by_label("Spotting: a streak or a few drops, seen on tissue").check()
    page.get_by_text("More details").click()
    page.get_by_label("Brown").check()
    page.get_by_label("Notes").fill("after a long day")
    page.get_by_role("button", name="Save and see advice").click()
    expect(page.get_by_role("heading", name="What you logged")).to_be_visible()
    expect(page.locator(".notes")).to_have_text("after a long day")
