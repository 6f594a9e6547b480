"""A posted form handed to the plain visit that answers it: POST, redirect, GET.

A page sent in answer to a POST keeps the posted fields with its history entry: Chromium
writes them to its session files on disk (for session restore), and Back or Reload offers to
send them again. A script that replaces the entry at once (history.replaceState) loses a race
with the session writer now and then. So the search and the self-check take the POST, keep
its fields for one visit in a cookie encrypted with a key only the server holds, and redirect
to the same address; the GET that follows reads the cookie, deletes it and answers. The tab's
history then holds a plain visit: no words in the session files, and Reload shows the empty
form. On the device the fields exist only encrypted, for seconds; on the server, never.
"""

import base64
import json

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.http import HttpResponseRedirect, QueryDict
from django.utils.crypto import salted_hmac

COOKIE = "handover"
# From the POST's answer to the GET it redirects to: one round trip, on a slow connection a
# few seconds. Longer than that, and a stale cookie (a redirect never followed) is ignored.
SECONDS = 120
# A cookie holds about 4 KB, and this much encrypted stays under it. The forms' own
# answers are a few hundred bytes (the self-check's longest is 31 short codes); what is
# beyond this is not a person's and is dropped.
MAX_BYTES = 2500
MAX_VALUE_LENGTH = 100


def _fernet():
    # Derived from SECRET_KEY: nothing more to configure, and rotating the key only drops the
    # handovers in flight.
    key = salted_hmac("knowledge.handover", "fernet", algorithm="sha256").digest()
    return Fernet(base64.urlsafe_b64encode(key))


def from_elsewhere(request):
    """Whether the browser says the form was posted from another site. The search and the
    self-check change nothing and keep no CSRF token (a copy of the self-check kept offline
    would hold a stale one), so this is what stops another site from planting an answer
    that this site would then show. A browser sends Sec-Fetch-Site, or at least Origin,
    with every POST; a client that sends neither is not a page on another site."""
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None:
        return site not in ("same-origin", "none")
    origin = request.headers.get("Origin")
    if origin is None:
        return False
    ours = f"{request.scheme}://{request.get_host()}"
    return origin != ours and origin not in settings.CSRF_TRUSTED_ORIGINS


def hand_over(request, fields):
    """Redirect to the same address, carrying `fields` (names of the POST to keep); a form
    posted from another site gets the empty form."""
    response = HttpResponseRedirect(request.path, status=303)
    if from_elsewhere(request):
        return response
    pairs, size = [], 2
    for name in fields:
        for value in request.POST.getlist(name):
            pair = [name, value[:MAX_VALUE_LENGTH]]
            size += len(json.dumps(pair).encode()) + 1
            if size > MAX_BYTES:
                break
            pairs.append(pair)
    token = _fernet().encrypt(json.dumps(pairs).encode()).decode()
    response.set_cookie(
        COOKIE,
        token,
        path=request.path,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Strict",
    )
    return response


def take(request):
    """The fields handed over to this visit as a QueryDict, or None (a plain visit, or a
    handover too old or not made by this server)."""
    token = request.COOKIES.get(COOKIE)
    if not token:
        return None
    try:
        pairs = json.loads(_fernet().decrypt(token.encode(), ttl=SECONDS))
    except (InvalidToken, ValueError):
        return None
    posted = QueryDict(mutable=True)
    for name, value in pairs:
        posted.appendlist(name, value)
    return posted


def forget(request, response):
    """Delete the cookie with the answer that read it: a handover is read once."""
    if COOKIE in request.COOKIES:
        response.delete_cookie(COOKIE, path=request.path, samesite="Strict")
    return response
