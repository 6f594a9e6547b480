"""Deleting on a phone: automatic deletion chosen on the account page, then the whole account,
after a wrong password, with the download offered first."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from diary import services
from diary.models import Episode
from tests.browser.test_accessibility import violations
from tests.helpers import episode_values

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_auto_delete_then_delete_the_account(live_server, page, screenshot, member, password):
    services.log_episode(member, episode_values(timezone.now() - datetime.timedelta(days=400)))
    services.log_episode(member, episode_values(notes="recent"))
    page.goto(live_server.url + "/accounts/login/?next=/accounts/")
    page.get_by_label("Username").fill("robin")
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()

    page.get_by_label("12 months").check()
    save = page.get_by_role("button", name="Save automatic deletion")
    box = save.bounding_box()
    assert box["height"] >= 44
    save.click()
    expect(
        page.get_by_text("Episodes older than 12 months are now deleted automatically.")
    ).to_be_visible()
    expect(page.get_by_label("12 months")).to_be_checked()
    assert Episode.objects.filter(owner=member).count() == 1
    page.locator("#auto-delete").scroll_into_view_if_needed()
    screenshot("account-deletion-settings")
    assert violations(page) == []

    page.get_by_role("link", name="Delete your account").click()
    expect(page.get_by_role("heading", name="Delete your account")).to_be_visible()
    expect(page.get_by_role("link", name="Download your diary")).to_have_attribute(
        "href", "/diary/export.json"
    )
    screenshot("delete-account")
    assert violations(page) == []

    page.get_by_label("Your password").fill("not my password")
    page.get_by_role("button", name="Delete my account and diary").click()
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator(".field--error")).to_contain_text("That is not your current password.")
    screenshot("delete-account-wrong-password")
    assert violations(page) == []
    assert get_user_model().objects.filter(pk=member.pk).exists()

    page.get_by_label("Your password").fill(password)
    delete = page.get_by_role("button", name="Delete my account and diary")
    box = delete.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44
    delete.click()
    expect(page.get_by_text("Your account and your whole diary are deleted.")).to_be_visible()
    screenshot("account-deleted")
    assert violations(page) == []
    assert not get_user_model().objects.filter(pk=member.pk).exists()
    assert not Episode.objects.exists()
    page.goto(live_server.url + "/diary/")
    expect(page).to_have_url(f"{live_server.url}/accounts/login/?next=/diary/")
