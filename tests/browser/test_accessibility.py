"""axe-core (bundled with axe-playwright-python, runs offline) on the main pages, at 390 and
360 px wide, in light and dark schemes."""

import pytest
from axe_playwright_python.sync_playwright import Axe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = [
    "/",
    "/accounts/signup/",
    "/accounts/login/",
    "/accounts/recover/",
    "/check/",
    "/learn/",
    "/learn/cervical-polyps/",
    "/learn/when-to-get-help/?country=GB",
    "/learn/search/",  # the results, posted: tests/browser/test_browser_history.py
    "/no-such-page/",
]


def violations(page):
    # A click that submits a form returns once the next page has started; axe needs the
    # whole document, or it fails on a page that has no documentElement yet.
    page.wait_for_load_state("load")
    results = Axe().run(page, options={"runOnly": ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"]})
    return [
        f"{v['id']}: {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
    ]


def violations_on(page, live_server, paths):
    """{path: violations} for each of `paths` that has any."""
    found = {}
    for path in paths:
        page.goto(live_server.url + path)
        if problems := violations(page):
            found[path] = problems
    return found


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_pages_have_no_axe_violations(live_server, page, scheme):
    page.emulate_media(color_scheme=scheme)
    assert violations_on(page, live_server, PAGES) == {}


def test_self_check_results_and_errors_have_no_axe_violations(live_server, page):
    page.goto(live_server.url + "/check/")
    page.get_by_role("button", name="See my answer").click()
    assert violations(page) == []
    page.get_by_label("Heavy: soaking through a pad or more within an hour").check()
    page.get_by_label("How old are you?").fill("12")
    page.get_by_role("group", name="Did this happen during sex you did not agree to?").get_by_label(
        "Yes"
    ).check()
    page.get_by_role("button", name="See my answer").click()
    assert violations(page) == []
    # A blank age that could change the answer, with the form to add it, and the country.
    page.goto(live_server.url + "/check/")
    page.get_by_label("Spotting: a streak or a few drops, seen on tissue").check()
    page.get_by_role("button", name="See my answer").click()
    page.get_by_text("In another country? Change it").click()
    assert violations(page) == []


@pytest.mark.parametrize("path", ["/check/", "/learn/when-to-get-help/", "/learn/"])
def test_no_horizontal_scroll_at_360_px(live_server, page, path):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(live_server.url + path)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


RUSSIAN_PAGES = [
    "/",
    "/check/",
    "/learn/",
    "/learn/trans-and-non-binary/",
    "/learn/when-to-get-help/?country=RU",
    "/privacy/",
]


def test_russian_pages_have_no_axe_violations(live_server, page):
    """The same checks in Russian: the page's language is declared, English source titles
    are marked as English, and the longer words keep every contrast and target."""
    page.set_extra_http_headers({"Accept-Language": "ru"})
    assert violations_on(page, live_server, RUSSIAN_PAGES) == {}


# Boxes whose right edge passes a 360 px screen: cut off, or pushing the page sideways.
PAST_THE_EDGE = """() => [...document.querySelectorAll('body *')]
    .filter(el => { const r = el.getBoundingClientRect(); return r.width > 0 && r.right > 361; })
    .map(el => (el.textContent || el.tagName).trim().slice(0, 40))"""


@pytest.mark.parametrize("language", ["en", "ru"])
def test_nothing_passes_the_edge_of_a_360_px_phone_at_200_percent_text(live_server, page, language):
    """WCAG 1.4.4 and 1.4.10: Russian words are longer («самостоятельно»,
    «Конфиденциальность»), and at 200 % text one was cut off in a card's heading."""
    page.set_extra_http_headers({"Accept-Language": language})
    page.set_viewport_size({"width": 360, "height": 740})
    found = {}
    for path in RUSSIAN_PAGES + ["/learn/cervical-screening/", "/accounts/signup/"]:
        page.goto(live_server.url + path)
        page.evaluate("document.documentElement.style.fontSize = '200%'")
        if beyond := page.evaluate(PAST_THE_EDGE):
            found[path] = beyond[:3]
    assert found == {}
