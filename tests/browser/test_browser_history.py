"""What Chromium keeps on disk after someone uses the app (security review, finding 4).

A real profile folder, as a phone or a shared computer keeps it: after a search, a sign-in,
diary pages and a knowledge page read while signed in, the browser is closed and its files
are read the way anyone holding the device could read them.
"""

import shutil
import sqlite3

import pytest
from playwright.sync_api import expect

from tests.helpers import CHROMIUM, CHROMIUM_ARGS, PASSWORD, stored_episode

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SEARCH = "chlamydia pregnant"
USERNAME = "heron-lantern"
NOTE = "the quiet lighthouse keeper"
# Read before signing in: a public page, which the browser may keep like any website's.
PUBLIC_PAGE = "/learn/cervical-polyps/"
PUBLIC_TEXT = "Cervical polyps"
# Read while signed in: then every page is no-store, a public one too.
SIGNED_IN_PAGE = "/learn/non-consensual-sex/"
# The self-check's answers, as the posted form spells them.
CHECK_AGE = "47"
CHECK_ANSWERS = ["amount=spotting", f"age={CHECK_AGE}"]
# Only a signed-in page has it (the header's button). As markup for the cache: the phrase
# is also in a comment of static/js/offline-log.js, the same public file for everyone.
SIGNED_IN_MARK = "Lock now"
SIGNED_IN_HTML = f">{SIGNED_IN_MARK}</button>"


def spellings(text):
    """The ways a browser file could hold the words: as typed, as a form or an address
    encodes them, and in UTF-16 (how Chromium saves a page's state)."""
    forms = {text, text.replace(" ", "+"), text.replace(" ", "%20")}
    return [f.encode() for f in forms] + [f.encode("utf-16-le") for f in forms]


def files_holding(folder, text):
    return [
        str(path.relative_to(folder))
        for path in folder.rglob("*")
        if path.is_file() and any(s in path.read_bytes() for s in spellings(text))
    ]


@pytest.fixture
def used_profile(live_server, playwright, tmp_path, django_user_model):
    """The folder of a Chromium profile after a session of use, the browser closed."""
    from diary.models import Profile

    person = django_user_model.objects.create_user(USERNAME, password=PASSWORD)
    Profile.objects.create(user=person, basics_offered=True)
    episode = stored_episode(person, notes=NOTE)
    folder = tmp_path / "profile"
    context = playwright.chromium.launch_persistent_context(
        str(folder),
        executable_path=CHROMIUM,
        args=CHROMIUM_ARGS,
        viewport={"width": 390, "height": 844},
    )
    page = context.new_page()
    url = live_server.url

    page.goto(url + PUBLIC_PAGE)
    page.goto(url + "/learn/")
    page.get_by_label("Search the pages").fill(SEARCH)
    page.get_by_role("button", name="Search").click()
    expect(page.locator(".search-count")).to_contain_text(SEARCH)
    page.locator(".topic-list__link").first.click()
    expect(page.locator("h1")).not_to_have_text("Search")

    page.goto(url + "/check/")
    page.get_by_label("Spotting: a streak or a few drops, seen on tissue").check()
    page.get_by_label("How old are you?").fill(CHECK_AGE)
    page.get_by_role("button", name="See my answer").click()
    expect(page.locator(".care-card").first).to_be_visible()

    page.goto(url + "/accounts/login/")
    page.get_by_label("Username").fill(USERNAME)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name=SIGNED_IN_MARK)).to_be_visible()
    page.goto(f"{url}/diary/{episode.pk}/")
    expect(page.locator(".notes")).to_have_text(NOTE)
    for path in ("/diary/", "/diary/new/", "/accounts/", SIGNED_IN_PAGE):
        page.goto(url + path)
        expect(page.get_by_role("button", name=SIGNED_IN_MARK)).to_be_visible()
    context.close()
    return folder


def visited_addresses(folder, tmp_path):
    # A copy, as the brief for this test asks: SQLite may leave a journal beside the file.
    copy = tmp_path / "History.sqlite"
    shutil.copy(folder / "Default" / "History", copy)
    with sqlite3.connect(copy) as db:
        return [row[0] for row in db.execute("SELECT url FROM urls")]


def test_a_used_profile_keeps_addresses_but_no_search_words_and_no_private_page(
    used_profile, tmp_path, live_server
):
    addresses = visited_addresses(used_profile, tmp_path)
    # The browser does keep the addresses, as the Privacy page says; the search's is bare.
    assert live_server.url + PUBLIC_PAGE in addresses
    assert live_server.url + "/learn/search/" in addresses
    for word in SEARCH.split():
        assert [a for a in addresses if word in a.lower()] == [], word

    cache = used_profile / "Default" / "Cache"
    # The public page read before signing in is there: the cache is read the right way.
    assert files_holding(cache, PUBLIC_TEXT)
    for text in (SEARCH, USERNAME, NOTE, SIGNED_IN_HTML):
        assert files_holding(cache, text) == [], text

    # Nor anywhere else in the profile: form autofill, the saved session (which would keep
    # a posted form's words with its history entry), favicons, metrics.
    for text in (SEARCH, NOTE, *CHECK_ANSWERS):
        assert files_holding(used_profile, text) == [], text


def test_search_results_keep_a_bare_address(live_server, page, screenshot):
    from tests.browser.test_accessibility import violations

    page.goto(live_server.url + "/learn/")
    page.get_by_label("Search the pages").fill(SEARCH)
    page.get_by_role("button", name="Search").click()
    expect(page.locator(".search-count")).to_contain_text(f"found for “{SEARCH}”")
    expect(page).to_have_url(live_server.url + "/learn/search/")
    assert violations(page) == []
    screenshot("search-results")
    # Reload is a plain visit of the bare address (knowledge/handover.py): the form is
    # empty, and no "send the form again?" question brings the words back.
    page.reload()
    expect(page.locator(".search-count")).to_have_count(0)
    expect(page.get_by_label("Search the pages")).to_have_value("")


def test_privacy_page_says_what_the_browser_keeps(live_server, page, screenshot):
    page.goto(live_server.url + "/privacy/")
    heading = page.get_by_role("heading", name="What your browser keeps")
    expect(heading).to_be_visible()
    expect(page.get_by_text("open this site in a private window")).to_be_visible()
    screenshot("privacy")
    heading.evaluate("element => element.scrollIntoView()")
    screenshot("privacy-what-your-browser-keeps", full_page=False)
