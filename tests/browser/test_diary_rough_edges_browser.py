"""Rough edges seen on a walk through the diary on a phone (390x844), with normal text and
with the text at 200 % (the root font size doubled, as a person who zooms text sees it)."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.helpers import PASSWORD, stored_episode

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DOUBLE_TEXT = "document.documentElement.style.fontSize = '200%'"
HEAVY = "Heavy: soaking through a pad or more within an hour"


def sign_in(page, live_server, username, next_url):
    page.goto(f"{live_server.url}/accounts/login/?next={next_url}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(live_server.url + next_url)


@pytest.fixture
def log_form(live_server, page, member):
    """The log form of a person who has not answered the two profile questions yet, so the
    form is at its longest."""
    sign_in(page, live_server, member.username, "/diary/new/")
    return page


@pytest.fixture
def diary_home(live_server, page, member):
    from diary.models import Profile

    Profile.objects.create(user=member, year_of_birth=1990, menopause="no", basics_offered=True)
    for days in (2, 40, 120):
        stored_episode(member, days)
    sign_in(page, live_server, member.username, "/diary/")
    return page


def focused(page):
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            const r = el.getBoundingClientRect();
            return {tag: el.tagName, name: el.name || '', value: el.value || '',
                    text: (el.textContent || '').trim().slice(0, 40),
                    top: r.top, bottom: r.bottom,
                    inBar: !!el.closest('.actions--sticky')};
        }"""
    )


def tabs_to_first_amount(page, use_skip_link):
    """Tab presses from the document start to the first amount option, as a keyboard user
    would go: with the skip link (Tab, Enter, then Tab on), or by Tab alone."""
    page.evaluate("document.activeElement && document.activeElement.blur()")
    presses, visited = 0, []
    if use_skip_link:
        page.keyboard.press("Tab")
        presses += 1
        assert focused(page)["text"] == "Skip to main content"
        page.keyboard.press("Enter")
        visited.append("Skip to main content + Enter")
    while presses < 40:
        page.keyboard.press("Tab")
        presses += 1
        now = focused(page)
        if now["name"] == "amount":
            return presses, visited
        visited.append(now["name"] or now["text"])
    raise AssertionError(f"never reached the amount: {visited}")


def test_the_amount_is_at_most_5_tab_presses_from_the_top(log_form):
    page = log_form
    with_skip, path = tabs_to_first_amount(page, use_skip_link=True)
    page.reload()
    tab_only, tab_path = tabs_to_first_amount(page, use_skip_link=False)
    print(f"tab presses to the amount: {with_skip} with the skip link {path}; "
          f"{tab_only} by Tab alone {tab_path}")  # fmt: skip
    assert with_skip <= 5, path
    # The header (8 stops) comes before any form; then nothing but the back link.
    assert tab_only <= 10, tab_path
    assert focused(page)["value"] == "spotting"


@pytest.mark.parametrize("text", ["100%", "200%"])
def test_the_save_bar_never_covers_the_focused_field(log_form, screenshot, text):
    page = log_form
    bar = page.locator(".actions--sticky")
    heavy = page.get_by_label(HEAVY)
    if text == "100%":
        # As the page opens, every amount is in view, "Heavy" too, above the bar.
        label = page.locator("label", has=heavy).bounding_box()
        assert label["y"] + label["height"] <= bar.bounding_box()["y"], "the bar covers Heavy"
    page.evaluate(f"document.documentElement.style.fontSize = '{text}'")
    page.locator('input[name="amount"]').first.focus()
    covered = []
    for _step in range(60):
        now = focused(page)
        if now["inBar"]:
            break
        bar_top = bar.bounding_box()["y"]
        if now["bottom"] > bar_top + 0.5 or now["top"] < 0:
            covered.append(now)
        page.keyboard.press("Tab")
    else:
        raise AssertionError("never reached the save button")
    assert covered == []

    # Arrow keys move through the amounts: "Heavy" is never under the bar either.
    page.locator('input[name="amount"]').first.focus()
    for _step in range(3):
        page.keyboard.press("ArrowDown")
    expect(heavy).to_be_focused()
    label = page.locator("label", has=heavy).bounding_box()
    assert label["y"] + label["height"] <= bar.bounding_box()["y"], "the bar covers Heavy"
    screenshot(f"rough-edges-log-heavy-focused-{text[:-1]}", full_page=False)


def test_the_save_bar_is_one_short_line_at_200_percent_text(log_form, screenshot):
    page = log_form
    page.evaluate(DOUBLE_TEXT)
    bar = page.locator(".actions--sticky")
    button = bar.get_by_role("button", name="Save and see advice")
    lines = button.evaluate(
        "b => { const r = document.createRange(); r.selectNodeContents(b);"
        " return new Set([...r.getClientRects()].map(rect => Math.round(rect.top))).size; }"
    )
    height = bar.bounding_box()["height"]
    print(f"save bar at 200 %: {height:.0f} px")
    assert height <= 80, f"the save bar is {height:.0f} px tall"
    assert lines == 1
    screenshot("rough-edges-log-200", full_page=False)


def test_the_header_leaves_room_for_the_page_at_200_percent_text(log_form, screenshot):
    page = log_form
    screenshot("rough-edges-log-100", full_page=False)
    header = page.locator(".site-header")
    normal = header.bounding_box()["height"]
    page.evaluate(DOUBLE_TEXT)
    double = header.bounding_box()["height"]
    print(f"header: {normal:.0f} px at 100 %, {double:.0f} px at 200 %")
    assert double <= 844 * 0.3, f"the header takes {double:.0f} of 844 px"
    # Every header control is still there, and still a large target.
    for name in ("Lock now", "Leave quickly", "Learn", "Check symptoms", "Diary", "Account"):
        target = page.locator(".site-header").get_by_text(name, exact=True)
        expect(target).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot("rough-edges-header-200", full_page=False)


@pytest.mark.parametrize("width", [390, 360])
def test_the_count_cards_fit_at_200_percent_text(diary_home, screenshot, width):
    page = diary_home
    page.set_viewport_size({"width": width, "height": 844})
    page.evaluate(DOUBLE_TEXT)
    right = page.evaluate(
        "Math.max(...[...document.querySelectorAll('.counts__item')]"
        ".map(el => el.getBoundingClientRect().right))"
    )
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    print(f"count cards at {width} px and 200 %: right edge {right:.0f}, page {scroll_width}")
    assert right <= width and scroll_width <= width
    page.locator(".counts").scroll_into_view_if_needed()
    screenshot(f"rough-edges-counts-200-{width}", full_page=False)


def test_the_timeline_labels_its_levels_and_shows_each_same_day_episode(
    live_server, page, member, screenshot
):
    from diary.models import Profile

    Profile.objects.create(user=member, year_of_birth=1990, menopause="no", basics_offered=True)
    # Last year's chart, whatever the date today: it spans the whole year.
    year = timezone.localdate().year - 1

    def logged(month, day, hour, level):
        episode = stored_episode(member, 0, level=level)
        episode.occurred_at = timezone.make_aware(datetime.datetime(year, month, day, hour))
        episode.save(update_fields=["occurred_at"])

    for _three in range(3):
        logged(12, 31, 20, "urgent")  # the last day, on the chart's right edge
    logged(12, 30, 9, "emergency")
    logged(9, 1, 12, "routine")
    logged(9, 1, 12, "self_care")
    logged(1, 1, 2, "soon")  # the first day, on its left edge
    sign_in(page, live_server, member.username, f"/diary/?year={year}")

    chart = page.locator("svg.timeline__chart")
    chart.scroll_into_view_if_needed()
    screenshot("rough-edges-timeline", full_page=False)
    for level in ("Emergency", "Urgent", "Soon", "Routine", "Self-care"):
        expect(chart.locator(".timeline__level", has_text=level)).to_have_count(1)
    expect(chart.locator(".timeline__mark")).to_have_count(7)
    expect(chart.locator(".timeline__count")).to_have_text(["3"])

    view, labels, marks = page.evaluate(
        """() => {
            const box = b => ({x: b.x, y: b.y, width: b.width, height: b.height});
            const svg = document.querySelector('svg.timeline__chart');
            const all = selector => [...svg.querySelectorAll(selector)].map(e => box(e.getBBox()));
            return [box(svg.viewBox.baseVal), all('.timeline__level, .timeline__label'),
                    all('.timeline__mark')];
        }"""
    )
    for box in labels:
        assert box["x"] >= 0 and box["x"] + box["width"] <= view["width"], "a label is cut"
    plot_left = max(box["x"] + box["width"] for box in labels[:5])
    for box in marks:
        assert box["x"] >= plot_left, "a mark overlaps the level names"
        assert box["y"] >= view["y"] and box["x"] + box["width"] <= view["width"]
        assert box["y"] + box["height"] <= view["height"]
    # Three urgent episodes today are three marks, side by side, not one on top of another.
    today = page.evaluate(
        """() => [...document.querySelectorAll('.timeline__chart .timeline__mark--urgent')]
                .map(m => [m.getBBox().x, m.getBBox().y])"""
    )
    assert len({tuple(point) for point in today}) == 3
    # The text alternative says what the chart shows, level by level.
    summary = chart.locator("desc").text_content()
    assert "Emergency 1, Urgent 3, Soon 1, Routine 1, Self-care 1." in summary


def test_the_recovery_code_can_be_copied_and_says_so(live_server, browser, screenshot):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page = context.new_page()
    page.goto(live_server.url + "/accounts/signup/")
    page.get_by_label("Username").fill("willow")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    code = page.locator("[data-recovery-code]").inner_text()
    assert re.fullmatch(r"[A-Z0-9]{5}(-[A-Z0-9]{5}){3}", code)

    copy = page.get_by_role("button", name="Copy the code")
    copy.click()
    status = page.get_by_role("status")
    expect(status).to_have_text("Copied")
    expect(status).to_have_attribute("aria-live", "polite")
    assert page.evaluate("navigator.clipboard.readText()") == code
    expect(page.get_by_role("link", name="I have saved it")).to_be_visible()
    screenshot("rough-edges-recovery-code-copied", full_page=False, of=page)
    context.close()


def test_without_the_clipboard_api_there_is_no_copy_button(live_server, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    context.add_init_script("delete Navigator.prototype.clipboard")
    page = context.new_page()
    page.goto(live_server.url + "/accounts/signup/")
    page.get_by_label("Username").fill("willow")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.locator("[data-recovery-code]")).to_be_visible()
    expect(page.get_by_role("button", name="Copy the code")).to_have_count(0)
    context.close()


@pytest.mark.parametrize("width, text", [(390, "100%"), (360, "100%"), (360, "200%")])
def test_the_recovery_code_never_breaks_inside_a_group(
    live_server, page, screenshot, monkeypatch, width, text
):
    # Groups that start with a digit: a browser will not break after "-" before a digit, so
    # without the markup a long group pair would be split anywhere.
    monkeypatch.setattr("diary.accounts.recovery.new_code", lambda: "AB3CD-9XYZW-2MNPQ-8RSTV")
    page.set_viewport_size({"width": width, "height": 844})
    page.goto(live_server.url + "/accounts/signup/")
    page.get_by_label("Username").fill("willow")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    page.evaluate(f"document.documentElement.style.fontSize = '{text}'")
    code = page.locator("[data-recovery-code]")
    lines = code.evaluate(
        """el => {
            // The top of every character, to see where the code breaks.
            const text = el.textContent, range = document.createRange(), tops = [];
            const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
            let node, rows = [];
            while ((node = walker.nextNode())) {
                for (let i = 0; i < node.length; i++) {
                    range.setStart(node, i); range.setEnd(node, i + 1);
                    const top = Math.round(range.getBoundingClientRect().top);
                    if (!rows.length || Math.abs(rows[rows.length - 1].top - top) > 4) {
                        rows.push({top, text: ''});
                    }
                    rows[rows.length - 1].text += node.data[i];
                }
            }
            return rows.map(r => r.text);
        }"""
    )
    for line in lines:
        # A line holds whole groups only: "ABCDE-FGHJK-" or "MNPQR", never "ABC".
        assert re.fullmatch(r"([A-Z0-9]{5}-?)+", line), lines
    if text == "100%":
        assert len(lines) == 1, lines
    code.scroll_into_view_if_needed()
    box = code.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(f"rough-edges-recovery-code-{width}-{text[:-1]}", full_page=False)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_changed_pages_have_no_axe_violations(diary_home, member, screenshot, scheme):
    from tests.browser.test_accessibility import violations

    page = diary_home
    page.emulate_media(color_scheme=scheme)
    site = page.url.removesuffix("/diary/")
    found = {}
    for path in (f"/diary/{member.episodes.first().pk}/edit/", "/diary/", "/diary/new/"):
        page.goto(site + path)
        if path == "/diary/":
            page.locator(".timeline").scroll_into_view_if_needed()
            screenshot(f"rough-edges-timeline-{scheme}", full_page=False)
        if problems := violations(page):
            found[path] = problems
    page.get_by_role("button", name="Save and see advice").click()
    expect(page.get_by_role("alert")).to_contain_text("Choose how much you bled")
    screenshot(f"rough-edges-log-errors-{scheme}", full_page=False)
    if problems := violations(page):
        found["log form errors"] = problems
    page.goto(site + "/accounts/recovery-code/new/")
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Make a new code").click()
    expect(page.get_by_role("button", name="Copy the code")).to_be_visible()
    screenshot(f"rough-edges-recovery-code-{scheme}", full_page=False)
    if problems := violations(page):
        found["recovery code"] = problems
    assert found == {}
