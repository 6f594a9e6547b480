"""Site-wide middleware: time zone, no-store for private pages, CSRF with no-referrer."""

import zoneinfo

from django.conf import settings
from django.utils import timezone
from django.utils.cache import add_never_cache_headers

TIMEZONE_COOKIE = "tz"
# Everything under these paths is about a person or their health: never kept in a cache,
# the browser's back cache included.
PRIVATE_PREFIXES = ("/diary/", "/check/", "/accounts/", "/api/")


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
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith(PRIVATE_PREFIXES):
            add_never_cache_headers(response)
        return response


class NullOriginMiddleware:
    """Let Django's CSRF check read `Origin: null` the way browsers mean it here.

    With Referrer-Policy: no-referrer, browsers send `Origin: null` and no Referer on every
    form post, our own included, and Django's CSRF middleware would refuse them all. The
    browser's Sec-Fetch-Site header, which no page can forge, still tells our own pages from
    other sites: only when it says same-origin is the origin restored to our own. Any other
    null origin stays null and is refused; the CSRF token is checked as always.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        meta = request.META
        if meta.get("HTTP_ORIGIN") == "null" and meta.get("HTTP_SEC_FETCH_SITE") == "same-origin":
            meta["HTTP_ORIGIN"] = f"{request.scheme}://{request.get_host()}"
        return self.get_response(request)


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
