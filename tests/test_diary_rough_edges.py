"""Rough edges seen on a walk through sign-up and the diary: the recovery code page, the edit
form's date, errors that say what to do, password errors next to the password, the order of
the log form and the year's timeline."""

import datetime
import re
from unittest import mock

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import password_validators_help_text_html
from django.utils import timezone

from diary import timeline
from tests.helpers import stored_episode

pytestmark = pytest.mark.django_db


def error_of(html, field):
    """The text of a field's error list, next to the field."""
    found = re.search(rf'<ul class="errorlist" id="id_{field}_error">(.*?)</ul>', html, re.S)
    return re.sub(r"<[^>]+>", "", found.group(1)).strip() if found else ""


# The recovery code


def test_the_recovery_code_is_shown_in_unbreakable_groups_with_a_copy_button(client):
    response = client.post(
        "/accounts/signup/",
        {"username": "sky", "password1": "quiet-harbour-lantern-42",
         "password2": "quiet-harbour-lantern-42"},
        follow=True,
    )  # fmt: skip
    code = response.context["code"]
    html = response.content.decode()
    groups = re.findall(r'<span class="code-box__group">([A-Z0-9]{5}-?)</span>', html)
    assert "".join(groups) == code and len(groups) == 4
    # The button is there only for the script to reveal, where the Clipboard API exists.
    assert re.search(r"<button[^>]*data-copy-code[^>]*hidden", html)
    assert re.search(
        r'role="status"[^>]*aria-live="polite"|aria-live="polite"[^>]*role="status"', html
    )
    assert re.search(r'<script src="/static/js/copy-code\.[0-9a-f]+\.js" defer></script>', html)
    assert "I have saved it" in html
    # Shown once.
    again = client.get("/accounts/recovery-code/").content.decode()
    assert code not in re.sub(r"<[^>]+>", "", again)


# The edit form's date


def test_the_edit_form_shows_the_episodes_own_date_and_a_help_text_for_editing(signed_in, member):
    june = timezone.make_aware(datetime.datetime(2025, 6, 14, 21, 30))
    episode = stored_episode(member)
    episode.occurred_at = june
    episode.save(update_fields=["occurred_at"])

    html = signed_in.get(f"/diary/{episode.pk}/edit/").content.decode()
    assert 'name="occurred_at" value="2025-06-14T21:30"' in html
    assert "Already set to now" not in html
    assert "Change it only if it is wrong" in html

    new = signed_in.get("/diary/new/").content.decode()
    assert "Already set to now. Change it if it was earlier." in new


# Errors that say what to do

REQUIRED = {
    "occurred_at": "Enter when it happened",
    "amount": "Choose how much you bled",
    "pain_during_sex": "Choose how much it hurt during sex",
    "pain_after": "Choose how much pain you have had since the sex",
    "faint": "Choose Yes if you felt faint",
    "pregnancy": "Choose whether you are or could be pregnant",
    "recent_procedure": "Choose any of these you have had recently",
    "clots": "Choose whether there were clots",
}


@pytest.mark.parametrize("form", ["log", "edit"])
def test_every_missing_answer_says_what_to_do(signed_in, member, form):
    url = "/diary/new/"
    if form == "edit":
        url = f"/diary/{stored_episode(member).pk}/edit/"
    html = signed_in.post(url, {}).content.decode()
    assert "This field is required" not in html
    for field, message in REQUIRED.items():
        assert message in error_of(html, field), field


# Passwords


def test_no_password_rule_talks_about_personal_information():
    """We collect no personal information, so "too similar to your other personal
    information" could only puzzle people."""
    names = [validator["NAME"].rsplit(".", 1)[1] for validator in settings.AUTH_PASSWORD_VALIDATORS]
    assert "UserAttributeSimilarityValidator" not in names
    assert "MinimumLengthValidator" in names and "CommonPasswordValidator" in names
    assert "personal information" not in password_validators_help_text_html()


def test_a_weak_password_is_flagged_under_the_password_at_sign_up(client):
    html = client.post(
        "/accounts/signup/", {"username": "sky", "password1": "password", "password2": "password"}
    ).content.decode()
    assert "too common" in error_of(html, "password1")
    assert "personal information" not in html and "too similar" not in html


def test_a_weak_new_password_is_flagged_under_the_new_password(signed_in, password):
    html = signed_in.post(
        "/accounts/password/",
        {"old_password": password, "new_password1": "password", "new_password2": "password"},
    ).content.decode()
    assert "too common" in error_of(html, "new_password1")


def test_a_weak_password_on_recovery_is_flagged_under_the_new_password(client, member):
    html = client.post(
        "/accounts/recover/",
        {"username": "robin", "recovery_code": member.plain_recovery_code,
         "new_password1": "password", "new_password2": "password"},
    ).content.decode()  # fmt: skip
    assert "too common" in error_of(html, "new_password1")


# The log form


def test_when_it_happened_comes_after_the_essentials(signed_in):
    html = signed_in.get("/diary/new/").content.decode()
    order = [
        html.index('name="amount"'),
        html.index('name="recent_procedure"'),
        html.index('name="occurred_at"'),
        html.index('<details class="more-details"'),
    ]
    assert order == sorted(order)


# The timeline

NOW = timezone.make_aware(datetime.datetime(2026, 6, 20, 12, 0))


@pytest.fixture
def in_june():
    """The diary home's chart shows this year: run on NOW, so that episodes some days or
    weeks old are in it whatever day the suite runs."""
    with mock.patch("django.utils.timezone.now", return_value=NOW):
        yield


def test_the_timeline_names_its_levels_on_a_y_axis_clear_of_the_marks():
    chart = timeline.build([(NOW - datetime.timedelta(days=2), "urgent")], now=NOW)
    names = [str(row["name"]) for row in chart["rows"]]
    assert names == ["Emergency", "Urgent", "Soon", "Routine", "Self-care"]
    assert all(row["label_x"] < chart["left"] for row in chart["rows"])


def test_marks_at_either_end_of_the_year_stay_inside_the_plot():
    start = NOW.replace(year=NOW.year - 1) + datetime.timedelta(minutes=1)
    chart = timeline.build([(start, "emergency"), (NOW, "urgent")], now=NOW)
    for mark in chart["marks"]:
        radius = timeline.MARK_RADIUS
        assert chart["left"] + radius <= mark["x"] <= chart["right"] - radius
        assert radius <= mark["y"] <= chart["axis_y"] - radius


def test_same_day_episodes_show_as_more_than_one():
    day = NOW - datetime.timedelta(days=3)
    rows = [(day, "soon"), (day + datetime.timedelta(hours=2), "soon"), (day, "routine")]
    chart = timeline.build(rows, now=NOW)
    soon = [mark for mark in chart["marks"] if mark["level"] == "soon"]
    assert len(soon) == 2 and len({(mark["x"], mark["y"]) for mark in soon}) == 2
    assert [(count["level"], count["count"]) for count in chart["counts"]] == [("soon", 2)]


def test_each_mark_and_the_text_alternative_name_the_level():
    # Oldest first, as diary.selectors.timeline gives them.
    rows = [
        (NOW - datetime.timedelta(days=40), "urgent"),
        (NOW - datetime.timedelta(days=3), "soon"),
    ]
    chart = timeline.build(rows, now=NOW)
    assert [str(mark["label"]) for mark in chart["marks"]] == [
        "11 May 2026: Urgent",
        "17 Jun 2026: Soon",
    ]
    assert [(str(level["name"]), level["count"]) for level in chart["levels"]] == [
        ("Urgent", 1),
        ("Soon", 1),
    ]


def test_the_history_page_shows_the_axis_and_the_counts(signed_in, member, in_june):
    stored_episode(member, 3, level="soon")
    stored_episode(member, 3, level="soon")
    stored_episode(member, 60, level="emergency")
    html = signed_in.get("/diary/").content.decode()
    svg = html[html.index("<svg") : html.index("</svg>")]
    for name in ("Emergency", "Urgent", "Soon", "Routine", "Self-care"):
        assert re.search(rf'class="timeline__level"[^>]*>{name}<', svg), name
    assert re.search(r'class="timeline__count"[^>]*>2<', svg)
    assert "By level: Emergency 1, Soon 2." in svg
