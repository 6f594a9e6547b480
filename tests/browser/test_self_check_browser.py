"""The self-check on a phone (390x844), as a worried person in the worst moment uses it."""

import pytest
from playwright.sync_api import expect

from tests.helpers import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class Taps:
    """Counts what a person has to do: one tap per choice or button, one per field typed."""

    def __init__(self, page):
        self.page, self.count = page, 0

    def choose(self, name, value):
        self.page.locator(f'input[name="{name}"][value="{value}"]').check()
        self.count += 1

    def type(self, label, text):
        self.page.get_by_label(label).fill(text)
        self.count += 1

    def press(self, name):
        self.page.get_by_role("button", name=name).click()
        self.count += 1


@pytest.fixture
def phone(browser, live_server):
    """A fresh phone whose browser asks for a given language (and so a region)."""
    contexts = []

    def open_phone(locale="en-GB", width=390, height=844):
        context = browser.new_context(
            viewport={"width": width, "height": height},
            locale=locale,
            is_mobile=True,
            has_touch=True,
        )
        contexts.append(context)
        return context.new_page()

    yield open_phone
    for context in contexts:
        context.close()


@pytest.mark.parametrize("locale, number", [("en-GB", "999"), ("en-US", "911")])
def test_heavy_and_dizzy_with_nothing_else_answered_says_call_first(
    live_server, phone, screenshot, locale, number
):
    page = phone(locale)
    page.goto(live_server.url + "/check/")
    banner_call = page.get_by_role("link", name=f"Call {number}", exact=True)
    expect(banner_call).to_have_attribute("href", f"tel:{number}")
    expect(banner_call).to_be_in_viewport()
    screenshot(f"check-form-{locale}", full_page=False, of=page)

    taps = Taps(page)
    taps.choose("amount", "heavy")
    taps.choose("faint", "yes")
    taps.press("See my answer")

    call = page.locator("main a").first
    expect(call).to_have_attribute("href", f"tel:{number}")
    expect(call).to_have_text(f"Call {number} now")
    expect(call).to_be_in_viewport()
    expect(page.get_by_role("heading", name="Emergency Now")).to_be_visible()
    assert taps.count <= 3
    screenshot(f"check-result-emergency-{locale}", of=page)


def test_a_first_time_spotting_reaches_self_care_in_four_taps(live_server, phone, screenshot):
    page = phone()
    page.goto(live_server.url + "/check/")
    taps = Taps(page)
    taps.choose("amount", "spotting")
    taps.choose("first_intercourse", "yes")
    taps.type("How old are you?", "24")
    taps.press("See my answer")
    expect(page.get_by_role("heading", name="Self-care")).to_be_visible()
    assert taps.count == 4
    screenshot("check-result-self-care", of=page)


def test_see_my_answer_is_always_in_reach_and_never_covers_the_focused_field(
    live_server, phone, screenshot
):
    page = phone()
    page.goto(live_server.url + "/check/")
    button = page.get_by_role("button", name="See my answer")
    expect(button).to_be_in_viewport()
    age = page.get_by_label("How old are you?")
    age.focus()
    age.type("4")
    field_box, bar_box = age.bounding_box(), page.locator(".actions--sticky").bounding_box()
    assert field_box["y"] + field_box["height"] <= bar_box["y"], "the bar hides the field"
    expect(button).to_be_in_viewport()
    screenshot("check-form-typing-age", full_page=False, of=page)


def test_the_emergency_questions_and_the_button_fit_in_two_screens(live_server, phone):
    page = phone()
    page.goto(live_server.url + "/check/")
    last = page.locator('select[name="recent_procedure"]')
    bottom = last.bounding_box()["y"] + last.bounding_box()["height"]
    assert bottom <= 2 * 844, f"the last emergency question ends at {bottom:.0f} px"


def test_a_missing_amount_is_announced_and_its_link_shows_the_question(
    live_server, phone, screenshot
):
    page = phone()
    page.goto(live_server.url + "/check/")
    page.get_by_role("button", name="See my answer").click()
    expect(page.get_by_role("alert")).to_contain_text("Choose how much you bled")
    page.get_by_role("link", name="Choose how much you bled").click()
    expect(page.get_by_text("How much did you bleed?", exact=True)).to_be_in_viewport()
    screenshot("check-errors", full_page=False, of=page)


def test_a_signed_in_person_saves_the_result_to_the_diary(
    live_server, phone, screenshot, django_user_model
):
    django_user_model.objects.create_user(username="robin", password=PASSWORD)
    page = phone()
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Username").fill("robin")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    page.goto(live_server.url + "/check/")
    page.locator('input[name="amount"][value="light"]').check()
    page.locator('input[name="pregnancy"][value="yes"]').check()
    page.get_by_role("button", name="See my answer").click()
    expect(page.get_by_role("heading", name="Urgent Now")).to_be_visible()
    page.get_by_role("button", name="Save to my diary").click()

    expect(page.get_by_text("Saved in your diary")).to_be_visible()
    expect(page.get_by_role("heading", name="Urgent Now")).to_be_visible()
    screenshot("check-saved-to-diary", of=page)


def test_a_new_person_keeps_the_result_through_sign_up(live_server, phone, screenshot):
    page = phone()
    page.goto(live_server.url + "/check/")
    page.locator('input[name="amount"][value="spotting"]').check()
    page.get_by_label("How old are you?").fill("52")
    page.locator('input[name="menopause"][value="yes"]').check()
    page.get_by_role("button", name="See my answer").click()
    expect(page.get_by_role("heading", name="Soon")).to_be_visible()
    screenshot("check-result-keep-offer", of=page)
    page.get_by_role("button", name="Keep this in a private diary").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Create a private account")
    page.get_by_label("Username").fill("hazel")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Save your recovery code")
    page.get_by_role("link", name="I have saved it").click()

    expect(page.get_by_text("Saved in your diary")).to_be_visible()
    expect(page.get_by_role("heading", name="Soon")).to_be_visible()
    screenshot("check-kept-after-sign-up", of=page)


def test_a_reader_switches_to_russian_and_the_self_check_answers_in_russian(
    live_server, phone, screenshot
):
    page = phone("en-GB")
    page.goto(live_server.url + "/learn/")
    switch = page.get_by_role("button", name="Русский")
    switch.scroll_into_view_if_needed()
    box = switch.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44, box
    screenshot("language-switch-english", full_page=False, of=page)
    switch.click()

    # Back on the same page, now in Russian, and it stays so on the next page.
    expect(page).to_have_url(live_server.url + "/learn/")
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.get_by_role("heading", level=1)).to_have_text("Причины кровотечения после секса")
    page.get_by_role("link", name="Проверка симптомов").click()
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    screenshot("check-form-ru", full_page=False, of=page)

    page.locator('input[name="amount"][value="heavy"]').check()
    page.locator('input[name="faint"][value="yes"]').check()
    page.get_by_role("button", name="Показать результат").click()

    # The same answer as in English (tests/test_triage_vignettes.py holds every vignette to
    # it), in Russian, with the emergency number the browser's region gives.
    expect(page.get_by_role("heading", name="Экстренно Немедленно")).to_be_visible()
    call = page.locator("main a").first
    expect(call).to_have_attribute("href", "tel:999")
    expect(call).to_have_text("Позвонить в 999 сейчас")
    expect(page.get_by_text("Это много крови, и помощь нужна немедленно").first).to_be_visible()
    expect(page.get_by_role("button", name="Русский")).to_have_attribute("aria-current", "true")
    screenshot("check-result-emergency-ru", of=page)


CUT_OFF_CHOICES = """() => [...document.querySelectorAll('.check-form label')]
    .filter(el => el.offsetParent !== null && el.scrollWidth > el.clientWidth)
    .map(el => el.textContent.trim())"""


@pytest.mark.parametrize("locale", ["en-GB", "ru-RU"])
def test_no_choice_is_cut_off_on_a_narrow_phone_in_either_language(
    live_server, phone, screenshot, locale
):
    """Side-by-side choices must each show their whole word: at 360 px the Russian
    «Возможно» was once cut to «Возмож» beside «Нет» and «Да»."""
    page = phone(locale, width=360, height=740)
    page.goto(live_server.url + "/check/")
    assert page.evaluate(CUT_OFF_CHOICES) == []
    pregnancy = page.get_by_role(
        "group",
        name="Вы беременны или это возможно?"
        if locale == "ru-RU"
        else "Are you pregnant, or could you be?",
    )
    pregnancy.scroll_into_view_if_needed()
    screenshot(f"check-form-360-{locale}", full_page=False, of=page)
    # Phones zoom by enlarging text (WCAG 1.4.4): double the root font size.
    page.evaluate("document.documentElement.style.fontSize = '200%'")
    assert page.evaluate(CUT_OFF_CHOICES) == []
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
