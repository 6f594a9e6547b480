"""The account page's Your data section on a phone: download the diary, then import the file
into a second account; a wrong file is explained next to the file field."""

import datetime
import json

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from diary import services
from tests.helpers import PASSWORD, episode_values

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, live_server, username):
    page.context.clear_cookies()
    page.goto(live_server.url + "/accounts/login/?next=/accounts/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Your account", exact=True)).to_be_visible()


def test_download_the_diary_and_import_it_into_another_account(
    live_server, page, screenshot, member, tmp_path
):
    now = timezone.now()
    services.log_episode(member, episode_values(now - datetime.timedelta(days=20), amount="heavy"))
    services.log_episode(member, episode_values(now - datetime.timedelta(days=2), notes="a note"))
    get_user_model().objects.create_user(username="sam", password=PASSWORD)

    sign_in(page, live_server, "robin")
    page.locator("#your-data").scroll_into_view_if_needed()
    download_button = page.get_by_role("link", name="Download your diary (JSON)")
    expect(download_button).to_be_visible()
    for control in (
        download_button,
        page.get_by_role("link", name="Download episodes for a spreadsheet (CSV)"),
        page.get_by_role("button", name="Import this file"),
    ):
        box = control.bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44
    screenshot("your-data-account")

    with page.expect_download() as info:
        download_button.click()
    download = info.value
    assert download.suggested_filename == f"diary-{timezone.localdate().isoformat()}.json"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    assert len(json.loads(path.read_text())["episodes"]) == 2

    sign_in(page, live_server, "sam")
    wrong = tmp_path / "diary.csv"
    wrong.write_text("Date and time,Amount\n2026-01-01 10:00,Light\n")
    page.get_by_label("Diary file to import").set_input_files(wrong)
    page.get_by_role("button", name="Import this file").click()
    expect(page.get_by_role("heading", name="Import a diary")).to_be_visible()
    expect(page.locator(".error-summary")).to_contain_text("spreadsheet (CSV)")
    expect(page.locator(".field--error")).to_contain_text("Only the JSON export can be imported")
    screenshot("your-data-import-error")

    page.get_by_label("Diary file to import").set_input_files(path)
    page.get_by_role("button", name="Import this file").click()
    expect(page.get_by_text("2 episodes were added to your diary.")).to_be_visible()
    screenshot("your-data-imported")
    assert get_user_model().objects.get(username="sam").episodes.count() == 2
