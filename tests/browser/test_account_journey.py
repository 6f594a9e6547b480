import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_up_see_code_log_out_log_in_reach_home(live_server, page, screenshot, password):
    page.goto(live_server.url + "/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bleeding after sex")
    screenshot("home")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Log in").click()
    page.get_by_role("link", name="Create a private account").click()
    page.get_by_label("Username").fill("willow")
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_label("Password again").fill(password)
    screenshot("signup")
    page.get_by_role("button", name="Create account").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Save your recovery code")
    code = page.locator("[data-recovery-code]").inner_text()
    assert re.fullmatch(r"[A-Z0-9]{5}(-[A-Z0-9]{5}){3}", code)
    screenshot("recovery-code")
    page.get_by_role("link", name="I have saved it").click()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Account").click()
    page.get_by_role("button", name="Log out").click()
    expect(
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Log in")
    ).to_be_visible()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Log in").click()
    page.get_by_label("Username").fill("willow")
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()

    expect(page).to_have_url(live_server.url + "/")
    expect(
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Account")
    ).to_be_visible()


def test_signup_errors_are_shown_next_to_the_field(live_server, page, screenshot):
    page.goto(live_server.url + "/accounts/signup/")
    page.get_by_label("Username").fill("fern")
    page.get_by_label("Password", exact=True).fill("password")
    page.get_by_label("Password again").fill("password")
    page.get_by_role("button", name="Create account").click()
    expect(page.locator("#id_password1_error")).to_contain_text("too common")
    expect(page.get_by_label("Username")).to_have_value("fern")
    screenshot("signup-error")


def test_home_has_no_horizontal_scroll_at_360_px_and_200_percent_text(live_server, page):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(live_server.url + "/")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    # Phones zoom by enlarging text (WCAG 1.4.4): double the root font size.
    page.evaluate("document.documentElement.style.fontSize = '200%'")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_tap_targets_are_at_least_44_px(live_server, page):
    page.goto(live_server.url + "/accounts/login/")
    small = page.evaluate(
        """() => [...document.querySelectorAll('a, button, input:not([type=hidden])')]
            .filter(el => el.offsetParent !== null && !el.closest('p, li:not(.site-nav li)'))
            .map(el => [el.textContent.trim() || el.name, el.getBoundingClientRect().height])
            .filter(([, h]) => h < 44)"""
    )
    assert small == []
