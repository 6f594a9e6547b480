"""Logging without a connection, in real Chromium (static/js/offline-log.js): entries wait on
the phone, sealed, show their advice at once, survive a reload, and reach the diary exactly
once when the connection returns, also when it drops in the middle of sending or the session
ended meanwhile; a mistake comes back to be corrected; "Lock now", "Leave quickly" and
logging out leave no diary data in any cache or IndexedDB store."""

import re

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import cache
from playwright.sync_api import expect

from diary.models import Episode, Profile
from tests.browser.test_accessibility import violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SPOTTING = "Spotting: a streak or a few drops, seen on tissue"
LIGHT = "Light: it stained my underwear or a panty liner"
MODERATE = "Moderate: I needed a pad"
HEAVY = "Heavy: soaking through a pad or more within an hour"
NEUTRAL = "https://www.bbc.co.uk/weather"
# What must never be readable on the phone: the notes, and the answers as the API names them.
SECRETS = ("lighthouse", "amount", "heavy", "moderate", "spotting", "light", "notes")

TWO_HOURS_AGO = """(input) => {
  const then = new Date(Date.now() - 2 * 3600e3 - new Date().getTimezoneOffset() * 60e3);
  input.value = then.toISOString().slice(0, 16);
}"""

STORES = """async () => {
  const found = {};
  for (const {name} of await indexedDB.databases()) {
    const db = await new Promise((ok, no) => {
      const opening = indexedDB.open(name);
      opening.onsuccess = () => ok(opening.result);
      opening.onerror = () => no(opening.error);
    });
    for (const store of db.objectStoreNames) {
      found[name + "/" + store] = await new Promise((ok, no) => {
        const reading = db.transaction(store).objectStore(store).getAll();
        reading.onsuccess = () => ok(reading.result);
        reading.onerror = () => no(reading.error);
      });
    }
    db.close();
  }
  return found;
}"""

CACHES = """async () => {
  const found = [];
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) {
      found.push(request.url + " " + await (await cache.match(request)).text());
    }
  }
  return found;
}"""

STORAGE_BUT_RULES = """() => JSON.stringify([
  Object.entries(localStorage).filter(([key]) => key !== "harbour:rules:en"),
  Object.entries(sessionStorage),
])"""


# Sending waits on the server saving each entry and reassessing the diary: on a loaded CI
# machine (two test workers, Chromium, PostgreSQL) five of them have taken over 5 seconds.
SENDING = 30_000  # ms


def refuse(page, pattern):
    """Make the page's own requests to `pattern` fail as with no connection; the list of
    the addresses refused so far."""
    refused = []

    def abort(route):
        refused.append(route.request.url)
        route.abort("internetdisconnected")

    page.route(pattern, abort)
    return refused


def queued(page):
    return page.evaluate(STORES).get("harbour/queue", [])


def assert_nothing_readable(page):
    """Every IndexedDB store, every cache, localStorage and sessionStorage: no diary data.
    (The public rule table and a kept blank form may name the answers; no answer given.)"""
    stores = page.evaluate(STORES)
    for entry in stores.get("harbour/queue", []):
        assert set(entry) == {
            "client_id",
            "owner_tag",
            "key_id",
            "epk",
            "iv",
            "ciphertext",
            "queued_at",
        }
    cached = " ".join(page.evaluate(CACHES))
    storage = page.evaluate(STORAGE_BUT_RULES)
    for word in ("lighthouse", "Episode of", "What you logged"):
        assert word not in str(stores) + cached + storage, word
    assert not re.search(r'"amount": ?"', cached + storage)
    for word in SECRETS:
        assert word not in (str(stores) + storage).lower(), word


def sign_in(page, live_server, member, password, then="/diary/new/"):
    page.goto(f"{live_server.url}/accounts/login/?next={then}")
    page.get_by_label("Username").fill(member.username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(live_server.url + then)


def until(page, check, seconds=30):
    for _ in range(seconds * 20):
        if check():
            return
        page.wait_for_timeout(50)
    raise AssertionError(check)


def wait_until(page, condition):
    """page.wait_for_function compiles its predicate in the page, which the CSP forbids."""
    until(page, lambda: page.evaluate(condition))


def ready_for_offline(page):
    """The log form has left what it needs on the phone: the tag, the context, the rules."""
    wait_until(
        page,
        """() => Boolean(localStorage.getItem("harbour:owner")
          && localStorage.getItem("harbour:rules:en")
          && sessionStorage.getItem("harbour:context"))""",
    )


def controlled(page):
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    wait_until(page, "() => navigator.serviceWorker.controller !== null")


def log(page, amount, notes):
    """One episode on the log form, then its answer, shown at once."""
    page.get_by_label(amount).check()
    page.locator("details.more-details").evaluate("(details) => { details.open = true; }")
    page.get_by_label("Notes").fill(notes)
    page.get_by_role("button", name="Save and see advice").click()
    expect(page.get_by_role("heading", name="Saved on this phone")).to_be_focused()


def another(page):
    page.get_by_role("button", name="Log another episode").click()
    expect(page.get_by_role("heading", name="Log an episode")).to_be_focused()


@pytest.fixture
def member_with_profile(member):
    Profile.objects.create(
        user=member, year_of_birth=1993, menopause="no", country="GB", basics_offered=True
    )
    return member


@pytest.fixture
def no_worker_page(browser, live_server):
    """A phone without the service worker (some browsers, or before it installs): the queue
    must work without Background Sync or a kept form."""
    context = browser.new_context(service_workers="block", viewport={"width": 390, "height": 844})
    yield context.new_page()
    context.close()


def assert_logged_once(member, count):
    episodes = Episode.objects.filter(owner=member)
    assert episodes.count() == count
    client_ids = [episode.client_id for episode in episodes]
    assert None not in client_ids and len(set(client_ids)) == count


def test_five_entries_logged_offline_reach_the_diary_once_each(
    live_server, page, context, member_with_profile, password, screenshot
):
    member = member_with_profile
    sign_in(page, live_server, member, password)
    controlled(page)
    ready_for_offline(page)
    context.set_offline(True)

    for number, amount in enumerate((LIGHT, SPOTTING, HEAVY, MODERATE), 1):
        if number == 1:
            page.get_by_label("When did it happen?").evaluate(TWO_HOURS_AGO)
        log(page, amount, f"lighthouse note {number}")
        if amount == HEAVY:
            # Emergency first, with the person's number, before any word about the queue.
            call = page.locator("[data-offline-call] a")
            expect(call).to_have_attribute("href", "tel:999")
            expect(call).to_be_in_viewport()
            expect(page.locator(".care-card--emergency")).to_contain_text("Emergency")
            expect(page.locator("[data-offline-reasons]")).to_contain_text("a lot of blood")
            assert violations(page) == []
            screenshot("offline-log-emergency")
        else:
            expect(page.locator("[data-offline-call] a")).to_have_count(0)
        # The history counts the entries queued before: the second is "soon" (recurrent).
        level = {1: "routine", 2: "soon"}.get(number)
        if level:
            expect(page.locator(f".care-card--{level}")).to_be_visible()
        expect(page.get_by_role("status")).to_contain_text(
            f"{number} entr{'y' if number == 1 else 'ies'} waiting to be sent"
        )
        another(page)
    assert len(queued(page)) == 4
    assert_nothing_readable(page)
    # Background Sync is asked for: the service worker sends when the connection returns.
    assert "harbour-queue" in page.evaluate(
        "navigator.serviceWorker.ready.then((r) => r.sync.getTags())"
    )

    # Reloaded with no connection: the service worker's kept form, and the queue is still there.
    page.reload()
    expect(page.locator("[data-offline-shell]")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("4 entries waiting to be sent")
    assert violations(page) == []
    screenshot("offline-log-kept-form")
    log(page, HEAVY, "lighthouse note 5")
    # The kept form shows the number for the phone's language; the person's is 999.
    expect(page.locator("[data-offline-call] a")).to_have_attribute("href", "tel:999")
    expect(page.get_by_role("status")).to_contain_text("5 entries waiting to be sent")
    assert Episode.objects.count() == 0

    context.set_offline(False)
    expect(page.get_by_text("Sent: it is in your diary now.")).to_be_visible(timeout=SENDING)
    expect(page.locator("[data-queue-status]")).to_be_empty()
    assert queued(page) == []
    assert_logged_once(member, 5)
    episodes = Episode.objects.filter(owner=member)
    assert sorted(e.notes for e in episodes) == [f"lighthouse note {n}" for n in range(1, 6)]
    heavy = [e for e in episodes if e.amount == "heavy"]
    assert [e.assessment_when_logged["level"] for e in heavy] == ["emergency", "emergency"]
    assert all(e.assessment_level == "emergency" for e in heavy)

    page.goto(live_server.url + "/diary/")
    expect(page.locator("[aria-labelledby=list-title] .episode-list__link")).to_have_count(5)


def test_a_connection_dropped_in_the_middle_of_sending_saves_nothing_twice(
    live_server, no_worker_page, member_with_profile, password
):
    page, member = no_worker_page, member_with_profile
    sign_in(page, live_server, member, password)
    ready_for_offline(page)
    page.context.set_offline(True)
    for number in range(1, 6):
        log(page, LIGHT, f"lighthouse note {number}")
        another(page)

    sent = []

    def drop_the_third(route):
        sent.append(route.request.post_data_json["client_id"])
        if len(sent) == 3:
            route.fetch()  # the server gets it and saves it; the answer never arrives
            route.abort("internetdisconnected")
        else:
            route.continue_()

    page.route("**/api/v1/episodes/sealed/", drop_the_third)
    page.context.set_offline(False)
    expect(page.get_by_role("status")).to_contain_text("3 entries waiting to be sent")
    assert Episode.objects.filter(owner=member).count() == 3
    page.unroute("**/api/v1/episodes/sealed/")

    # The connection comes back: the third is sent again, and the server already has it.
    page.evaluate("dispatchEvent(new Event('online'))")  # as the browser does when it is back
    expect(page.locator("[data-queue-status]")).to_be_empty()
    assert queued(page) == []
    assert_logged_once(member, 5)
    assert sent[2] in {str(e.client_id) for e in Episode.objects.filter(owner=member)}


def test_entries_wait_for_the_person_to_sign_in_again_after_the_session_ended(
    live_server, no_worker_page, member_with_profile, password, screenshot
):
    page, member = no_worker_page, member_with_profile
    sign_in(page, live_server, member, password)
    ready_for_offline(page)
    page.context.set_offline(True)
    log(page, MODERATE, "lighthouse note 1")
    another(page)
    log(page, LIGHT, "lighthouse note 2")

    Session.objects.all().delete()  # the session ended while the phone was offline
    cache.clear()
    # First it ends between the question "who is signed in?" and the sending (a 403) ...
    tag = page.evaluate("JSON.parse(localStorage.getItem('harbour:owner'))")
    page.route(
        "**/api/v1/csrf/",
        lambda route: route.fulfill(json={"csrf_token": "stale", "owner_tag": tag}),
    )
    page.context.set_offline(False)
    sign_in_link = page.get_by_role("link", name="Sign in to send 2 entries")
    expect(sign_in_link).to_be_visible()
    assert len(queued(page)) == 2
    # ... then the server says so at once.
    page.unroute("**/api/v1/csrf/")
    page.evaluate("document.querySelector('[data-queue-status]').replaceChildren()")
    page.evaluate("dispatchEvent(new Event('online'))")  # as the browser does when it is back
    expect(sign_in_link).to_be_visible()
    assert violations(page) == []
    screenshot("offline-log-sign-in-to-send", of=page)
    assert len(queued(page)) == 2 and Episode.objects.count() == 0

    sign_in_link.click()
    page.get_by_label("Username").fill(member.username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("status")).to_contain_text(
        "Your waiting entries are in your diary now."
    )
    assert queued(page) == []
    assert_logged_once(member, 2)
    page.get_by_role("link", name="Show them").click()
    expect(page.locator("[aria-labelledby=list-title] .episode-list__link")).to_have_count(2)


def test_a_mistake_comes_back_to_be_corrected_and_is_sent_once(
    live_server, no_worker_page, member_with_profile, password, screenshot
):
    page, member = no_worker_page, member_with_profile
    sign_in(page, live_server, member, password)
    ready_for_offline(page)
    page.context.set_offline(True)
    page.get_by_label("When did it happen?").fill("2099-01-01T10:00")  # the phone's clock
    log(page, LIGHT, "lighthouse note")
    client_id = queued(page)[0]["client_id"]

    page.context.set_offline(False)
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("This is in the future. Enter when it happened.")
    expect(page.locator("[data-queue-status]")).to_contain_text("1 entry waiting to be sent")
    field = page.get_by_label("When did it happen?")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_accessible_description(
        "Already set to now. Change it if it was earlier. "
        "This is in the future. Enter when it happened."
    )
    expect(page.get_by_label("Notes")).to_have_value("lighthouse note")
    expect(page.get_by_label(LIGHT)).to_be_checked()
    assert violations(page) == []
    screenshot("offline-log-correct-a-mistake", full_page=False, of=page)

    field.fill("2026-01-01T10:00")
    page.get_by_role("button", name="Save and see advice").click()
    expect(page.get_by_role("heading", name="Episode of 1 January 2026, 10:00")).to_be_visible()
    assert queued(page) == []
    assert_logged_once(member, 1)
    assert str(Episode.objects.get().client_id) == client_id


def test_lock_now_leave_quickly_and_log_out_leave_no_diary_data_on_the_phone(
    live_server, page, context, member_with_profile, password, screenshot
):
    member = member_with_profile
    page.route(
        NEUTRAL + "**",
        lambda route: route.fulfill(content_type="text/html", body="<h1>Weather</h1>"),
    )
    blocked = lambda route: route.abort("internetdisconnected")  # noqa: E731
    sign_in(page, live_server, member, password)
    controlled(page)
    ready_for_offline(page)

    # Two entries wait (the server cannot be reached); "Lock now".
    context.set_offline(True)
    log(page, HEAVY, "lighthouse note 1")
    another(page)
    log(page, MODERATE, "lighthouse note 2")
    # The context's route: the service worker's Background Sync must not get through either.
    context.route("**/api/v1/episodes/sealed/", blocked)
    context.set_offline(False)
    page.get_by_role("button", name="Lock now").click()
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    assert len(queued(page)) == 2
    assert page.evaluate("sessionStorage.getItem('harbour:context')") is None
    assert_nothing_readable(page)

    # Signed in again: they are sent.
    context.unroute("**/api/v1/episodes/sealed/")
    page.get_by_label("Username").fill(member.username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.goto(live_server.url + "/diary/")
    expect(page.get_by_role("status")).to_contain_text("in your diary now")
    assert_logged_once(member, 2)

    # One more waits; "Leave quickly".
    page.goto(live_server.url + "/diary/new/")
    ready_for_offline(page)
    context.set_offline(True)
    log(page, SPOTTING, "lighthouse note 3")
    context.route("**/api/v1/episodes/sealed/", blocked)
    context.set_offline(False)
    page.get_by_role("link", name="Leave quickly").click()
    expect(page).to_have_url(NEUTRAL)
    page.goto(live_server.url + "/learn/")
    assert len(queued(page)) == 1
    assert page.evaluate("sessionStorage.getItem('harbour:context')") is None
    assert_nothing_readable(page)

    # Logging out warns first, then clears this person's queue.
    sign_in(page, live_server, member, password, then="/accounts/")
    page.get_by_role("button", name="Log out").click()
    warning = page.get_by_role(
        "heading",
        name="1 entry has not been sent yet. Log out anyway and delete it from this phone?",
    )
    expect(warning).to_be_focused()
    assert violations(page) == []
    screenshot("offline-log-logout-warning")
    page.get_by_role("button", name="Stay signed in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_focused()
    assert len(queued(page)) == 1
    page.get_by_role("button", name="Log out").click()
    page.get_by_role("button", name="Log out and delete").click()
    expect(page.get_by_role("link", name="Log in")).to_be_visible()
    assert queued(page) == []
    assert page.evaluate("localStorage.getItem('harbour:owner')") is None
    assert_nothing_readable(page)
    assert_logged_once(member, 2)


def test_the_kept_form_asks_to_sign_in_first_on_a_phone_nobody_signed_in_on(
    live_server, page, context
):
    page.goto(live_server.url + "/")
    controlled(page)
    context.set_offline(True)
    page.goto(live_server.url + "/diary/new/")
    expect(
        page.get_by_text("To log an episode without a connection, sign in on this phone")
    ).to_be_visible()
    expect(page.get_by_role("button", name="Save and see advice")).to_be_hidden()
    assert "harbour" not in str(page.evaluate("indexedDB.databases()"))


def test_a_worker_sends_the_queue_as_background_sync_does(
    live_server, no_worker_page, member_with_profile, password
):
    """What the service worker's "sync" handler runs: offline-queue.js in a worker, with no
    page, no DOM and no storage but IndexedDB."""
    page, member = no_worker_page, member_with_profile
    sign_in(page, live_server, member, password)
    ready_for_offline(page)
    page.context.set_offline(True)
    log(page, LIGHT, "lighthouse note 1")
    another(page)
    log(page, HEAVY, "lighthouse note 2")
    refused = refuse(page, "**/api/v1/episodes/sealed/")
    page.context.set_offline(False)
    until(page, lambda: refused)  # the page's own try, on the "online" event, has failed
    expect(page.get_by_role("status")).to_contain_text("2 entries waiting to be sent")
    page.unroute("**/api/v1/episodes/sealed/")

    script = page.evaluate("document.querySelector(\"script[src*='offline-queue']\").src")
    worker = f"""importScripts({script!r});
      HarbourQueue.sendAll().then(
        (result) => postMessage([result.sent.length, result.left.length]),
        (error) => postMessage(String(error)));"""
    page.route(
        "**/queue-worker.js",
        lambda route: route.fulfill(content_type="application/javascript", body=worker),
    )
    outcome = page.evaluate(
        """() => new Promise((done) => {
          new Worker("/queue-worker.js").onmessage = (event) => done(event.data);
        })"""
    )
    assert outcome == [2, 0]
    assert_logged_once(member, 2)
    # The page hears of it from the worker: nothing waits any more.
    expect(page.locator("[data-queue-status]")).to_be_empty()


def test_the_service_worker_sends_the_queue_on_background_sync(
    live_server, page, context, member_with_profile, password
):
    """The installed worker's own "sync" handler (templates/sw.js), fired as Chromium fires
    it when the connection returns, while the page itself cannot reach the server."""
    member = member_with_profile
    sign_in(page, live_server, member, password)
    controlled(page)
    ready_for_offline(page)
    context.set_offline(True)
    log(page, LIGHT, "lighthouse note 1")
    another(page)
    log(page, HEAVY, "lighthouse note 2")
    # The page's route, not the context's: only the page's own requests fail.
    refused = refuse(page, "**/api/v1/csrf/")
    context.set_offline(False)
    # Either the page's own try, on the "online" event, fails first, or Chromium fires the
    # sync it was asked for while offline as soon as the connection is back (its retry may
    # land after the emulated connection returns), and the worker has sent the entries
    # before the page tries. Only the worker can reach the server either way.
    until(page, lambda: refused or queued(page) == [])
    if queued(page):
        fire_sync(context, page, live_server)
    # The worker sent both, and told the page: the answer on screen is in the diary now.
    expect(page.get_by_text("Sent: it is in your diary now.")).to_be_visible(timeout=SENDING)
    expect(page.locator("[data-queue-status]")).to_be_empty()
    assert queued(page) == []
    assert_logged_once(member, 2)


def fire_sync(context, page, live_server):
    """Dispatch the "harbour-queue" sync event to the installed worker, as Chromium does."""
    devtools = context.new_cdp_session(page)
    registrations = []
    devtools.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda event: registrations.extend(
            r for r in event["registrations"] if r["scopeURL"] == live_server.url + "/"
        ),
    )
    devtools.send("ServiceWorker.enable")
    until(page, lambda: registrations)
    devtools.send(
        "ServiceWorker.dispatchSyncEvent",
        {
            "origin": live_server.url,
            "registrationId": registrations[0]["registrationId"],
            "tag": "harbour-queue",
            "lastChance": False,
        },
    )


def test_any_page_loaded_with_a_connection_sends_what_waits(
    live_server, no_worker_page, member_with_profile, password
):
    """Without Background Sync, and with the "online" event missed: the next page the person
    opens, a knowledge page too, sends the entries (static/js/send-queue.js)."""
    page, member = no_worker_page, member_with_profile
    sign_in(page, live_server, member, password)
    ready_for_offline(page)
    page.context.set_offline(True)
    log(page, MODERATE, "lighthouse note 1")
    page.route("**/api/v1/csrf/", lambda route: route.abort("internetdisconnected"))
    page.context.set_offline(False)
    expect(page.get_by_role("status")).to_contain_text("1 entry waiting to be sent")
    page.unroute("**/api/v1/csrf/")

    page.goto(live_server.url + "/learn/cervical-polyps/")
    until(page, lambda: Episode.objects.filter(owner=member).exists())
    until(page, lambda: queued(page) == [])
    assert_logged_once(member, 1)


def test_a_form_post_whose_answer_is_lost_is_kept_and_not_saved_twice(
    live_server, no_worker_page, member_with_profile, password
):
    """Online, the connection drops after the server saved the post: the form keeps the
    entry, with its advice, and sending it later finds the episode already there."""
    page, member = no_worker_page, member_with_profile
    sign_in(page, live_server, member, password)
    ready_for_offline(page)

    def lose_the_answer(route):
        if route.request.method != "POST":
            return route.continue_()
        route.fetch()  # saved by the server
        route.abort("connectionreset")

    page.route("**/diary/new/", lose_the_answer)
    page.route("**/api/v1/episodes/sealed/", lambda route: route.abort("connectionreset"))
    log(page, HEAVY, "lighthouse note")
    expect(page.locator("[data-offline-call] a")).to_have_attribute("href", "tel:999")
    expect(page.get_by_role("status")).to_contain_text("1 entry waiting to be sent")
    assert Episode.objects.count() == 1 and len(queued(page)) == 1
    page.unroute("**/diary/new/")
    page.unroute("**/api/v1/episodes/sealed/")

    page.evaluate("dispatchEvent(new Event('online'))")
    expect(page.get_by_text("Sent: it is in your diary now.")).to_be_visible(timeout=SENDING)
    assert queued(page) == []
    assert_logged_once(member, 1)
