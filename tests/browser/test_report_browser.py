"""The doctor report on a phone: choose the period and the sections, read the preview,
download the PDF; both saved as pictures for a person to look at."""

import datetime

import pypdfium2
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from diary import follow_up, services
from diary.models import Profile
from tests.browser.test_accessibility import violations
from tests.helpers import SCREENSHOTS, episode_values

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOTE = "Bled after the coil check, more than usual."


def a_diary(member):
    Profile.objects.create(
        user=member,
        year_of_birth=1988,
        menopause="no",
        contraception="hormonal_iud",
        anticoagulants="no",
        screening="had",
        screening_last_date=datetime.date(2023, 9, 1),
        screening_last_result="normal",
    )
    now = timezone.now()
    logged = [
        episode_values(now - datetime.timedelta(days=150), amount="spotting", colour="pink"),
        episode_values(
            now - datetime.timedelta(days=95), colour="bright_red", duration="a_few_hours"
        ),
        episode_values(
            now - datetime.timedelta(days=40),
            amount="moderate",
            colour="bright_red",
            pain_after="mild",
            symptoms=["bleeding_between_periods"],
            recent_procedure="coil_fitted",
            notes=NOTE,
        ),
        episode_values(
            now - datetime.timedelta(days=6),
            amount="light",
            colour="dark_red",
            pain_during_sex="moderate",
            symptoms=["unusual_discharge"],
        ),
    ]
    episodes = [services.log_episode(member, values)[0] for values in logged]
    follow_up.record_follow_up(episodes[2], "seen", finding="infection_treated")
    follow_up.record_follow_up(
        episodes[3], "booked", booked_for=timezone.localdate() + datetime.timedelta(days=4)
    )


def test_report_preview_and_pdf_on_a_phone(live_server, page, screenshot, member, password):
    a_diary(member)
    page.goto(live_server.url + "/accounts/login/?next=/diary/report/")
    page.get_by_label("Username").fill("robin")
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()

    expect(page.get_by_role("heading", name="A report for your doctor")).to_be_visible()
    assert page.title() == "Harbour"  # discreet: the condition is never in the title
    notes = page.get_by_label("Your notes")
    expect(notes).not_to_be_checked()
    box = page.locator("label", has=notes).bounding_box()
    assert box["height"] >= 44
    page.get_by_label("The last 6 months").check()
    notes.check()
    page.get_by_role("button", name="Show the report").click()

    report = page.locator(".report")
    expect(report).to_contain_text("4 episodes in this period.")
    expect(report).to_contain_text(NOTE)
    expect(report).to_contain_text("Seen: infection treated")
    expect(report).to_contain_text("Made on")
    assert "sections=notes" in page.url
    # Readable on the phone: nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert violations(page) == []
    screenshot("report-preview")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download PDF").click()
    download = download_info.value
    assert download.suggested_filename == f"report-{timezone.localdate().isoformat()}.pdf"
    path = SCREENSHOTS / "report.pdf"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    download.save_as(path)
    pdf = pypdfium2.PdfDocument(str(path))
    text = pdf[0].get_textpage().get_text_range()
    assert "4 episodes in this period." in text
    image = pdf[0].render(scale=1.5).to_pil()
    image.save(SCREENSHOTS / "report-pdf-page-1.png")
    assert image.size[0] < image.size[1]  # A4, portrait
    pdf.close()


def test_report_errors_on_a_phone(live_server, page, member, password):
    page.goto(live_server.url + "/accounts/login/?next=/diary/report/")
    page.get_by_label("Username").fill("robin")
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.get_by_label("Between two dates").check()
    page.get_by_label("From", exact=True).fill("2026-05-01")
    page.get_by_label("To", exact=True).fill("2026-04-01")
    page.get_by_role("button", name="Show the report").click()
    expect(page.get_by_role("alert")).to_contain_text("This date is before the 'From' date.")
    expect(page.locator(".field--error")).to_contain_text("This date is before the 'From' date.")
    assert violations(page) == []
