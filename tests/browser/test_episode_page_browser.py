"""An episode's page on a phone (390x844, and at 200 % text): a reason that rests on an
unknown fact says so first and answers it in place; then what we said, and what we say now."""

import pytest
from playwright.sync_api import expect

from diary import services
from tests.helpers import episode_values

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("text_size", ["100%", "200%"])
def test_an_assumed_fact_is_answered_in_place_and_the_page_says_then_and_now(
    live_server, browser, member, password, screenshot, text_size
):
    episode, _ = services.log_episode(member, episode_values())  # nothing in the profile
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="en-GB", is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/?next={episode.get_absolute_url()}")
    page.get_by_label("Username").fill(member.username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.evaluate(f"document.documentElement.style.fontSize = '{text_size}'")
    suffix = "" if text_size == "100%" else "-200"

    reason = page.locator(".reason__message").first
    expect(reason).to_contain_text("We don't know your age.")
    expect(reason).to_contain_text("We don't know whether your periods have stopped.")
    page.get_by_label("Your year of birth").first.scroll_into_view_if_needed()
    screenshot(f"episode-unknown-fact{suffix}", full_page=False, of=page)

    page.get_by_label("Your year of birth").first.fill("2000")
    page.locator('input[name="menopause"][value="no"]').first.check()
    page.get_by_role("button", name="Save and update the advice").first.click()

    expect(page.get_by_text("The advice below now counts your answer")).to_be_visible()
    page.evaluate(f"document.documentElement.style.fontSize = '{text_size}'")
    expect(page.get_by_text("When you logged this we said")).to_be_visible()
    expect(page.locator(".care-card--routine").first).to_be_visible()
    expect(page.locator(".reason__message").first).not_to_contain_text("We don't know")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways: {width} px"
    screenshot(f"episode-then-and-now{suffix}", of=page)
    context.close()
