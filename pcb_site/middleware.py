"""Site-wide middleware: time zone, no-store for private pages, renewing a session's idle
timeout; the client's address."""

import time
import zoneinfo

from django.conf import settings
from django.utils import timezone
from django.utils.cache import add_never_cache_headers

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
