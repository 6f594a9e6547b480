import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_find_a_page_by_search_and_read_it(live_server, page, screenshot):
    page.goto(live_server.url + "/learn/")
    screenshot("learn-index")
    page.get_by_label("Search the pages").fill("pollyps")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", level=2)).to_contain_text("found for “pollyps”")
    page.locator(".topic-list__link").first.click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Cervical polyps")
    expect(page.locator("time[datetime]")).to_have_count(1)
    expect(page.locator(".care-card").first).to_be_visible()
    expect(page.get_by_role("heading", name="Sources")).to_be_visible()
    expect(page.get_by_role("link", name="Check your symptoms").last).to_be_visible()
    screenshot("learn-page")


def test_when_to_get_help_shows_the_chosen_countrys_number(live_server, page, screenshot):
    page.goto(live_server.url + "/learn/when-to-get-help/")
    page.get_by_label("Your country (for the emergency number)").select_option("AU")
    page.get_by_role("button", name="Show").click()
    expect(page.locator('a[href="tel:000"]').first).to_be_visible()
    screenshot("when-to-get-help")
