"""The installable app, seen from the server: the manifest and its icons, /sw.js with the
release in its cache names and the list of what it keeps, and the offline page.

What the worker does in a browser (offline pages, nothing personal kept, caches emptied on
the way out) is in tests/browser/test_pwa.py.
"""

import json
import os
import re
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.templatetags.static import static
from django.urls import NoReverseMatch, path, reverse

from knowledge.pages import all_pages
from pcb_site.settings import files_hash
from pcb_site.urls import urlpatterns as site_urlpatterns
from tests.helpers import REPO

pytestmark = pytest.mark.django_db


def offline_log_shell(request):
    return HttpResponse("<h1>Log form shell</h1>")


# The site once the diary offers its offline log form (@pytest.mark.urls(__name__)).
urlpatterns = [
    path("diary/offline-log/", offline_log_shell, name="diary_offline_log"),
    *site_urlpatterns,
]


def worker_constant(body, name):
    """The JSON value the view wrote into `const NAME = ...;`."""
    return json.loads(re.search(rf"^const {name} = (.*);$", body, re.M).group(1))


@pytest.fixture
def worker(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    return response.content.decode()


# --- /sw.js ----------------------------------------------------------------------------------


def test_the_worker_is_javascript_at_the_root_and_always_checked_for_updates(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/javascript"
    # Revalidated on every update check, never kept stale: a new release reaches phones.
    assert response["Cache-Control"] == "no-cache"
    assert "Service-Worker-Allowed" not in response  # at the root, its scope is "/" anyway


def test_cache_names_carry_the_release(client, settings):
    settings.RELEASE = "2026-11-25.3"
    body = client.get("/sw.js").content.decode()
    assert worker_constant(body, "RELEASE") == "2026-11-25.3"
    assert 'const STATIC = "harbour-" + RELEASE + "-" + LANGUAGE + "-static";' in body
    assert 'const PAGES = "harbour-" + RELEASE + "-" + LANGUAGE + "-pages";' in body


def test_each_language_has_a_worker_that_keeps_its_pages_in_it(client):
    """The page registers /sw.js?language=xx (static/js/register-sw.js): a reader who chose
    Russian on an English browser gets Russian pages offline, fetched with that language."""
    russian = client.get("/sw.js?language=ru", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert worker_constant(russian, "LANGUAGE") == "ru"
    assert "/api/v1/rules/?language=ru" in worker_constant(russian, "PRECACHE")
    assert 'headers: { "Accept-Language": ACCEPT_LANGUAGE }' in russian
    # Without a language named (an older page), the request's own; an unknown one is ignored.
    assert (
        worker_constant(
            client.get("/sw.js", HTTP_ACCEPT_LANGUAGE="ru").content.decode(), "LANGUAGE"
        )
        == "ru"
    )
    assert worker_constant(client.get("/sw.js?language=xx").content.decode(), "LANGUAGE") == "en"
    # What the worker keeps is in that language when fetched as it fetches: no cookie, the header.
    page = client.get("/learn/", HTTP_ACCEPT_LANGUAGE="ru")
    assert page["Content-Language"] == "ru"
    rules = client.get("/api/v1/rules/?language=ru", HTTP_ACCEPT_LANGUAGE="en").json()
    assert rules["language"] == "ru" and rules["levels"]["emergency"]["title"] == "Экстренно"


def test_the_release_is_by_default_a_digest_of_the_apps_files(tmp_path, monkeypatch):
    code = (
        "import pcb_site.settings as s; print(s.RELEASE); print(s.files_hash("
        "'pcb_site', 'knowledge', 'diary', 'templates', 'static', 'locale'))"
    )
    release, digest = run_settings(code).stdout.split()
    assert re.fullmatch(r"[0-9a-f]{12}", release)
    assert release == digest

    # Any changed file, and only a change, gives another release.
    monkeypatch.setattr("pcb_site.settings.BASE_DIR", tmp_path)
    (tmp_path / "static").mkdir()
    (tmp_path / "static" / "site.css").write_text("body { color: black; }")
    before = files_hash("static")
    assert files_hash("static") == before
    (tmp_path / "static" / "site.css").write_text("body { color: navy; }")
    assert files_hash("static") != before


def run_settings(code="import pcb_site.settings as s; print(s.RELEASE)", **env):
    clean = {k: v for k, v in os.environ.items() if k != "RELEASE"}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_release_can_be_set_and_a_bad_one_stops_the_app():
    assert run_settings(RELEASE="v42-abc").stdout.strip() == "v42-abc"
    bad = run_settings(RELEASE='x"; alert(1); "')
    assert bad.returncode != 0
    assert "RELEASE must be" in bad.stderr


def test_the_worker_keeps_the_app_shell_and_every_public_page(worker):
    kept = worker_constant(worker, "PRECACHE")
    scripts = sorted((REPO / "static" / "js").glob("*.js"))
    assert scripts
    for name in ["css/site.css", "icons/favicon.svg"] + [f"js/{p.name}" for p in scripts]:
        assert static(name) in kept, name
    for size in (192, 512):
        assert static(f"icons/icon-{size}.png") in kept
        assert static(f"icons/icon-maskable-{size}.png") in kept
    pages = [page.url for page in all_pages("en").values()]
    assert "/learn/when-to-get-help/" in pages and len(pages) >= 19
    for url in ["/", "/offline/", "/learn/", "/check/", "/api/v1/rules/?language=en", *pages]:
        assert url in kept, url
    # Hashed names from the static files' manifest, as pages link them.
    assert re.search(r"/static/css/site\.[0-9a-f]{12}\.css", " ".join(kept))


def test_no_private_page_is_kept(worker):
    kept = worker_constant(worker, "PRECACHE")
    private = [u for u in kept if u.startswith(("/diary/", "/accounts/", "/learn/search/"))]
    assert private == []
    assert [u for u in kept if u.startswith("/api/")] == ["/api/v1/rules/?language=en"]
    assert worker_constant(worker, "PRIVATE") == ["/diary/", "/check/", "/accounts/", "/api/",
                                                  "/learn/search/"]  # fmt: skip


def test_everything_kept_answers_a_visitor_without_cookies_directly(client, worker):
    # The worker fetches each with credentials "omit" and refuses a redirect or an error.
    for url in worker_constant(worker, "PRECACHE"):
        response = client.get(url)
        assert response.status_code == 200, url
        response.close()


def offline_log_url():
    """The diary's offline form: another part of the app, which may not be there yet."""
    try:
        return reverse("diary_offline_log")
    except NoReverseMatch:
        return None


def test_the_diary_offline_form_is_kept_only_if_the_diary_has_one(worker, client):
    assert worker_constant(worker, "OFFLINE_LOG") == offline_log_url()
    if offline_log_url() is None:
        assert "/diary/offline-log/" not in client.get("/offline/").content.decode()


@pytest.mark.urls(__name__)
def test_the_diary_offline_form_is_kept_once_the_diary_has_one(client):
    body = client.get("/sw.js").content.decode()
    assert worker_constant(body, "OFFLINE_LOG") == "/diary/offline-log/"
    assert worker_constant(body, "LOG") == "/diary/new/"
    assert "/diary/offline-log/" in client.get("/offline/").content.decode()


def test_the_worker_fits_its_budget(worker):
    # With js/triage.js it must stay within 15 KB compressed (tests/test_pwa_budget.py).
    assert len(zlib.compress(worker.encode(), 9)) <= 6 * 1024


# --- the manifest and its icons --------------------------------------------------------------


def png(path):
    """(width, height, rows of (r, g, b, a) pixels) of an 8-bit RGB or RGBA PNG."""
    data = Path(path).read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height, depth, colour = struct.unpack(">IIBB", data[16:26])
    assert depth == 8 and colour in (2, 6), (depth, colour)
    channels = 3 if colour == 2 else 4
    chunks, at = [], 8
    while at < len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        if data[at + 4 : at + 8] == b"IDAT":
            chunks.append(data[at + 8 : at + 8 + length])
        at += length + 12
    raw = zlib.decompress(b"".join(chunks))
    stride, rows, previous = width * channels, [], bytearray(width * channels)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up, corner = previous[i], previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 255
            elif kind == 2:
                line[i] = (line[i] + up) & 255
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 255
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                best = left if pa <= pb and pa <= pc else up if pb <= pc else corner
                line[i] = (line[i] + best) & 255
        rows.append([tuple(line[x : x + channels]) + (255,) * (4 - channels)
                     for x in range(0, stride, channels)])  # fmt: skip
        previous = line
    return width, height, rows


def icon_file(src):
    name = src.removeprefix(settings.STATIC_URL)
    return Path(settings.STATIC_ROOT) / name


def test_the_manifest_makes_an_installable_app(client):
    data = client.get("/manifest.webmanifest").json()
    assert data["id"] == "/" and data["start_url"] == "/" and data["scope"] == "/"
    assert data["display"] == "standalone"
    assert data["name"] == settings.SITE_NAME and data["lang"] == "en"
    assert data["description"]
    found = {(icon["sizes"], icon["purpose"]) for icon in data["icons"]}
    assert found == {(f"{s}x{s}", p) for s in (192, 512) for p in ("any", "maskable")}
    for icon in data["icons"]:
        assert icon["type"] == "image/png"
        header = icon_file(icon["src"]).read_bytes()[:24]
        assert header[:8] == b"\x89PNG\r\n\x1a\n", icon["src"]
        size = int(icon["sizes"].split("x")[0])
        assert struct.unpack(">II", header[16:24]) == (size, size), icon["src"]
    # No screenshots: an install sheet would show them to anyone looking at the phone.
    assert "screenshots" not in data


@pytest.mark.parametrize("size", [192, 512])
def test_the_maskable_icon_fills_the_square_and_keeps_its_drawing_in_the_safe_zone(size):
    width, height, rows = png(REPO / "static" / "icons" / f"icon-maskable-{size}.png")
    assert (width, height) == (size, size)
    background = rows[0][0]
    assert background[3] == 255  # full bleed: no transparent corner for a mask to show
    for corner in (rows[0][-1], rows[-1][0], rows[-1][-1]):
        assert corner == background
    # Every pixel of the drawing within the central circle of 80 % diameter (the mask
    # every launcher keeps), and the drawing is there.
    drawn, centre, limit = 0, (size - 1) / 2, 0.4 * size
    for y, row in enumerate(rows):
        for x, pixel in enumerate(row):
            if max(abs(a - b) for a, b in zip(pixel, background, strict=True)) > 16:
                drawn += 1
                assert ((x - centre) ** 2 + (y - centre) ** 2) ** 0.5 <= limit, (x, y)
    assert drawn > size * size // 50


# --- the offline page ------------------------------------------------------------------------


def test_the_offline_page_leads_to_help_and_what_works_offline(client):
    response = client.get("/offline/")
    assert response.status_code == 200
    html = response.content.decode()
    html = html[html.index("<main") :]
    order = [html.index(link) for link in (
        'href="/learn/when-to-get-help/"', 'href="tel:112"', 'href="/check/"', 'href="/learn/"',
    )]  # fmt: skip
    assert order == sorted(order)
    assert "Call 112 now" in html and "works offline" in html.lower()
    # The numbers the page's script chooses from, for the last country chosen on the phone.
    numbers = re.search(r'data-numbers="([^"]+)"', html).group(1).replace("&quot;", '"')
    assert json.loads(numbers)["GB"] == "999"
    assert 'data-label="Call {number} now"' in html


def test_the_offline_page_is_the_same_for_everyone(client, member):
    # Fetched once without cookies and kept: it sets none, and shows nothing of anyone.
    response = client.get("/offline/")
    assert response.status_code == 200
    assert not response.cookies
    assert "no-store" not in response.get("Cache-Control", "")
    client.force_login(member)
    assert member.username not in client.get("/offline/").content.decode()
