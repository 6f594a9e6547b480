"""Site-wide middleware: time zone, no-store for private pages, renewing a session's idle
timeout, a calm 503 while the database cannot be reached; the client's address."""

import json
import logging
import sys
import time
import zoneinfo

from django.conf import settings
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext

from knowledge.care import country_from_language
from knowledge.emergency import COUNTRY_CODES, emergency_number

logger = logging.getLogger(__name__)

TIMEZONE_COOKIE = "tz"
# Everything under these paths is about a person or their health (a search too: its
# results page repeats the words): never kept in a cache, the browser's back cache included.
PRIVATE_PREFIXES = ("/diary/", "/check/", "/accounts/", "/api/", "/learn/search/")


class TimezoneMiddleware:
    """Show and read times in the person's own time zone.

    static/js/timezone.js stores the browser's IANA zone name in a cookie; without it (no
    JavaScript yet) times are in UTC. Only a known zone name is accepted.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        name = request.COOKIES.get(TIMEZONE_COOKIE, "")
        try:
            timezone.activate(zoneinfo.ZoneInfo(name)) if name else timezone.deactivate()
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            timezone.deactivate()
        return self.get_response(request)


class NoStoreMiddleware:
    """Keep out of every cache the pages under PRIVATE_PREFIXES and every response for a
    signed-in person, whatever the page: a knowledge page read while signed in, kept in the
    browser's cache, would tell whoever holds the phone what its owner read, and its header
    that they have a diary.

    It stands before AuthenticationMiddleware in settings.MIDDLEWARE, so request.user is set
    by the time the response comes back through here, unless a middleware in between
    answered before it ran (CommonMiddleware's PREPEND_WWW redirect): such an answer shows
    nobody's page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if signed_in or request.path.startswith(PRIVATE_PREFIXES):
            add_never_cache_headers(response)
        return response


# Where a session keeps when its idle timeout was last renewed (Unix seconds).
RENEWED_AT = "_renewed_at"


class SessionRenewalMiddleware:
    """Renew a session's idle timeout (SESSION_COOKIE_AGE) at most once every
    SESSION_RENEW_SECONDS, instead of writing the session on every request: saving it each
    time was a quarter of a signed-in page's cost (issue 17). The session then ends between
    SESSION_RENEW_SECONDS before and exactly SESSION_COOKIE_AGE after the last request,
    never later, which keeps the Privacy page's promise.

    It stands right after SessionMiddleware, which saves the session, with a fresh expiry
    and cookie, when this marks it modified.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or session.session_key is None:
            return response  # no session, or it has just been flushed (sign-out, lock)
        now = int(time.time())
        if session.modified or now - session.get(RENEWED_AT, 0) >= settings.SESSION_RENEW_SECONDS:
            session[RENEWED_AT] = now
        return response


def client_ip(request):
    """The client's address, for lockouts: X-Forwarded-For only as far as our own proxies
    (NUM_PROXIES) vouch for it, so a forged header cannot dodge a lockout."""
    proxies = settings.NUM_PROXIES
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR")


# What Django raises when the database cannot be reached: refused or dropped connections, a
# server shutting down or starting up (OperationalError), a connection already closed
# (InterfaceError). Other OperationalErrors (a deadlock, a statement timeout) pass too, and
# trying again later is the right answer to them as well.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
# The page says "try again in a minute".
RETRY_AFTER_SECONDS = 60
# Marks a request whose handling met DATABASE_UNAVAILABLE somewhere Django has already turned
# into its 500 (see DatabaseUnavailableMiddleware).
UNAVAILABLE = "database_unavailable"


class DatabaseUnavailableMiddleware:
    """Answer 503 with a calm page (a JSON body under /api/) and Retry-After, instead of
    Django's 500, while the database cannot be reached: restarting, failing over, out of
    connections. People come here worried; the page says their diary is safe, to try again
    in a minute, and shows the emergency number.

    Nothing else is needed to recover (DATABASES in settings): a connection that failed is
    closed at the end of its request, one that broke while idle fails its health check
    before it is used, and the first request after the database is back opens a new one.

    A view's error comes to process_exception. An error in another middleware (the session
    read or saved on the way out) has already become Django's 500 when the response comes
    back here: got_request_exception, sent as Django makes that 500, marks the request, and
    __call__ answers the 503 instead. So it stands outside SessionMiddleware and
    AuthenticationMiddleware in settings.MIDDLEWARE, and inside the middleware that adds the
    security headers (CSP), which the 503 gets too.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        got_request_exception.connect(_mark_unavailable, dispatch_uid=UNAVAILABLE)

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 500 and getattr(request, UNAVAILABLE, False):
            return database_unavailable(request)
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_UNAVAILABLE):
            _warn(exception)
            return database_unavailable(request)
        return None


def _mark_unavailable(sender, request=None, **kwargs):
    # Sent from inside Django's `except`: the error being handled is the current one.
    error = sys.exc_info()[1]
    if request is not None and isinstance(error, DATABASE_UNAVAILABLE):
        _warn(error)
        setattr(request, UNAVAILABLE, True)


_warned_at = None


def _warn(error):
    """One warning a minute per process while it lasts: Django's own log already has a line
    for each 503 ("Service Unavailable: <path>"). The class only: the message names the
    server, and could name more."""
    global _warned_at
    now = time.monotonic()
    if _warned_at is None or now - _warned_at >= RETRY_AFTER_SECONDS:
        _warned_at = now
        logger.warning("The database cannot be reached (%s): answering 503.", type(error).__name__)


def database_unavailable(request):
    """The 503 itself. Rendered without the request, so that nothing on the page (the
    signed-in header, a context processor) reaches for the database again."""
    response: HttpResponse
    if request.path.startswith("/api/"):
        message = gettext(
            "The service is unavailable for a moment. Nothing already saved is lost. "
            "Please try again in a minute."
        )
        response = JsonResponse({"detail": message}, status=503)
    else:
        response = HttpResponse(_calm_page(request), status=503)
        # The middleware that adds this to other pages stands inside this one.
        response["X-Frame-Options"] = "DENY"
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


def _calm_page(request):
    # The emergency number as the offline page shows it: for the country asked for or the
    # one the browser's language names (no saved profile: that is in the database), then
    # static/js/offline-page.js shows the last country chosen on this phone.
    asked = request.GET.get("country", "").strip().upper()
    country = (
        asked
        if asked in COUNTRY_CODES
        else country_from_language(request.headers.get("Accept-Language", ""))
    )
    context = {
        "brand_name": settings.SITE_NAME,
        "discreet_titles": settings.DISCREET_TITLES,
        "quick_exit_url": settings.QUICK_EXIT_URL,
        "number": emergency_number(country),
        "numbers": json.dumps(
            {code: emergency_number(code) for code in COUNTRY_CODES}, separators=(",", ":")
        ),
    }
    try:
        return render_to_string("503.html", context)
    except Exception:
        # Whatever broke the page too, the answer stays a calm one.
        return gettext("We cannot open this page right now. Please try again in a minute.")
