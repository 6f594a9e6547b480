"""The diary home with open advice on a phone (390x844): "Did you get it checked?" comes
first, is answered in a few taps, works without JavaScript and still fits at 200% text."""

import pytest
from playwright.sync_api import expect

from tests.helpers import stored_episode

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BOOKED = "Not yet, but it is booked"
DATE = "Date of the appointment, if you know it"


@pytest.fixture
def open_home(live_server, browser, member, password):
    """A phone signed in to a diary whose urgent episode of two days ago is not answered."""
    from diary.models import Profile

    Profile.objects.create(
        user=member, year_of_birth=1993, menopause="no", country="GB", basics_offered=True
    )
    stored_episode(member, days_ago=40, level="routine")
    stored_episode(member, days_ago=2, level="urgent", amount="moderate")
    contexts = []

    def open_phone(javascript=True):
        context = browser.new_context(
            viewport={"width": 390, "height": 844},
            locale="en-GB",
            is_mobile=True,
            has_touch=True,
            java_script_enabled=javascript,
        )
        contexts.append(context)
        page = context.new_page()
        page.goto(live_server.url + "/accounts/login/?next=/diary/")
        page.get_by_label("Username").fill(member.username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Log in").click()
        expect(page.get_by_role("heading", name="Your diary")).to_be_visible()
        return page

    yield open_phone
    for context in contexts:
        context.close()


def test_open_advice_comes_first_and_booking_closes_it(open_home, screenshot):
    page = open_home()
    advice = page.locator(".open-advice")
    expect(advice).to_contain_text("Get medical help today.")
    question = advice.get_by_role("group", name="Did you get it checked?")
    expect(question).to_be_visible()
    expect(question.get_by_label(BOOKED)).to_be_in_viewport()
    assert advice.bounding_box()["y"] < page.locator(".counts").bounding_box()["y"]
    expect(page.get_by_label(DATE)).to_be_hidden()  # until "booked" is chosen
    screenshot("diary-home-open-advice", full_page=False, of=page)

    question.get_by_label(BOOKED).check()
    expect(page.get_by_label(DATE)).to_be_visible()
    page.get_by_label(DATE).fill("2031-07-19")
    screenshot("diary-home-open-advice-booked", full_page=False, of=page)
    page.get_by_role("button", name="Save my answer").click()

    expect(page.get_by_role("status")).to_have_text("Your answer is saved: Booked for 19 Jul 2031.")
    expect(page.locator(".open-advice")).to_have_count(0)
    expect(page.locator(".episode-list__outcome")).to_have_text(["Booked for 19 Jul 2031"])
    screenshot("diary-home-answered", of=page)


def test_seen_asks_what_was_found(open_home, screenshot):
    page = open_home()
    findings = page.get_by_role("group", name="What did they find?")
    expect(findings).to_be_hidden()
    page.get_by_label("Yes, I have been seen").check()
    expect(findings).to_be_visible()
    findings.get_by_label("Nothing was found").check()
    screenshot("diary-home-open-advice-seen", of=page)
    page.get_by_role("button", name="Save my answer").click()
    expect(page.get_by_role("status")).to_have_text("Your answer is saved: Seen: nothing found.")
    expect(page.locator(".episode-list__outcome")).to_have_text(["Seen: nothing found"])


def small_targets(page):
    """Visible controls of the question less than 44 px high (WCAG 2.5.8, and our rule)."""
    return page.evaluate(
        """() => [...document.querySelectorAll(
                '.follow-up label, .follow-up button, .follow-up input[type=date]')]
            .filter(el => el.offsetParent !== null)
            .map(el => [el.textContent.trim() || el.name, el.getBoundingClientRect().height])
            .filter(([, h]) => h < 44)"""
    )


def test_at_200_percent_text_it_fits_and_every_target_is_44_px(open_home, screenshot):
    page = open_home()
    page.get_by_label(BOOKED).check()
    assert small_targets(page) == []
    # Phones zoom by enlarging text (WCAG 1.4.4): double the root font size.
    page.evaluate("document.documentElement.style.fontSize = '200%'")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert small_targets(page) == []
    spilt = page.evaluate(
        """() => [...document.querySelectorAll('.follow-up label')]
            .filter(el => el.offsetParent !== null && el.scrollWidth > el.clientWidth)
            .map(el => el.textContent.trim())"""
    )
    assert spilt == [], "text runs out of its row"
    page.get_by_role("group", name="Did you get it checked?").scroll_into_view_if_needed()
    screenshot("diary-home-open-advice-200-percent", full_page=False, of=page)
    page.get_by_label("Not yet", exact=True).check()
    page.get_by_role("button", name="Save my answer").click()
    expect(page.get_by_role("status")).to_have_text("Your answer is saved: Not yet.")


def test_it_works_without_javascript(open_home, screenshot):
    page = open_home(javascript=False)
    page.get_by_label("Yes, I have been seen").check()
    page.get_by_label("I was referred for more tests").check()
    page.get_by_role("button", name="Save my answer").click()
    expect(page.get_by_role("status")).to_have_text(
        "Your answer is saved: Seen: referred for more tests."
    )
    screenshot("diary-home-answered-without-javascript", of=page)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_open_advice_and_the_answer_page_have_no_axe_violations(open_home, scheme):
    from tests.browser.test_accessibility import violations

    page = open_home()
    page.emulate_media(color_scheme=scheme)
    page.get_by_label("Yes, I have been seen").check()  # the findings shown too
    assert violations(page) == []
    # The question's own page, with the mistake of choosing nothing.
    page.goto(page.locator(".open-advice form").evaluate("form => form.action"))
    page.get_by_role("button", name="Save my answer").click()
    expect(page.get_by_role("alert")).to_contain_text("Choose one: not yet, booked or seen.")
    assert violations(page) == []
