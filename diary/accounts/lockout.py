"""Lockout after repeated sign-in attempts that did not work, per account and per client.

Every attempt, with a password (the sign-in page, the API's token) or a recovery code, is
counted before it is checked, in the cache (Redis when there are several app servers):
cache.add starts a count and cache.incr adds to it, each atomic, so however many attempts
arrive together on however many servers, at most LOGIN_FAILURE_LIMIT of them are checked
per account and per client while a lockout lasts. (django-axes, used before this, checked
first and recorded the failure after the slow password hash, by reading the count and
writing it back: attempts sent together were all checked.)

An attempt past the limit is refused with the locked-out page (429) and nothing is checked;
an attempt that is checked gets its ordinary answer, so every answer that is not a 429 is
one check. A count lasts LOGIN_LOCKOUT after the latest attempt.

A success forgives the attempts its own client made on that account (a person mistyping,
then getting it right), on the account's count and on the client's, and nothing else:
guesses from elsewhere stay counted, even when the owner signs in among them, and signing in
to one's own account does not clear a client's guesses at other accounts.
"""

import contextlib
import math
import unicodedata

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.shortcuts import render
from django.utils.crypto import salted_hmac

from pcb_site.rate_limits import client

# Marks a request whose attempt the lockout refused (see was_refused).
REFUSED = "lockout_refused"


def normalise_username(username):
    """A username as the lockout counts it when no account has it: as Django's forms read
    it (NFKC), without spaces around it, case folded."""
    return unicodedata.normalize("NFKC", username or "").strip().casefold()


def find_account(username):
    """The account a typed username reaches, whatever its case (Robin, robin, ROBIN).

    Sign-in (diary/accounts/backends.py) and the lockout both find it here, so typing the
    name another way reaches the same account and the same count. The database holds at
    most one (accounts migration 0003: unique whatever the case).
    """
    name = unicodedata.normalize("NFKC", username or "").strip()
    if not name:
        return None
    accounts = get_user_model()._default_manager.filter(username__iexact=name)
    return accounts.order_by("pk").first()


def count_attempt(request, username):
    """Count an attempt to sign in as `username` before it is checked (see Attempt)."""
    return Attempt(request, username)


class Attempt:
    """One attempt, counted for its client, its account, and the two together. `allowed`
    is False when the client or the account is past the limit: then check nothing."""

    def __init__(self, request, username):
        address = client(request) if request is not None else ""
        account = _account(username)
        self.client_key = _key("client", address) if address else None
        self.account_key = _key("account", account) if account else None
        self.pair_key = _key("pair", f"{account} {address}") if account else None
        self.own = 0  # this client's attempts on this account, this one included
        if self.client_key and _add_one(self.client_key) > settings.LOGIN_FAILURE_LIMIT:
            # Not counted against the account: a client already locked out cannot go on to
            # lock people out of their accounts.
            self.allowed = False
        elif self.account_key:
            self.allowed = _add_one(self.account_key) <= settings.LOGIN_FAILURE_LIMIT
            self.own = _add_one(self.pair_key)
        else:
            self.allowed = True
        if not self.allowed and request is not None:
            setattr(_http_request(request), REFUSED, True)

    def succeeded(self):
        """Forgive the attempts this client made on this account, this one included."""
        for key in (self.account_key, self.pair_key, self.client_key):
            if key and self.own:
                with contextlib.suppress(ValueError):  # the count has expired meanwhile
                    cache.decr(key, self.own)


def was_refused(request):
    """Whether an attempt made by this request was refused by the lockout, nothing checked:
    authenticate() then only says "no user", and the page must say "locked out" instead."""
    return getattr(_http_request(request), REFUSED, False)


def lockout_minutes():
    return math.ceil(settings.LOGIN_LOCKOUT.total_seconds() / 60)


def locked_out(request):
    """The calm page for someone locked out (status 429)."""
    context = {"lockout_minutes": lockout_minutes()}
    return render(request, "registration/locked_out.html", context, status=429)


def _add_one(key):
    """Add one to a count and return it. cache.add starts a count only where there is none
    (of attempts racing to start it, one does); cache.incr is INCR in Redis and runs under
    a lock in the local-memory cache. Each attempt moves the expiry on: a lockout lasts
    LOGIN_LOCKOUT after the latest attempt."""
    timeout = settings.LOGIN_LOCKOUT.total_seconds()
    while not cache.add(key, 1, timeout):
        try:
            count = cache.incr(key)
        except ValueError:  # it expired between add and incr: start it again
            continue
        cache.touch(key, timeout)
        return count
    return 1


def _http_request(request):
    # The token endpoint's sign-in sees DRF's Request, which wraps Django's.
    return getattr(request, "_request", request)


def _account(username):
    """What the account's count is kept under: the account's id, or, for a name no account
    has, the name itself, so that an unknown name is locked out just as a real one is and
    the lockout does not tell which names exist."""
    account = find_account(username)
    if account is not None:
        return f"id:{account.pk}"
    name = normalise_username(username)
    return f"name:{name}" if name else ""


def _key(kind, value):
    # Hashed with the secret key: the cache holds no username and no address.
    digest = salted_hmac("diary.accounts.lockout", value, algorithm="sha256").hexdigest()
    return f"lockout:{kind}:{digest}"
