"""The account page on a phone: the apps and devices that hold a token, each revoked with
one tap, and all of them at once."""

import pytest
from playwright.sync_api import expect

from diary.accounts.tokens import issue_token

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_revoke_one_device_then_all(live_server, page, screenshot, member, password):
    issue_token(member, "Old phone")
    issue_token(member, "Tablet in the kitchen")
    page.goto(live_server.url + "/accounts/login/?next=/accounts/")
    page.get_by_label("Username").fill("robin")
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()

    devices = page.locator(".device-list")
    expect(devices).to_contain_text("Old phone")
    expect(devices).to_contain_text("Tablet in the kitchen")
    expect(devices).to_contain_text("Not used yet.")
    screenshot("account-devices")
    revoke = page.get_by_role("button", name="Sign out Old phone")
    box = revoke.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44
    revoke.click()

    expect(
        page.get_by_text("“Old phone” is signed out: it can no longer read or change your diary.")
    ).to_be_visible()
    expect(devices).not_to_contain_text("Old phone")
    page.get_by_role("button", name="Sign out all apps and devices").click()
    expect(page.get_by_text("No app or device has a token now.")).to_be_visible()
    screenshot("account-devices-revoked")
