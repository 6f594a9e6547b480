"""Site-wide pages: home, the health probe, the error pages, and what makes the site an
installable app that opens offline: the manifest, the service worker and the offline page."""

import json
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.templatetags.static import static
from django.urls import NoReverseMatch, reverse
from django.utils.translation import get_language, gettext, override

from knowledge.api import LANGUAGE_CODES
from knowledge.care import care_card, country_from_request
from knowledge.emergency import COUNTRY_CODES, emergency_number
from knowledge.pages import all_pages, current_language
from pcb_site.middleware import PRIVATE_PREFIXES
from pcb_site.page_cache import same_for_everyone


@same_for_everyone
def home(request):
    country = country_from_request(request, from_language=True)
    return render(request, "home.html", {"card": care_card("emergency", country)})


def health(request):
    """For the load balancer: answers only when this server can reach its database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@same_for_everyone
def privacy(request):
    context = {"idle_minutes": settings.SESSION_IDLE_MINUTES, "token_days": settings.API_TOKEN_DAYS}
    return render(request, "privacy.html", context)


# The home-screen icons: "any" for places that show the picture as it is, "maskable" (a
# full-bleed square with the wave inside the central 80 %) for launchers that cut their own
# shape. static/icons/icon-maskable.svg is the source of the maskable PNGs.
ICONS = [
    (f"icons/{name}-{size}.png", size, purpose)
    for name, purpose in (("icon", "any"), ("icon-maskable", "maskable"))
    for size in (192, 512)
]


def manifest(request):
    """The web app manifest, with the neutral name and icon, as a home screen shows them.

    No screenshots: Chrome's richer install sheet would show them to whoever looks at the
    phone at that moment, and every real screen of the app names its subject."""
    data = {
        "id": "/",
        "name": settings.SITE_NAME,
        "short_name": settings.SITE_NAME,
        # Neutral like the name: an install sheet and an app list show it.
        "description": gettext("A private place to read, check and keep notes, even offline."),
        "lang": get_language() or settings.LANGUAGE_CODE,
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#f6f5f2",
        "theme_color": "#15425f",
        "icons": [
            {
                "src": static(path),
                "sizes": f"{size}x{size}",
                "type": "image/png",
                "purpose": purpose,
            }
            for path, size, purpose in ICONS
        ],
    }
    return JsonResponse(data, content_type="application/manifest+json")


def offline(request):
    """What the service worker shows when a page cannot load: kept in its cache, fetched
    without cookies, so it is the same for everyone and shows the default emergency number
    until static/js/offline-page.js swaps in the last country the person chose."""
    numbers = {code: emergency_number(code) for code in COUNTRY_CODES}
    context = {
        "number": emergency_number(None),
        "numbers": json.dumps(numbers, separators=(",", ":")),
        "offline_log_url": _offline_log_url(),
    }
    return render(request, "offline.html", context)


def _offline_log_url():
    """The diary's log form for use without a connection, once the diary offers one."""
    try:
        return reverse("diary_offline_log")
    except NoReverseMatch:
        return None


def precache_urls():
    """What the service worker keeps for this release, fetched without cookies, so that the
    app opens and reads without a connection: the stylesheet, every script, the icons, the
    public pages, the self-check with its rule table, and the offline page. The self-check,
    the rule table and the diary's offline form are no-store (their prefix is), but fetched
    without a session they hold nothing about anyone. The diary's form is kept apart: it is
    another app's page, and the worker installs without it if it cannot be fetched."""
    scripts = sorted(p.name for p in (Path(settings.BASE_DIR) / "static" / "js").glob("*.js"))
    files = ["css/site.css", "icons/favicon.svg"]
    files += [f"js/{name}" for name in scripts] + [path for path, _, _ in ICONS]
    urls = []
    for name in files:
        try:
            urls.append(static(name))
        except ValueError:
            # Added since the last collectstatic: not served yet, so not kept either.
            continue
    language = current_language()
    urls += [reverse(name) for name in ("home", "offline", "privacy", "learn", "check")]
    urls += [page.url for page in all_pages(language).values()]
    # As templates/knowledge/check.html asks for it.
    urls.append(f"{reverse('api_rules')}?language={language}")
    return urls


def service_worker(request):
    """The service worker, at the root so that its scope is the whole site (templates/sw.js).

    no-cache: the browser asks for it again on every check for updates, and a new RELEASE
    installs new caches."""
    # The page that registers the worker names its language (static/js/register-sw.js): the
    # worker fetches without cookies, so it asks for that language itself.
    asked = request.GET.get("language", "")
    language = asked if asked in LANGUAGE_CODES else current_language()
    with override(language):
        precache = precache_urls()
    values = {
        "release": settings.RELEASE,
        "language": language,
        "precache": precache,
        "static_url": settings.STATIC_URL,
        "offline": reverse("offline"),
        "rules": reverse("api_rules"),
        "log": reverse("diary_log"),
        "offline_log": _offline_log_url(),
        # The offline queue, for Background Sync: only where the diary has its offline form.
        "queue_script": static("js/offline-queue.js") if _offline_log_url() else None,
        "private": PRIVATE_PREFIXES,
    }
    context = {name: json.dumps(value) for name, value in values.items()}
    response = HttpResponse(
        loader.render_to_string("sw.js", context), content_type="application/javascript"
    )
    response["Cache-Control"] = "no-cache"
    return response


def csrf_failure(request, reason=""):
    """A calm 403 for a form that was open too long or did not come from our own page."""
    return render(request, "403_csrf.html", status=403)


def page_not_found(request, exception):
    # The exception text can echo the path, which may hold health words: never show it.
    return render(request, "404.html", status=404)


def server_error(request):
    # Rendered without a context so that a broken context processor cannot cause a second error.
    try:
        return HttpResponseServerError(loader.get_template("500.html").render())
    except Exception:
        return HttpResponse("Something went wrong on our side. Please try again.", status=500)
