"""Finished public pages, kept in each app server's memory for people who are not signed in.

A knowledge page, the home page, the privacy page or the empty self-check is the same for
every visitor who is not signed in and reads in the same language, from the same country.
Rendering one took 1 to 24 ms of a worker's time (issue 17); sending a finished copy takes a
small fraction of that. Redis would be shared, but a round trip and the whole middleware
stack per hit kept it below half of a static file's speed.

What keeps this safe:
- Only views that say so (`@same_for_everyone`, or `share(response)` for one answer of a
  view) are kept, and only for a GET with no query other than ?country=XX.
- Only for a request with no cookie but the harmless ones in HARMLESS_COOKIES: no session
  (nobody signed in, not even an expired session), no self-check answers on their way, no
  message. A response that sets a cookie, used a CSRF token, is not a 200 or varies on a
  header the key leaves out is never kept.
- The key holds everything such a page varies on: host, scheme, path, country asked for,
  language, and the country the browser's language names. Not the time zone: none of these
  pages shows a date or a time (tests/test_page_cache.py renders each in two zones a day
  apart and holds them identical), and a key per zone kept a copy of every page for each.
  A page that comes to show a time must put the tz cookie back in the key.
- In memory, per process: a deploy starts new processes, so no copy outlives the code or
  the content that made it; each copy lives PAGE_CACHE_SECONDS at most, and changing a
  setting (tests do) empties the cache.
"""

import functools
import hashlib
import re

from django.conf import settings
from django.core.cache.backends.locmem import LocMemCache
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpResponse
from django.utils.cache import cc_delim_re
from django.utils.translation import get_language_from_request

from knowledge.care import country_from_language

# Cookies that a page for someone not signed in may be rendered with: the time zone
# (static/js/timezone.js; no kept page shows a time), the language (in the key, through
# get_language_from_request) and Django's CSRF cookie (a kept page holds no token).
HARMLESS_COOKIES = frozenset({"tz", settings.LANGUAGE_COOKIE_NAME, settings.CSRF_COOKIE_NAME})
# The headers a kept page may vary on: the key accounts for both.
KEYED_VARY = frozenset({"cookie", "accept-language"})
COUNTRY_QUERY = re.compile(r"\Acountry=[A-Za-z]{2}\Z")
SHARE = "_same_for_everyone"
STATIC_PREFIX = "/" + settings.STATIC_URL.lstrip("/")

# Django's own local-memory cache: thread-safe, least recently used out first, with an expiry.
_pages = LocMemCache("pcb_site.page_cache", {"OPTIONS": {"MAX_ENTRIES": 500}})


def same_for_everyone(view):
    """Marks a view whose page, for someone not signed in, depends on nothing but what the
    key holds (see the module's docstring)."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        return share(view(request, *args, **kwargs))

    return wrapper


def share(response):
    setattr(response, SHARE, True)
    return response


def clear():
    _pages.clear()


@receiver(setting_changed)
def _setting_changed(**kwargs):
    clear()


def _key(request):
    """None when this request must not be answered from, or kept in, the cache."""
    if request.method != "GET" or not settings.PAGE_CACHE_SECONDS:
        return None
    if request.path.startswith(STATIC_PREFIX):
        return None  # WhiteNoise's, further in: as fast as it was without this
    if not HARMLESS_COOKIES.issuperset(request.COOKIES):
        return None
    query = request.META.get("QUERY_STRING", "")
    if query and not COUNTRY_QUERY.match(query):
        return None
    # The Host header as sent, not validated: a page is kept only after the view answered
    # 200, which an unknown host never gets (CommonMiddleware refuses it), so an unknown host
    # finds nothing kept under its name.
    host = request.META.get("HTTP_HOST") or request.META.get("SERVER_NAME", "")
    parts = "\n".join(
        [
            host,
            request.scheme,
            request.path,
            query.upper(),
            get_language_from_request(request),
            country_from_language(request.headers.get("Accept-Language", "")) or "",
        ]
    )
    # Hashed: a path may hold spaces, which a cache key must not.
    return hashlib.sha256(parts.encode()).hexdigest()


def _keepable(request, response):
    if not getattr(response, SHARE, False) or response.status_code != 200:
        return False
    if response.streaming or response.cookies or request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return False
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return False
    vary = {v.strip().lower() for v in cc_delim_re.split(response.get("Vary", "")) if v.strip()}
    return vary <= KEYED_VARY


class PageCacheMiddleware:
    """Answers from, and fills, the cache above. It stands first in settings.MIDDLEWARE: a
    kept copy carries every header the rest of the stack gave it (security, CSP, no-store,
    language), and the key holds the host and the scheme, so a request over plain HTTP
    (redirected to HTTPS in production, never a 200) never finds a page kept for HTTPS."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = _key(request)
        if key is not None:
            kept = _pages.get(key)
            if kept is not None:
                content, headers = kept
                return HttpResponse(content, headers=headers)
        response = self.get_response(request)
        if key is not None and _keepable(request, response):
            _pages.set(key, (response.content, dict(response.items())), settings.PAGE_CACHE_SECONDS)
        return response
