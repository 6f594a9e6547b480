"""Rate limits per client: sign-up (SIGNUP_RATE_LIMIT) and the triage API (TRIAGE_RATE_LIMIT).

Counted in the cache, atomically (pcb_site.cache.add_one): in Redis one Lua script, one round
trip, under a lock in the local-memory cache. So requests arriving together on several app
servers cannot all read the same count and all pass, as they did with DRF's own throttles (a
history list read and written back). Each request is counted before it is served, refused
ones too. While Redis cannot be reached, each process counts on its own
(pcb_site/cache.py): the limit still holds, per process.

The windows and keys are django-ratelimit's: fixed windows that end at a moment of their own
for each client (so that they do not all end at once); the 429 says how many seconds are
left. Its counting (add, then incr: three round trips to Redis) was a third of the triage
API's time (issue 17), so only the counting is ours.
"""

import ipaddress
import time

from django.core.cache import caches

# django-ratelimit's window and key, private but pinned in requirements.txt: the counts keep
# the meaning and the keys they had when django-ratelimit counted them.
from django_ratelimit import ALL
from django_ratelimit.core import EXPIRATION_FUDGE, _get_window, _make_cache_key, _split_rate
from rest_framework.throttling import ScopedRateThrottle

from pcb_site.cache import add_one
from pcb_site.middleware import client_ip


def client(request):
    """Who a limit counts: the address our proxies vouch for (NUM_PROXIES), and for IPv6
    its /64 network, since one home or phone is given a whole /64 and may use any address
    in it."""
    address = client_ip(request) or ""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 6:
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False).network_address)
    return str(parsed)


def count_request(request, group, rate):
    """Count this request from its client against `rate` ("10/hour", DRF's form) in the
    group's own count; returns (over the limit?, seconds until the window ends)."""
    limit, period = _split_rate(rate)
    who = client(request)
    window = _get_window(who, period)
    key = _make_cache_key(group, window, rate, who, ALL)
    count = add_one(caches["default"], key, period + EXPIRATION_FUDGE)
    return count > limit, max(window - int(time.time()), 1)


class ClientRateThrottle(ScopedRateThrottle):
    """DRF's scoped throttle (the view's throttle_scope names its rate in
    REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]), counted atomically by count_request."""

    def allow_request(self, request, view):
        self.scope = getattr(view, self.scope_attr, None)
        if not self.scope:
            return True
        limited, self.seconds_left = count_request(request, f"api:{self.scope}", self.get_rate())
        return not limited

    def wait(self):
        return self.seconds_left
