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


def test_every_page_shows_get_help_now_on_the_first_screen_of_a_phone(
    live_server, page, screenshot
):
    """At 390×844, a scared reader sees the page's emergency and urgent signs without
    scrolling, whatever the page. The heights are written down for the closing note of the
    second edition (test-artifacts/knowledge-page-heights.txt)."""
    from knowledge.pages import all_pages
    from tests.helpers import ARTIFACTS

    heights, late = [], []
    for slug in sorted(all_pages()):
        page.goto(f"{live_server.url}/learn/{slug}/?country=GB")
        box = page.locator(".help-now")
        top = box.bounding_box()["y"]
        expect(box.locator(".care-card").first).to_be_visible()
        if top + 120 > 844:  # its heading and the first line of its first card
            late.append((slug, top))
        height = page.evaluate("document.documentElement.scrollHeight")
        heights.append(f"{slug}\t{height:.0f}\t{top:.0f}")
    page.goto(f"{live_server.url}/learn/cervical-ectropion/?country=GB")
    screenshot("learn-cervical-ectropion-first-screen", full_page=False)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "knowledge-page-heights.txt").write_text(
        "slug\theight px\tGet help now at px\n" + "\n".join(heights) + "\n"
    )
    assert late == []


def test_search_shows_the_best_page_first_with_the_words_marked(live_server, page, screenshot):
    page.goto(live_server.url + "/learn/")
    page.get_by_label("Search the pages").fill("bleeding after menopause")
    page.get_by_role("button", name="Search").click()
    first = page.locator(".topic-list__link").first
    expect(first).to_contain_text("Bleeding after the menopause")
    expect(first.locator("mark").first).to_be_visible()
    screenshot("learn-search-menopause")
