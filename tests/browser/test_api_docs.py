import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_api_docs_render_from_our_own_files_under_the_csp(live_server, page):
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("request", lambda r: problems.append(r.url) if live_server.url not in r.url else None)
    page.goto(live_server.url + "/api/v1/docs/")
    expect(page.get_by_text("/api/v1/triage/").first).to_be_visible(timeout=15000)
    assert problems == []


def test_api_docs_tab_shows_only_the_neutral_name(live_server, page):
    page.goto(live_server.url + "/api/v1/docs/")
    expect(page).to_have_title("Harbour API")
    expect(page.get_by_role("heading", name="Harbour API")).to_be_visible(timeout=15000)
