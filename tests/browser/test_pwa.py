"""The installable app in real Chromium: the service worker installs and controls the pages,
the public side opens without a connection, a diary address offline shows the offline page
with the emergency number, nothing personal is ever in a cache, and the ways out empty the
page caches.
"""

import datetime

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from playwright.sync_api import expect

from knowledge.pages import all_pages
from pcb_site.urls import urlpatterns as site_urlpatterns
from tests.helpers import CHROMIUM, CHROMIUM_ARGS, PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

USERNAME = "heron-lantern"
NOTE = "the quiet lighthouse keeper"
NEUTRAL = "https://www.bbc.co.uk/weather"
OFFLINE_HEADING = "There is no connection right now"


def offline_log_shell(request):
    return HttpResponse("<!doctype html><title>Harbour</title><h1>Log form shell</h1>")


# The site once the diary offers its offline log form (@pytest.mark.urls(__name__)).
urlpatterns = [
    path("diary/offline-log/", offline_log_shell, name="diary_offline_log"),
    *site_urlpatterns,
]


def wait_until(page, script, seconds=20):
    """Evaluate script until it is true. Not page.wait_for_function: its polling evaluates
    strings inside the page, which our CSP (no 'unsafe-eval') rightly refuses."""
    for _ in range(seconds * 10):
        if page.evaluate(script):
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"never true: {script}")


def controlled(page, url):
    """Open url and wait until the service worker has installed (everything it keeps is in
    its cache) and controls the page."""
    page.goto(url)
    # Set once the worker has activated and claimed the page (a failed install never does).
    wait_until(page, "navigator.serviceWorker.controller !== null")


CACHES = """async () => {
  const found = {};
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    found[name] = [];
    for (const request of await cache.keys()) {
      const response = await cache.match(request);
      found[name].push([request.url, await response.text()]);
    }
  }
  return found;
}"""


def page_entries(page):
    """What the runtime page caches hold: [(address, body)]."""
    found = page.evaluate(CACHES)
    return [entry for name, entries in found.items() if name.endswith("-pages")
            for entry in entries]  # fmt: skip


def read_anonymously(page, live_server):
    """Read knowledge pages without an account until the worker has kept a fresher copy of
    one in its page cache (the second visit is answered from the cache, and refreshed)."""
    controlled(page, live_server.url + "/learn/")
    for _ in range(2):
        page.goto(live_server.url + "/learn/cervical-polyps/")
    wait_until(
        page, """async () => (await caches.keys()).some((name) => name.endsWith("-pages"))"""
    )
    assert [url for url, _ in page_entries(page)] == [live_server.url + "/learn/cervical-polyps/"]


@pytest.fixture
def person(django_user_model):
    from diary.models import Episode, Profile

    user = django_user_model.objects.create_user(USERNAME, password=PASSWORD)
    Profile.objects.create(user=user, basics_offered=True)
    user.episode = Episode.objects.create(
        owner=user,
        occurred_at=timezone.now() - datetime.timedelta(hours=3),
        amount="light",
        notes=NOTE,
        assessment_level="routine",
        assessment_reasons=["unexplained_bleeding"],
        assessment_rules_version="1",
    )
    return user


def sign_in(page, live_server):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Username").fill(USERNAME)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Lock now")).to_be_visible()


def offline_log_url():
    try:
        return reverse("diary_offline_log")
    except NoReverseMatch:
        return None


def test_a_reader_who_switches_to_russian_reads_russian_offline(live_server, page, screenshot):
    """The browser asks for English; the reader chooses Russian. The worker kept the pages in
    English; the next page registers the Russian one (static/js/register-sw.js), which keeps
    them in Russian and takes the English copies away."""
    controlled(page, live_server.url + "/learn/")
    page.get_by_role("button", name="Русский").click()
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    wait_until(
        page,
        """async () => navigator.serviceWorker.controller
          && navigator.serviceWorker.controller.scriptURL.endsWith("/sw.js?language=ru")
          && (await caches.keys()).every((name) => !name.includes("-en-"))""",
    )
    page.context.set_offline(True)
    page.goto(live_server.url + "/learn/cervical-ectropion/")
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Эктопия шейки матки")
    page.goto(live_server.url + "/check/")
    expect(page.get_by_role("button", name="Показать результат")).to_be_visible()
    screenshot("offline-check-form-ru", full_page=False)


def test_the_worker_installs_and_controls_every_page(live_server, page):
    controlled(page, live_server.url + "/")
    registration = page.evaluate(
        """navigator.serviceWorker.ready.then((r) => [r.scope, r.active.scriptURL])"""
    )
    # The script names the page's language (static/js/register-sw.js).
    assert registration == [live_server.url + "/", live_server.url + "/sw.js?language=en"]
    page.reload()
    worker = page.evaluate("navigator.serviceWorker.controller.scriptURL")
    assert worker.endswith("/sw.js?language=en")
    page.goto(live_server.url + "/learn/")
    assert page.evaluate("navigator.serviceWorker.controller !== null")
    assert f"harbour-{settings.RELEASE}-en-static" in page.evaluate("caches.keys()")


def test_chromium_finds_the_app_installable(live_server, playwright, tmp_path):
    # A profile on disk, as a phone has: Chromium offers no install in a private window.
    context = playwright.chromium.launch_persistent_context(
        str(tmp_path / "profile"), executable_path=CHROMIUM, args=CHROMIUM_ARGS
    )
    page = context.new_page()
    controlled(page, live_server.url + "/")
    devtools = context.new_cdp_session(page)
    manifest = devtools.send("Page.getAppManifest")
    assert manifest["url"] == live_server.url + "/manifest.webmanifest"
    assert manifest["errors"] == []
    assert devtools.send("Page.getInstallabilityErrors")["installabilityErrors"] == []
    context.close()


def test_offline_every_public_page_opens_from_the_worker(live_server, page, context):
    controlled(page, live_server.url + "/")
    pages = [p.url for p in all_pages("en").values()]
    addresses = ["/", "/learn/", "/check/", "/offline/", "/privacy/", *pages]
    heading = page.get_by_role("heading", level=1)
    online = {}
    for address in addresses:
        page.goto(live_server.url + address)
        online[address] = heading.inner_text()

    context.set_offline(True)
    for address in addresses:
        response = page.goto(live_server.url + address)
        assert response.status == 200, address
        assert response.from_service_worker, address
        # The page itself, not the offline page standing in for it.
        expect(heading).to_have_text(online[address])
        # With its stylesheet, from the worker's cache too.
        assert page.evaluate("document.styleSheets[0].cssRules.length > 50"), address
    assert page.evaluate("fetch('/api/v1/rules/').then((r) => r.json())")["rules"]


def test_a_form_sent_with_no_connection_gets_the_offline_page(live_server, page, context):
    """A search typed on a kept page, or a sign-in, with no signal: the app's offline page
    (what works, and the emergency number), never the browser's error page."""
    controlled(page, live_server.url + "/learn/")
    context.set_offline(True)
    page.goto(live_server.url + "/learn/")
    page.get_by_label("Search the pages").fill("polyps")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name=OFFLINE_HEADING)).to_be_visible()
    expect(page.locator("main").get_by_role("link", name="When to get help")).to_be_visible()

    context.set_offline(False)
    page.goto(live_server.url + "/learn/")
    page.get_by_label("Search the pages").fill("polyps")
    page.get_by_role("button", name="Search").click()  # online again: answered as always
    expect(page.locator(".search-count")).to_contain_text("polyps")


def test_offline_a_diary_address_shows_the_offline_page_with_the_emergency_number(
    live_server, page, context, screenshot
):
    from tests.browser.test_accessibility import violations

    controlled(page, live_server.url + "/")
    context.set_offline(True)
    addresses = ["/diary/", "/accounts/", "/learn/search/", "/no-such-page/"]
    if offline_log_url() is None:
        addresses.append("/diary/new/")
    for address in addresses:
        response = page.goto(live_server.url + address)
        assert response.from_service_worker, address
        expect(page.get_by_role("heading", level=1)).to_have_text(OFFLINE_HEADING)
    expect(page).to_have_url(live_server.url + addresses[-1])
    call = page.get_by_role("link", name="Call 112 now")
    expect(call).to_have_attribute("href", "tel:112")
    help_link = page.get_by_role("link", name="When to get help").first
    expect(help_link).to_have_attribute("href", "/learn/when-to-get-help/")
    assert violations(page) == []
    screenshot("pwa-offline-page")
    for target in (call, help_link, page.get_by_role("link", name="Try again")):
        box = target.bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44, target

    # The offline self-check remembers the country; the kept page then shows its number.
    page.evaluate("localStorage.setItem('harbour:country', 'GB')")
    page.reload()
    call = page.get_by_role("link", name="Call 999 now")
    expect(call).to_have_attribute("href", "tel:999")
    screenshot("pwa-offline-page-gb", full_page=False)

    help_link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("When to get help")


@pytest.mark.urls(__name__)
def test_offline_the_log_form_falls_back_to_the_diarys_kept_shell(live_server, page, context):
    controlled(page, live_server.url + "/")
    context.set_offline(True)
    page.goto(live_server.url + "/diary/new/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Log form shell")
    page.goto(live_server.url + "/diary/")
    expect(page.get_by_role("heading", level=1)).to_have_text(OFFLINE_HEADING)
    page.get_by_role("link", name="Add to your diary").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log form shell")


def test_signed_in_pages_come_from_the_server_and_nothing_personal_is_kept(
    live_server, page, person
):
    read_anonymously(page, live_server)
    sign_in(page, live_server)
    episode = f"/diary/{person.episode.pk}/"
    for address in ("/diary/", episode, "/diary/new/", "/accounts/", "/learn/cervical-polyps/"):
        page.goto(live_server.url + address)
        # The server's own page, for this person: never the copy kept for anyone.
        expect(page.get_by_role("button", name="Lock now")).to_be_visible()
    page.goto(live_server.url + episode)
    expect(page.locator(".notes")).to_have_text(NOTE)
    page.goto(live_server.url + "/learn/")

    kept = page.evaluate(CACHES)
    assert kept and all(name.startswith("harbour-") for name in kept)
    for name, entries in kept.items():
        for url, body in entries:
            address = url.removeprefix(live_server.url)
            assert not address.startswith(("/diary/", "/accounts/")) or address == offline_log_url()
            assert not address.startswith("/api/") or address == "/api/v1/rules/?language=en"
            # The header's lock form is only on a page made for a signed-in person.
            for private in (USERNAME, NOTE, 'action="/accounts/lock/"', str(person.episode.pk)):
                assert private not in body, (name, address, private)


def leave_by_lock(page, live_server):
    page.get_by_role("button", name="Lock now").click()
    expect(page).to_have_url(live_server.url + "/accounts/login/")


def leave_by_logging_out(page, live_server):
    page.goto(live_server.url + "/accounts/")
    page.get_by_role("button", name="Log out").click()
    expect(
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Log in")
    ).to_be_visible()


def leave_quickly(page, live_server):
    page.route(NEUTRAL + "**", lambda route: route.fulfill(content_type="text/html", body="ok"))
    page.get_by_role("link", name="Leave quickly").click()
    expect(page).to_have_url(NEUTRAL)
    page.goto(live_server.url + "/privacy/")


@pytest.mark.parametrize("leave", [leave_by_lock, leave_by_logging_out, leave_quickly])
def test_the_ways_out_empty_the_page_caches(live_server, page, person, leave):
    read_anonymously(page, live_server)
    sign_in(page, live_server)
    page.goto(live_server.url + "/diary/")
    leave(page, live_server)
    wait_until(
        page, """async () => !(await caches.keys()).some((name) => name.endsWith("-pages"))""", 5
    )
    # The install-time cache stays: the app still opens without a connection.
    kept = page.evaluate(CACHES)
    assert len(kept[f"harbour-{settings.RELEASE}-en-static"]) > 30


UPDATE = """async () => {
  const registration = await navigator.serviceWorker.getRegistration();
  await registration.update();
  const worker = registration.installing || registration.waiting;
  if (!worker) {
    return "no new worker";
  }
  return new Promise((resolve) => {
    const settle = () => ["activated", "redundant"].includes(worker.state) && resolve(worker.state);
    worker.addEventListener("statechange", settle);
    settle();
    setTimeout(() => resolve("still " + worker.state), 20000);
  });
}"""


def test_a_new_release_replaces_the_old_caches_only_once_it_is_complete(
    live_server, page, settings, monkeypatch
):
    from pcb_site import views

    settings.RELEASE = "one"
    controlled(page, live_server.url + "/")
    page.evaluate("caches.open('harbour-one-en-pages').then((c) => c.put('/x', new Response('x')))")
    page.evaluate("caches.open('not-ours').then((c) => c.put('/y', new Response('y')))")

    # A release whose files cannot all be fetched never installs: the old one keeps serving.
    settings.RELEASE = "two"
    keep = views.precache_urls
    monkeypatch.setattr(views, "precache_urls", lambda: [*keep(), "/no-such-page/"])
    assert page.evaluate(UPDATE) == "redundant"
    assert sorted(page.evaluate("caches.keys()")) == [
        "harbour-one-en-pages", "harbour-one-en-static", "not-ours",
    ]  # fmt: skip

    monkeypatch.setattr(views, "precache_urls", keep)
    settings.RELEASE = "three"
    assert page.evaluate(UPDATE) == "activated"
    assert sorted(page.evaluate("caches.keys()")) == ["harbour-three-en-static", "not-ours"]
    page.reload()
    assert page.evaluate("navigator.serviceWorker.controller !== null")
    assert "harbour-three-en-static" in page.evaluate(CACHES)


# A home screen of icons drawn from the manifest as the phones draw them: iOS rounds the
# apple-touch-icon's corners; Android cuts the maskable icon to its launcher's shape (a circle,
# a rounded square, a teardrop). Each maskable icon is read pixel by pixel: it must fill its
# whole square (no transparent corner for a mask to show) and keep its mark within the safe
# zone, the central circle of 80% the width that every mask keeps.
HOME_SCREEN = """async (manifest) => {
  const pixels = async (src) => {
    const image = new Image();
    image.src = src;
    await image.decode();
    const canvas = document.createElement("canvas");
    canvas.width = image.naturalWidth;
    canvas.height = image.naturalHeight;
    const context = canvas.getContext("2d");
    context.drawImage(image, 0, 0);
    const data = context.getImageData(0, 0, canvas.width, canvas.height).data;
    const size = canvas.width;
    const at = (x, y) => data.slice((y * size + x) * 4, (y * size + x) * 4 + 4);
    const corner = at(0, 0);
    let outsideSafeZone = 0;
    for (let y = 0; y < size; y += 2) {
      for (let x = 0; x < size; x += 2) {
        const r = Math.hypot(x - size / 2, y - size / 2);
        const p = at(x, y);
        const differs = [0, 1, 2].some((i) => Math.abs(p[i] - corner[i]) > 24);
        if (r > size * 0.4 && differs) outsideSafeZone += 1;
      }
    }
    const opaque = corner[3] === 255 && at(size - 1, size - 1)[3] === 255;
    return { size, opaque, outsideSafeZone };
  };
  const found = {};
  for (const icon of manifest.icons) {
    found[icon.purpose + " " + icon.sizes] = await pixels(icon.src);
  }
  const shapes = [["iOS", "any", "22%"], ["Android, circle", "maskable", "50%"],
                  ["Android, rounded square", "maskable", "18%"],
                  ["Android, teardrop", "maskable", "50% 50% 50% 8%"]];
  const screen = document.createElement("main");
  screen.style.cssText = "display:grid;grid-template-columns:repeat(2,1fr);gap:32px;padding:32px;" +
    "background:#3b4a5a;font:14px system-ui;color:white;text-align:center;min-height:100vh;" +
    "box-sizing:border-box;align-content:start";
  for (const [label, purpose, radius] of shapes) {
    const icon = manifest.icons.find((i) => i.purpose === purpose && i.sizes === "192x192");
    const figure = document.createElement("figure");
    figure.style.margin = "0";
    // Styles through the CSSOM: the page's CSP refuses style attributes in markup.
    figure.innerHTML = `<img alt="" width="96" height="96">` +
      `<figcaption><strong></strong><br><span></span></figcaption>`;
    figure.querySelector("img").style.borderRadius = radius;
    figure.querySelector("figcaption").style.marginTop = "8px";
    figure.querySelector("img").src = icon.src;
    figure.querySelector("strong").textContent = manifest.short_name;
    figure.querySelector("span").textContent = label;
    screen.append(figure);
  }
  document.body.replaceChildren(screen);
  document.body.style.margin = "0";
  await Promise.all([...document.images].map((image) => image.decode()));
  return found;
}"""


def test_the_home_screen_icons_as_phones_draw_them(live_server, page, screenshot):
    page.goto(live_server.url + "/offline/")
    manifest = page.evaluate("fetch('/manifest.webmanifest').then((r) => r.json())")
    # The page's CSP allows images from its own origin; the drawing happens in the page.
    found = page.evaluate(HOME_SCREEN, manifest)
    for purpose in ("any", "maskable"):
        for size in (192, 512):
            assert found[f"{purpose} {size}x{size}"]["size"] == size
    for size in (192, 512):
        maskable = found[f"maskable {size}x{size}"]
        assert maskable["opaque"], "a mask would show a transparent corner"
        assert maskable["outsideSafeZone"] == 0, "the mark reaches past the safe zone"
    screenshot("install-home-screen-icons")
