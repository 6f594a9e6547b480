"""Leave quickly, in real Chromium: one tap or Esc three times, and Back shows no diary."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
NEUTRAL = "https://www.bbc.co.uk/weather"
PRIVATE_NOTE = "the quiet lighthouse"


@pytest.fixture
def in_the_diary(live_server, page, member, password):
    from diary.models import Episode, Profile

    Profile.objects.create(user=member, basics_offered=True)
    episode = Episode.objects.create(
        owner=member,
        occurred_at=timezone.now() - datetime.timedelta(hours=3),
        amount="light",
        notes=PRIVATE_NOTE,
        assessment_level="routine",
        assessment_reasons=["unexplained_bleeding"],
        assessment_rules_version="1",
    )
    # The neutral site, served locally: the test machine has no internet.
    page.route(
        NEUTRAL + "**",
        lambda route: route.fulfill(
            content_type="text/html", body="<title>Weather</title><h1>Weather forecast</h1>"
        ),
    )
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Username").fill(member.username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{live_server.url}/diary/")
    page.goto(f"{live_server.url}/diary/{episode.pk}/")
    expect(page.locator(".notes")).to_have_text(PRIVATE_NOTE)
    return page


def session_mark(page):
    """The mark of the page on screen ("" for a page of nobody's); None while it is being
    replaced (left-quickly.js moves on to the sign-in page as this is asked)."""
    try:
        return page.evaluate("document.documentElement.getAttribute('data-session-mark') || ''")
    except PlaywrightError:
        return None


def assert_left_and_back_shows_no_diary(page, live_server, left):
    """`left`: the session mark of the page the person left from."""
    assert left
    expect(page).to_have_url(NEUTRAL)
    expect(page.get_by_role("heading", name="Weather forecast")).to_be_visible()
    page.go_back()
    page.wait_for_load_state()
    # Checked at once, not polled: a page of the diary that showed even for a moment, then
    # went, would fail here.
    assert page.get_by_role("button", name="Lock now").count() == 0
    assert PRIVATE_NOTE not in page.inner_text("html")
    # Then, soon, no page of the session that was left: the sign-in page, or Django's
    # refusal when Back raced the sign-out (which ended the session while that request was
    # read), or a page for nobody.
    for _ in range(300):
        if "/accounts/login/" in page.url:
            break
        mark = session_mark(page)
        if mark is not None and mark != left:
            break
        try:
            if "Bad Request" in page.content():
                break
        except PlaywrightError:
            pass  # being replaced: ask again
        page.wait_for_timeout(100)
    else:
        raise AssertionError(f"Back stayed on {page.url}, a page of the session that was left")
    # And the session is over, even when the beacon sent as the person left was lost.
    page.goto(live_server.url + "/diary/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.get_by_role("button", name="Lock now")).to_have_count(0)


def test_one_tap_leaves_and_back_does_not_show_the_diary(in_the_diary, live_server, screenshot):
    page = in_the_diary
    button = page.get_by_role("link", name="Leave quickly")
    expect(button).to_be_visible()
    expect(button).to_be_in_viewport()
    screenshot("quick-exit-before", full_page=False)
    left = session_mark(page)
    button.click()
    assert_left_and_back_shows_no_diary(page, live_server, left)


def test_back_while_the_session_is_still_alive_shows_no_diary(in_the_diary, live_server):
    """The beacon that ends the session is lost (a bad connection): Back asks the server for
    the diary page while the session is still alive. The page hides before it is drawn, ends
    the session itself, and goes to the sign-in page."""
    page = in_the_diary
    lost = []

    def lose_the_first(route):
        if not lost:
            lost.append(route.request.url)
            route.abort()
        else:
            route.continue_()

    page.route("**/accounts/lock/", lose_the_first)
    left = session_mark(page)
    page.get_by_role("link", name="Leave quickly").click()
    assert_left_and_back_shows_no_diary(page, live_server, left)
    assert lost, "the first beacon was not sent"


def test_signing_in_again_after_leaving_shows_the_diary(
    in_the_diary, live_server, member, password
):
    page = in_the_diary
    page.get_by_role("link", name="Leave quickly").click()
    expect(page).to_have_url(NEUTRAL)
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Username").fill(member.username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.goto(live_server.url + "/diary/")
    expect(page).to_have_url(f"{live_server.url}/diary/")
    expect(page.get_by_role("button", name="Lock now")).to_be_visible()


def test_the_footer_says_leaving_does_not_clear_history(live_server, page, screenshot):
    page.goto(live_server.url + "/learn/")
    note = page.locator(".site-footer__exit-hint")
    expect(note).to_contain_text("Leaving quickly does not clear your browser's history")
    note.scroll_into_view_if_needed()
    screenshot("quick-exit-history-note", full_page=False)
    note.get_by_role("link", name="use a private window").click()
    expect(page.get_by_role("heading", name="What your browser keeps")).to_be_in_viewport()


def test_escape_three_times_leaves_too(in_the_diary, live_server):
    page = in_the_diary
    left = session_mark(page)
    for _ in range(3):
        page.keyboard.press("Escape")
    assert_left_and_back_shows_no_diary(page, live_server, left)


def test_without_javascript_it_is_a_plain_link(browser, live_server):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.route(NEUTRAL + "**", lambda route: route.fulfill(content_type="text/html", body="ok"))
    page.goto(live_server.url + "/learn/")
    page.get_by_role("link", name="Leave quickly").click()
    expect(page).to_have_url(NEUTRAL)
    context.close()
