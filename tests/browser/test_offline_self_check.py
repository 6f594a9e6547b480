"""The self-check without a connection: the page was opened online, the phone then lost its
connection, and the answer is worked out on the phone (static/js/offline-check.js with
static/js/triage.js) and shown as the server shows it.

The service worker is blocked in most tests here: the check must work with the rule table
kept in localStorage alone. The last test lets the worker in, and opens the page offline.
"""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import NoReverseMatch, reverse
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TABLE_KEPT = "() => localStorage.getItem('harbour:rules:' + document.documentElement.lang) !== null"


@pytest.fixture
def phone(browser, live_server):
    """A fresh phone, without the service worker, whose browser asks for a language."""
    contexts = []

    def open_phone(locale="en-GB"):
        context = browser.new_context(
            viewport={"width": 390, "height": 844},
            locale=locale,
            is_mobile=True,
            has_touch=True,
            service_workers="block",
        )
        contexts.append(context)
        return context.new_page()

    yield open_phone
    for context in contexts:
        context.close()


def open_check(page, live_server, query=""):
    page.goto(live_server.url + "/check/" + query)
    page.wait_for_function(TABLE_KEPT)


def answer(page, **answers):
    """Ticks and types answers as a person would: radio and select values, symptoms as a
    list, the age as text."""
    for name, value in answers.items():
        if name == "age":
            page.locator('input[name="age"]').fill(value)
        elif name in ("symptoms", "red_flag_symptoms"):
            for symptom in value:
                page.locator(f'input[name="{name}"][value="{symptom}"]').check()
        elif name in ("recent_procedure", "country"):
            page.locator(f'select[name="{name}"]').select_option(value)
        else:
            page.locator(f'input[name="{name}"][value="{value}"]').check()


def see_my_answer(page, name="See my answer"):
    page.get_by_role("button", name=name).click()


def shown_result(page):
    """What a person reads of a result, in both versions: the call button, the care card,
    the emergency number, the support boxes, the reasons and their sources, what to do."""
    return page.evaluate(
        """() => [".emergency-now", ".care-card", ".check-country > p", ".support-box h2",
                  ".reasons", "[aria-labelledby=next-steps-title]"].map((selector) =>
            [...document.querySelectorAll(selector)]
                .map((element) => element.innerText.replace(/\\s+/g, " ").trim())
                .filter(Boolean))"""
    )


def violations(page):
    results = Axe().run(page, options={"runOnly": ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"]})
    return [v["id"] for v in results.response["violations"]]


@pytest.mark.parametrize(
    "locale, query, number",
    [("en-GB", "", "999"), ("en-US", "?country=GB", "999"), ("en-US", "", "911")],
    ids=["GB-from-language", "GB-chosen", "US-from-language"],
)
def test_heavy_and_faint_offline_says_call_the_countrys_number_first(
    live_server, phone, screenshot, locale, query, number
):
    page = phone(locale)
    open_check(page, live_server, query)
    page.context.set_offline(True)
    answer(page, amount="heavy", faint="yes")
    see_my_answer(page)

    call = page.locator("main a:visible").first
    expect(call).to_have_text(f"Call {number} now")
    expect(call).to_have_attribute("href", f"tel:{number}")
    expect(call).to_be_in_viewport()
    expect(page.get_by_role("heading", name="Emergency Now")).to_be_visible()
    expect(page.locator(".care-card")).to_contain_text(
        f"Call {number} or go to an emergency department now."
    )
    expect(page.get_by_role("heading", name="Your answer")).to_be_focused()
    expect(page.get_by_text("this answer was worked out on this device")).to_be_visible()
    reasons = page.locator(".reasons li")
    expect(reasons).to_have_count(2)
    expect(reasons.first).to_contain_text("This is a lot of blood")
    expect(reasons.nth(1)).to_contain_text("Feeling faint or dizzy")
    expect(
        reasons.first.get_by_role("link", name=re.compile("NHS Greater Glasgow"))
    ).to_have_attribute("href", re.compile(r"^https://www\.nhsggc\.org\.uk/"))
    expect(page.locator("form.check-form")).to_be_hidden()
    if query:
        screenshot("offline-check-emergency", of=page)

    # Back shows the form again, with the answers, as after the server's result.
    page.go_back()
    expect(page.locator("form.check-form")).to_be_visible()
    expect(page.locator(".offline-result")).to_have_count(0)
    expect(page.locator('input[name="amount"][value="heavy"]')).to_be_checked()


CASES = {
    "self-care": {"amount": "spotting", "first_intercourse": "yes", "age": "24"},
    "routine-after-treatment": {"amount": "light", "recent_procedure": "cervix_treatment"},
    "urgent-pregnant-now": {"amount": "light", "pregnancy": "yes", "age": "30"},
    "soon-sore": {"amount": "spotting", "symptoms": ["sore_or_lump"], "age": "35"},
    "emergency-after-birth": {"amount": "heavy", "recent_procedure": "birth_or_pregnancy_loss"},
    "child-not-agreed": {"amount": "light", "age": "12", "non_consensual": "yes"},
}


@pytest.mark.parametrize("case", CASES)
def test_offline_result_reads_as_the_servers(live_server, phone, screenshot, case):
    online = phone()
    open_check(online, live_server, "?country=ZA")
    answer(online, **CASES[case])
    see_my_answer(online)
    expect(online.get_by_role("heading", name="Your answer")).to_be_visible()
    server = shown_result(online)

    page = phone()
    open_check(page, live_server, "?country=ZA")
    page.context.set_offline(True)
    answer(page, **CASES[case])
    see_my_answer(page)
    expect(page.locator(".offline-result")).to_be_visible()
    assert shown_result(page) == server
    assert violations(page) == []
    if case in ("self-care", "urgent-pregnant-now", "child-not-agreed"):
        screenshot(f"offline-check-{case}", of=page)


@pytest.mark.parametrize(
    "case", ["urgent-pregnant-now", "emergency-after-birth", "self-care", "child-not-agreed"]
)
def test_offline_result_in_russian_reads_as_the_servers(live_server, phone, screenshot, case):
    """The rule table's words come from the server in the page's language
    (/api/v1/rules/?language=ru): offline, a Russian reader reads what the server would say."""
    online = phone("ru-RU")
    open_check(online, live_server, "?country=RU")
    answer(online, **CASES[case])
    see_my_answer(online, "Показать результат")
    expect(online.get_by_role("heading", name="Ваш результат")).to_be_visible()
    server = shown_result(online)

    page = phone("ru-RU")
    open_check(page, live_server, "?country=RU")
    page.context.set_offline(True)
    answer(page, **CASES[case])
    see_my_answer(page, "Показать результат")
    expect(page.locator(".offline-result")).to_be_visible()
    assert shown_result(page) == server
    assert "Call" not in " ".join(map(" ".join, server))
    screenshot(f"offline-check-{case}-ru", of=page)


def test_offline_errors_are_the_forms_own(live_server, phone, screenshot):
    page = phone()
    open_check(page, live_server)
    page.context.set_offline(True)
    answer(page, age="7")
    see_my_answer(page)
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Choose how much you bled, even if it was only a little.")
    expect(alert).to_contain_text("This check is for people aged 10 or over.")
    expect(alert).to_be_focused()
    screenshot("offline-check-errors", full_page=False, of=page)
    alert.get_by_role("link", name="Choose how much you bled").click()
    expect(page.get_by_text("How much did you bleed?", exact=True)).to_be_in_viewport()
    assert violations(page) == []

    # Nothing missing holds back an emergency, as on the server.
    answer(page, faint="yes")
    see_my_answer(page)
    expect(page.get_by_role("heading", name="Emergency Now")).to_be_visible()


def test_without_the_rules_on_the_phone_it_still_offers_the_call(live_server, phone, screenshot):
    page = phone()
    open_check(page, live_server, "?country=GB")
    page.evaluate("() => localStorage.removeItem('harbour:rules:en')")
    page.context.set_offline(True)
    answer(page, amount="light")
    see_my_answer(page)
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("has not downloaded the rules yet")
    expect(alert.get_by_role("link", name="Call 999 now")).to_have_attribute("href", "tel:999")
    screenshot("offline-check-no-rules", full_page=False, of=page)


def test_the_last_country_known_beats_a_guess_and_a_choice_beats_both(live_server, phone):
    page = phone("en-GB")
    open_check(page, live_server, "?country=AU")
    assert page.evaluate("() => localStorage.getItem('harbour:country')") == "AU"
    # Another visit, where only the language says where the phone is: still Australia.
    open_check(page, live_server)
    page.context.set_offline(True)
    answer(page, amount="heavy")
    see_my_answer(page)
    expect(page.locator(".check-country")).to_contain_text("Emergency number (Australia): 000.")

    page.context.set_offline(False)
    open_check(page, live_server)
    page.context.set_offline(True)
    answer(page, amount="heavy", country="US")
    see_my_answer(page)
    expect(page.locator(".check-country")).to_contain_text("Emergency number (United States): 911.")
    assert page.evaluate("() => localStorage.getItem('harbour:country')") == "US"
    expect(page.locator(".check-country")).not_to_contain_text("Ambulance")

    # Russia has a second medical number, offline as online.
    page.context.set_offline(False)
    open_check(page, live_server)
    page.context.set_offline(True)
    answer(page, amount="light", country="RU")
    see_my_answer(page)
    expect(page.locator(".check-country")).to_contain_text(
        "Emergency number (Russia): 112. Ambulance: 103."
    )
    expect(page.locator(".check-country a[href='tel:103']")).to_have_text("103")


def test_the_answers_are_never_stored(live_server, phone):
    page = phone()
    open_check(page, live_server, "?country=GB")
    page.context.set_offline(True)
    answer(page, amount="moderate", still_bleeding="yes", age="33", symptoms=["vaginal_dryness"])
    see_my_answer(page)
    expect(page.get_by_role("heading", name="Urgent Today")).to_be_visible()
    stored = page.evaluate(
        "() => ({local: {...localStorage}, session: {...sessionStorage}, cookie: document.cookie})"
    )
    assert set(stored["local"]) == {"harbour:rules:en", "harbour:country"}
    assert stored["local"]["harbour:country"] == "GB"
    assert stored["session"] == {}
    assert "33" not in stored["cookie"] and "moderate" not in stored["cookie"]


def test_online_the_form_posts_as_always(live_server, phone):
    page = phone()
    open_check(page, live_server)
    answer(page, amount="spotting")
    with page.expect_request(lambda r: r.method == "POST" and r.url.endswith("/check/")):
        see_my_answer(page)
    expect(page.get_by_text("In another country? Change it")).to_be_visible()
    expect(page.locator(".offline-result")).to_have_count(0)


def test_start_a_new_check_offline_shows_the_empty_form(live_server, phone):
    page = phone()
    open_check(page, live_server)
    page.context.set_offline(True)
    answer(page, amount="light", pregnancy="possible")
    see_my_answer(page)
    page.get_by_role("link", name="Start a new check").click()
    expect(page.get_by_role("heading", name="Check your symptoms")).to_be_visible()
    expect(page.locator(".offline-result")).to_have_count(0)
    expect(page.locator('input[name="amount"]:checked')).to_have_count(0)
    expect(page.locator('input[name="pregnancy"][value="no"]')).to_be_checked()


def test_with_the_service_worker_the_check_opens_and_answers_offline(live_server, browser):
    """Nothing kept in localStorage: the page, the scripts and the rule table come from the
    service worker's cache (templates/sw.js)."""
    try:
        reverse("service_worker")
    except NoReverseMatch:
        pytest.skip("no service worker in this version of the site")
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-GB")
    try:
        page = context.new_page()
        page.goto(live_server.url + "/check/")
        page.evaluate("() => navigator.serviceWorker.ready")
        page.reload()
        assert page.evaluate("() => Boolean(navigator.serviceWorker.controller)")
        page.evaluate("() => localStorage.clear()")
        context.set_offline(True)
        page.reload()
        answer(page, amount="heavy")
        see_my_answer(page)
        expect(page.get_by_role("heading", name="Emergency Now")).to_be_visible()
        expect(page.locator("main a:visible").first).to_have_attribute("href", "tel:999")
    finally:
        context.close()


def test_the_kept_form_opened_offline_answers_once_the_connection_is_back(live_server, browser):
    """The worker's copy of the form was fetched without cookies when it installed: posted
    once the connection is back, it is answered by the server like a fresh one (no "form
    expired"), and an emergency shows at once."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-GB")
    try:
        page = context.new_page()
        page.goto(live_server.url + "/check/")
        page.evaluate("() => navigator.serviceWorker.ready")
        page.reload()
        assert page.evaluate("() => Boolean(navigator.serviceWorker.controller)")
        context.clear_cookies()  # a phone whose cookies went, or that never had this one
        context.set_offline(True)
        page.reload()  # the kept copy
        context.set_offline(False)
        answer(page, amount="heavy", faint="yes")
        with page.expect_request(lambda r: r.method == "POST" and r.url.endswith("/check/")):
            see_my_answer(page)
        expect(page.get_by_role("heading", name="Emergency Now")).to_be_visible()
        expect(page.locator(".offline-result")).to_have_count(0)
    finally:
        context.close()
