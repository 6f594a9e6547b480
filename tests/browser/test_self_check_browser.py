import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_emergency_self_check_shows_the_emergency_number_first(live_server, page, screenshot):
    page.goto(live_server.url + "/check/")
    screenshot("check-form")
    page.get_by_label("Heavy: soaking through a pad or more within an hour").check()
    page.get_by_label("How old are you?").fill("27")
    page.get_by_label("Which country are you in?").select_option("GB")
    page.get_by_role("button", name="See how soon to get care").click()

    call = page.locator("main a").first
    expect(call).to_have_attribute("href", "tel:999")
    expect(call).to_have_text("Call 999 now")
    expect(call).to_be_in_viewport()
    expect(page.get_by_role("heading", name="Emergency Now")).to_be_visible()
    screenshot("check-result-emergency")


def test_self_check_errors_are_announced_and_tied_to_fields(live_server, page, screenshot):
    page.goto(live_server.url + "/check/")
    page.get_by_role("button", name="See how soon to get care").click()
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    expect(page.get_by_label("How old are you?")).to_have_attribute(
        "aria-describedby", "id_age_helptext id_age_error"
    )
    screenshot("check-errors")


def test_routine_result_reads_calmly(live_server, page, screenshot):
    page.goto(live_server.url + "/check/")
    page.get_by_label("Light: it stained my underwear or a panty liner").check()
    page.get_by_label("How old are you?").fill("31")
    page.get_by_role("button", name="See how soon to get care").click()
    expect(page.get_by_role("heading", name="Routine At a normal appointment")).to_be_visible()
    expect(page.get_by_role("heading", name="Why")).to_be_visible()
    screenshot("check-result-routine")
