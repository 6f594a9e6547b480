"""/diary/export.csv: the episodes for a spreadsheet, one row each, in words a person reads,
and never a formula a spreadsheet would run."""

import csv
import datetime
import io

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from diary import follow_up, services
from diary.your_data.export import neutralise
from knowledge.choices import AMOUNT_CHOICES
from tests.helpers import PASSWORD, episode_values

pytestmark = pytest.mark.django_db
FORMULAS = ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tthen", "\rback"]


def rows_of(response):
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")  # so that spreadsheets read it as UTF-8
    return list(csv.reader(io.StringIO(text[1:])))


def test_one_row_per_episode_under_plain_column_names(signed_in, member):
    now = timezone.now()
    heavy, _ = services.log_episode(
        member,
        episode_values(
            now - datetime.timedelta(days=3),
            amount="heavy",
            colour="bright_red",
            symptoms=["fever", "pelvic_pain"],
            new_partner=True,
            notes="ünïcödé, with a comma",
        ),
    )
    follow_up.record_follow_up(heavy, "seen", finding="nothing_found")
    services.log_episode(member, episode_values(now - datetime.timedelta(days=1)))
    response = signed_in.get("/diary/export.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="diary-')
    assert "no-store" in response["Cache-Control"]
    header, *rows = rows_of(response)
    assert header[:3] == ["Date and time", "When it started", "Amount"]
    assert "Advice now" in header and "Got it checked?" in header
    assert len(rows) == 2 and all(len(row) == len(header) for row in rows)
    first = dict(zip(header, rows[0], strict=True))
    assert first["Amount"] == str(dict(AMOUNT_CHOICES)["heavy"])  # the label, not the code
    assert first["Colour"] == "Bright red"
    assert first["Circumstances"] == "A new partner"
    assert first["Notes"] == "ünïcödé, with a comma"
    assert first["Got it checked?"] == "Seen: nothing found"
    assert first["Still bleeding"] == "No"
    assert first["Advice now"] in {"Emergency", "Urgent", "Soon", "Routine", "Self-care"}


@pytest.mark.parametrize("note", FORMULAS)
def test_a_cell_a_spreadsheet_would_run_is_made_harmless(signed_in, member, note):
    services.log_episode(member, episode_values(notes=note))
    header, row = rows_of(signed_in.get("/diary/export.csv"))
    assert dict(zip(header, row, strict=True))["Notes"] == "'" + note


def test_harmless_text_is_left_as_it_is():
    assert neutralise("a note = fine") == "a note = fine"
    assert neutralise("") == ""


def test_the_csv_holds_only_your_own_episodes(signed_in, member):
    other = get_user_model().objects.create_user(username="sam", password=PASSWORD)
    services.log_episode(other, episode_values(notes="sam's secret"))
    services.log_episode(member, episode_values(notes="mine"))
    header, *rows = rows_of(signed_in.get("/diary/export.csv"))
    assert [dict(zip(header, row, strict=True))["Notes"] for row in rows] == ["mine"]


def test_an_empty_diary_is_a_header_row(signed_in):
    assert len(rows_of(signed_in.get("/diary/export.csv"))) == 1


def test_the_csv_needs_a_signed_in_person(client):
    response = client.get("/diary/export.csv")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
