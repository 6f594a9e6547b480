"""Rate limits per client: sign-up (SIGNUP_RATE_LIMIT) and the triage API (TRIAGE_RATE_LIMIT).

Counted by django-ratelimit in the cache with cache.add and cache.incr: atomic in Redis
(INCR) and under a lock in the local-memory cache, so requests arriving together on several
app servers cannot all read the same count and all pass, as they did with DRF's own
throttles (a history list read and written back). Each request is counted before it is
served, refused ones too.

The windows are fixed: a client gets its number of requests per window, and windows end at a
moment of their own for each client (so that they do not all end at once); the 429 says how
many seconds are left.
"""

import ipaddress

from django_ratelimit.core import get_usage
from rest_framework.throttling import ScopedRateThrottle

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
    usage = get_usage(request, group=group, key=_client_key, rate=rate, increment=True)
    if usage is None:  # RATELIMIT_ENABLE = False
        return False, 0
    return usage["should_limit"], max(usage["time_left"], 1)


def _client_key(group, request):
    return client(request)


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
