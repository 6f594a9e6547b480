"""The doctor report: a real PDF with the chosen sections only, notes and the sexual
circumstances left out unless chosen, exactly the episodes of the period, only the owner's,
and a message beside the field for a wrong choice, never a 500."""

import datetime
import io
import re

import pytest
from django.utils import formats, timezone, translation
from pypdf import PdfReader

from diary import follow_up, services
from diary.models import Episode, Profile
from diary.your_data.report import SECTIONS
from diary.your_data.report_views import render_pdf
from tests.helpers import REPO, episode_values, stored_episode

pytestmark = pytest.mark.django_db

NOTE = "Zanzibar lantern note 4417"
NOT_AGREED = "It was sex I did not agree to"
# The non_consensual rule's message: it would tell the circumstance as plainly.
NOT_AGREED_REASON = "What happened is not your fault"


def pdf_text(response):
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(page.extract_text() for page in reader.pages)
    return re.sub(r"\s+", " ", text)


def day(moment):
    return timezone.localtime(moment).strftime("%-d %b %Y")


@pytest.fixture
def diary(member):
    """An episode with a note, one of sex not agreed to (assessed: its reason is stored), a
    follow-up answered, and a profile."""
    Profile.objects.create(
        user=member,
        contraception="copper_iud",
        anticoagulants="no",
        screening="had",
        screening_last_date=datetime.date(2024, 5, 1),
        screening_last_result="normal",
    )
    noted, _created = services.log_episode(
        member,
        episode_values(
            timezone.now() - datetime.timedelta(days=20),
            notes=NOTE,
            colour="bright_red",
            recent_procedure="coil_fitted",
        ),
    )
    not_agreed, _created = services.log_episode(
        member, episode_values(timezone.now() - datetime.timedelta(days=5), non_consensual=True)
    )
    follow_up.record_follow_up(not_agreed, "seen", finding="nothing_found")
    return noted, not_agreed


def test_default_pdf_is_a_valid_pdf_without_notes_or_circumstances(signed_in, diary):
    response = signed_in.get("/diary/report.pdf")
    text = pdf_text(response)
    assert response["Content-Disposition"] == (
        f'attachment; filename="report-{timezone.localdate().isoformat()}.pdf"'
    )
    assert "no-store" in response["Cache-Control"]
    assert "2 episodes in this period." in text
    assert "Bright red" in text
    assert "Copper coil (IUD)" in text
    assert "A coil (IUD or IUS) fitted in the last 3 weeks" in text
    assert "Seen: nothing found" in text
    assert "Episodes per month, by advice level" in text
    assert "not a diagnosis" in text
    assert NOTE not in text
    assert NOT_AGREED not in text
    assert NOT_AGREED_REASON not in text
    assert "A reason about the circumstances is left out of this report." in text


def test_notes_and_circumstances_are_in_the_pdf_when_chosen(signed_in, diary):
    text = pdf_text(
        signed_in.get(
            "/diary/report.pdf",
            {"period": "12", "sections": ["episodes", "advice", "notes", "circumstances"]},
        )
    )
    assert NOTE in text
    assert NOT_AGREED in text
    assert NOT_AGREED_REASON in text


def test_pdf_has_the_chosen_sections_only(signed_in, diary):
    text = pdf_text(signed_in.get("/diary/report.pdf", {"period": "12", "sections": ["notes"]}))
    assert NOTE in text
    assert "2 episodes in this period." in text
    for left_out in (
        "Bright red",  # episodes
        "Copper coil",  # medicines
        "Cervical screening",  # screening
        "Recent procedures",  # procedures
        "Seen: nothing found",  # follow_up
        "Advice:",  # advice
        "Episodes per month",  # chart
        NOT_AGREED,  # circumstances
    ):
        assert left_out not in text


def test_the_preview_shows_the_same_choices(signed_in, diary):
    response = signed_in.get("/diary/report/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Bright red" in page and NOTE not in page and NOT_AGREED not in page
    assert 'href="/diary/report.pdf?period=12&amp;sections=chart' in page
    chosen = signed_in.get("/diary/report/", {"period": "12", "sections": ["notes"]})
    assert NOTE in chosen.content.decode()
    assert "Bright red" not in chosen.content.decode()


@pytest.mark.parametrize(
    ("period", "included"),
    [("3", {10}), ("6", {10, 100}), ("12", {10, 100, 200})],
)
def test_period_includes_exactly_its_episodes(signed_in, member, period, included):
    episodes = {days: stored_episode(member, days_ago=days) for days in (10, 100, 200, 400)}
    text = pdf_text(
        signed_in.get("/diary/report.pdf", {"period": period, "sections": ["episodes"]})
    )
    for days, episode in episodes.items():
        assert (day(episode.occurred_at) in text) == (days in included), days
    assert f"{len(included)} episode" in text


def test_a_date_range_counts_whole_days(signed_in, member):
    start, end = datetime.date(2026, 3, 1), datetime.date(2026, 3, 31)
    tz = timezone.get_current_timezone()

    def at(date, hour, minute):
        moment = datetime.datetime.combine(date, datetime.time(hour, minute), tzinfo=tz)
        return stored_episode(member, notes=f"note {date} {hour}:{minute}").pk, moment

    for pk, moment in (
        at(start - datetime.timedelta(days=1), 23, 59),
        at(start, 0, 0),
        at(end, 23, 59),
        at(end + datetime.timedelta(days=1), 0, 0),
    ):
        Episode.objects.filter(pk=pk).update(occurred_at=moment)
    query = {"period": "range", "date_from": start, "date_to": end, "sections": ["notes"]}
    text = pdf_text(signed_in.get("/diary/report.pdf", query))
    assert "2 episodes in this period." in text
    assert "note 2026-03-01 0:0" in text and "note 2026-03-31 23:59" in text
    assert "note 2026-02-28" not in text and "note 2026-04-01" not in text


def test_another_persons_episodes_never_appear(signed_in, member, django_user_model, diary):
    other = django_user_model.objects.create_user(username="sam", password="x" * 20)
    Profile.objects.create(user=other, contraception="implant")
    stored_episode(other, days_ago=3, notes="Other person's secret 9921", colour="brown")
    everything = [code for code, _label in SECTIONS]
    text = pdf_text(signed_in.get("/diary/report.pdf", {"period": "12", "sections": everything}))
    assert "2 episodes in this period." in text
    assert "Other person's secret 9921" not in text
    assert "Brown" not in text and "Implant" not in text
    page = signed_in.get("/diary/report/", {"period": "12", "sections": everything})
    assert "Other person's secret 9921" not in page.content.decode()


def test_signed_out_people_are_sent_to_log_in(client):
    for path in ("/diary/report/", "/diary/report.pdf"):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        (
            {"period": "range", "date_from": "2026-05-01", "date_to": "2026-04-01"},
            "date_to",
            "This date is before the &#x27;From&#x27; date.",
        ),
        (
            {"period": "range", "date_from": "2025-05-01", "date_to": "2999-01-01"},
            "date_to",
            "This date is in the future. Choose today or earlier.",
        ),
        (
            {"period": "range", "date_from": "2026-13-45", "date_to": "2026-04-01"},
            "date_from",
            "Enter a date, for example 2026-03-01.",
        ),
        ({"period": "range"}, "date_from", "Enter a date, or choose a number of months."),
        (
            {"period": "12", "sections": ["notes", "bank_details"]},
            "sections",
            "Choose only from the sections listed.",
        ),
        ({"period": "24"}, "period", "Choose one of the periods listed."),
        # Year 1 overflowed the time zones east of UTC (a 500), and drew 24,000 months.
        (
            {"period": "range", "date_from": "0001-01-01", "date_to": "2026-04-01"},
            "date_from",
            "Choose a date from 1900 on.",
        ),
    ],
)
@pytest.mark.parametrize("path", ["/diary/report/", "/diary/report.pdf"])
def test_bad_input_gets_a_message_beside_the_field(signed_in, diary, path, query, field, message):
    response = signed_in.get(path, query)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "There is a problem" in page
    # Beside the field: in the field's own group, marked as in error.
    group = re.search(
        rf'<div class="field field--error[^"]*">(?:(?!<div class="field).)*?'
        rf'<ul class="errorlist" id="id_{field}_error">(.*?)</ul>',
        page,
        re.S,
    )
    assert group, f"no error beside {field}"
    assert message in group.group(1)
    assert NOTE not in page


def test_dates_are_ignored_when_a_number_of_months_is_chosen(signed_in, diary):
    response = signed_in.get(
        "/diary/report/", {"period": "6", "date_from": "junk", "sections": ["episodes"]}
    )
    assert response.status_code == 200
    assert "2 episodes in this period." in response.content.decode()


def test_the_account_page_links_to_the_report(signed_in):
    page = signed_in.get("/accounts/").content.decode()
    assert 'href="/diary/report/"' in page


def test_a_url_in_a_note_is_text_and_never_fetched(signed_in, member):
    stored_episode(member, days_ago=1, notes='<img src="http://example.invalid/x.png">')
    text = pdf_text(signed_in.get("/diary/report.pdf", {"period": "3", "sections": ["notes"]}))
    assert '<img src="http://example.invalid/x.png">' in text


def test_the_pdf_fetches_nothing_from_the_disk_or_the_network():
    icon = REPO / "static" / "icons" / "icon-192.png"
    assert icon.exists()
    pdf = render_pdf(
        f'<p>An image:</p><img src="{icon.as_uri()}"><img src="http://127.0.0.1:9/x.png">'
    )
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    assert "An image:" in page.extract_text()
    assert list(page.images) == []


def test_the_pdf_is_in_the_language_the_person_reads_the_site_in(signed_in, diary):
    """The same report for a Russian reader: every heading, answer and date in Russian, in a
    font that has the letters (no missing-glyph boxes survive text extraction as "?")."""
    text = pdf_text(signed_in.get("/diary/report.pdf", HTTP_ACCEPT_LANGUAGE="ru"))
    assert "Эпизодов за этот период: 2." in text or "2 эпизода" in text, text[:400]
    assert "Ярко-красн" in text
    assert "Медная спираль" in text or "медная" in text.lower()
    assert "Это не диагноз" in text or "не диагноз" in text
    with translation.override("ru"):
        today = formats.date_format(timezone.localdate(), "j E Y")
    assert f"по {today}" in text  # "по 26 ноября 2026"
    assert "Bright red" not in text and "not a diagnosis" not in text
    assert "?" not in re.sub(r"https?://\S+", "", text)


def test_the_chart_keeps_its_numbers_plain_for_a_russian_reader(signed_in, diary):
    """Django writes 291.7 as «291,7» for a Russian reader, and in an SVG attribute that is
    two numbers: the PDF drew only each month's first letter, at the wrong place, and no
    dots at all."""
    page = signed_in.get("/diary/report/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    svg = re.search(r'<svg class="report-chart".*?</svg>', page, re.S).group(0)
    values = re.findall(r'\s(?:x|y|cx|cy|r|x1|x2|y1|y2|width|height)="([^"]*)"', svg)
    assert len(values) > 20
    assert [v for v in values if not re.fullmatch(r"\d+(\.\d+)?", v)] == []


def test_the_chart_s_rows_are_named_so_that_they_fit_in_russian(signed_in, diary):
    """The row names sit in about ten letters of room: «В ближайшее время» was cut to
    «шее время»; the chart uses the axis's short names, as the diary's timeline does."""
    page = signed_in.get("/diary/report/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    svg = re.search(r'<svg class="report-chart".*?</svg>', page, re.S).group(0)
    names = re.findall(r'class="report-chart__level"[^>]*>([^<]+)</text>', svg)
    assert names == ["Экстренно", "Срочно", "Скоро", "Планово", "Наблюдать", "Всего"]


def test_the_report_s_dates_in_russian_name_the_month_in_the_genitive(signed_in, diary):
    """«26 ноября 2026», not Django's short month, which is capitalised in Russian
    («26 Ноя 2026»), nor a day's number beside a month's short name anywhere."""
    page = signed_in.get("/diary/report/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    dates = re.search(r"Даты:</span>(.*?)</p>", page, re.S).group(1)
    with translation.override("ru"):
        expected = [
            formats.date_format(timezone.localtime(e.occurred_at).date(), "j E Y") for e in diary
        ]
    assert sorted(d.strip() for d in dates.split(";")) == sorted(expected)
    assert not re.search(r"\d (Янв|Фев|Мар|Апр|Май|Июн|Июл|Авг|Сен|Окт|Ноя|Дек)\b", page)


def test_a_reason_that_rests_on_a_fact_not_given_says_so(signed_in, member):
    """With no profile, an episode's advice assumes the menopause may have happened (the
    rules err towards more care); the doctor must read that as an assumption, not a fact."""
    services.log_episode(member, episode_values(timezone.now() - datetime.timedelta(days=2)))
    page = signed_in.get("/diary/report/").content.decode()
    assert "Bleeding after the menopause should always be checked" in page
    assert "(Assumed, as the diary does not say: " in page
    assert "whether periods have stopped for good" in page
    russian = signed_in.get("/diary/report/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "(Предположение: в дневнике не указано" in russian
