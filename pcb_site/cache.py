"""The shared cache (Redis), made to fail safe when Redis cannot be reached.

Django's RedisCache raises on a connection error, so a Redis that is down or cut off would
answer every request with a 500: sessions, the sign-in lockout and the rate limits all use
the cache. FailSafeRedisCache keeps the site working instead, each use failing the way that
stays safe:

- Reads are misses. Sessions are "cached_db": on a miss Django reads the session from the
  database, so signed-in people stay signed in and the diary keeps working.
- Writes and deletes are not kept anywhere else: a copy that only this process held would go
  stale when another app server changed or ended the session. Their keys are remembered,
  and deleted from Redis before this process reads from it again, so that a session ended
  during the outage cannot come back from an old copy when Redis answers again (Redis cut
  off rather than restarted keeps its data). Another process that saw no write of that key
  may still read such a copy first, until the key's own expiry (at most SESSION_COOKIE_AGE).
- Counts (add, incr, touch, decr: the lockout and the rate limits) go on in this process's
  memory. Refusing every attempt would lock everyone out of their diary for as long as
  Redis is down; letting every attempt through would open sign-in to guessing exactly then.
  Counted per process, a limit still holds, only less tightly: at most (app servers x
  workers) x the limit, and the counts start again from Redis's when it answers again.

A connection error or timeout marks Redis unreachable for RETRY_SECONDS: until then this
process does not try it again, so an outage costs one short socket timeout (OPTIONS in
settings.CACHES) per process every few seconds, not one per cache call. Each process logs one
warning when an outage starts and a line when it ends, naming no key, no server address
(which can hold a password) and nothing about anyone.
"""

import logging
import threading
import time

import redis
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient

logger = logging.getLogger(__name__)

# What a Redis that is down, cut off, too slow or still loading its data raises
# (redis.BusyLoadingError is a ConnectionError). Other errors (a wrong type, a full memory)
# are faults to see, not outages to ride out: they still raise.
UNREACHABLE = (redis.ConnectionError, redis.TimeoutError)
RETRY_SECONDS = 5
# Keys remembered to delete when Redis answers again. Beyond this many in one outage, copies
# left in Redis expire on their own.
STALE_KEYS_MAX = 10_000
# Counts kept in memory during an outage. LocMemCache drops a third of its entries when full:
# high enough that dropping a count takes far more attempts than the count would allow.
COUNTS_MAX = 50_000


def add_one(cache, key, timeout):
    """Add one to the count under `key` in any Django cache and return it; a count starts at
    1 and lasts `timeout` seconds from its first request. Atomic wherever the cache's add and
    incr are (Redis, or local memory under a lock): requests arriving together on several
    app servers cannot all read the same count and all pass. FailSafeRedisCache does it in
    one round trip."""
    if isinstance(cache, FailSafeRedisCache):
        return cache.add_one(key, timeout)
    while not cache.add(key, 1, timeout):
        try:
            return cache.incr(key)
        except ValueError:  # it expired between add and incr: start it again
            continue
    return 1


def _as_given(key, key_prefix, version):
    # The in-memory counts are kept under the keys as made for Redis (prefix and version in).
    return key


class Outage:
    """What one process knows of one Redis: whether it answers, the keys to delete when it
    answers again, and the counts kept meanwhile. Django makes a cache instance per thread;
    they share this, so that a threaded server counts once per process, not per thread."""

    def __init__(self, name, default_timeout):
        self.counts = LocMemCache(
            f"{__name__}.counts.{name}",
            {
                "KEY_FUNCTION": _as_given,
                "TIMEOUT": default_timeout,
                "OPTIONS": {"MAX_ENTRIES": COUNTS_MAX},
            },
        )
        self.lock = threading.Lock()
        self.since = None  # time.monotonic() when this outage began; None: Redis answers
        self.retry_at = 0.0
        self.stale = set()


_outages: dict[str, Outage] = {}
_outages_lock = threading.Lock()


def _outage(name, default_timeout):
    with _outages_lock:
        if name not in _outages:
            _outages[name] = Outage(name, default_timeout)
        return _outages[name]


class OneClientPerPool(RedisCacheClient):
    """Django's client makes a new redis.Redis for every cache call, and making one fills a
    table of some 170 reply handlers: for the triage API's count that was more than the
    round trip itself (issue 17). A redis.Redis is safe to share between threads (its pool
    hands each command a connection), so each pool gets one, made once."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._client(connection_pool=self._get_connection_pool(index))
            self._clients[index] = client
        return client


# A count in one round trip, atomic in Redis: INCR starts a missing key at 1, and the first
# request sets when it expires, so a count never outlives its window.
ADD_ONE = """
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return count
"""


class FailSafeRedisCache(RedisCache):
    """Django's RedisCache that treats an unreachable Redis as described above. Each method
    tries RedisCache's own, and otherwise falls back on this process's memory, under the
    key as made for Redis."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = OneClientPerPool
        self._outage = _outage(f"{server}|{self.key_prefix}", self.default_timeout)
        self._counts = self._outage.counts

    def _made(self, key, version):
        return self.make_and_validate_key(key, version=version)

    # Reads: a miss (or a count this process keeps during the outage).

    def get(self, key, default=None, version=None):
        return self._try(
            lambda: RedisCache.get(self, key, default, version),
            lambda: self._counts.get(self._made(key, version), default),
        )

    def get_many(self, keys, version=None):
        def here():
            made = {self._made(key, version): key for key in keys}
            return {made[k]: value for k, value in self._counts.get_many(made).items()}

        return self._try(lambda: RedisCache.get_many(self, keys, version), here)

    def has_key(self, key, version=None):
        return self._try(
            lambda: RedisCache.has_key(self, key, version),
            lambda: self._counts.has_key(self._made(key, version)),
        )

    # Writes and deletes: not kept; the key is deleted from Redis when it answers again.

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._try(
            lambda: RedisCache.set(self, key, value, timeout, version),
            lambda: self._lost([self._made(key, version)]),
        )

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        def not_kept():
            self._lost([self._made(key, version) for key in data])
            return list(data)  # Django's contract: the keys that could not be set

        return self._try(lambda: RedisCache.set_many(self, data, timeout, version), not_kept)

    def delete(self, key, version=None):
        return self._try(
            lambda: RedisCache.delete(self, key, version),
            lambda: self._lost([self._made(key, version)]),
        )

    def delete_many(self, keys, version=None):
        self._try(
            lambda: RedisCache.delete_many(self, keys, version),
            lambda: self._lost([self._made(key, version) for key in keys]),
        )

    def clear(self):
        return self._try(lambda: RedisCache.clear(self), lambda: self._counts.clear() or False)

    # Counts: in this process's memory while Redis cannot be reached.

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._try(
            lambda: RedisCache.add(self, key, value, timeout, version),
            lambda: self._counts.add(self._made(key, version), value, timeout),
        )

    def incr(self, key, delta=1, version=None):
        return self._try(
            lambda: RedisCache.incr(self, key, delta, version),
            lambda: self._counts.incr(self._made(key, version), delta),
        )

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._try(
            lambda: RedisCache.touch(self, key, timeout, version),
            lambda: self._counts.touch(self._made(key, version), timeout),
        )

    def add_one(self, key, timeout, version=None):
        """add_one() for this cache: one round trip (ADD_ONE, a Lua script Redis runs
        atomically) instead of add's SET NX and incr's EXISTS and INCR: no request comes
        between the two, and the count cannot be left without an expiry."""
        key = self._made(key, version)

        def in_redis():
            client = self._cache.get_client(key, write=True)
            return int(client.eval(ADD_ONE, 1, key, max(int(timeout), 1)))

        return self._try(in_redis, lambda: add_one(self._counts, key, timeout))

    # The outage itself.

    def _try(self, in_redis, otherwise):
        if self._outage.since is not None and not self._answers_again():
            return otherwise()
        try:
            return in_redis()
        except UNREACHABLE as error:
            self._went_down(error)
            return otherwise()

    def _lost(self, keys):
        """A write or delete that Redis did not get: forget any count under the keys, and
        delete them from Redis before reading from it again."""
        outage = self._outage
        with outage.lock:
            room = max(STALE_KEYS_MAX - len(outage.stale), 0)
            outage.stale.update(list(keys)[:room])
        for key in keys:
            self._counts.delete(key)
        return False

    def _went_down(self, error):
        outage, now = self._outage, time.monotonic()
        with outage.lock:
            began = outage.since is None
            if began:
                outage.since = now
            outage.retry_at = now + RETRY_SECONDS
        if began:
            logger.warning(
                "The cache (Redis) cannot be reached (%s): reading sessions from the "
                "database and counting sign-in attempts and rate limits in this process "
                "until it answers again.",
                type(error).__name__,
            )

    def _answers_again(self):
        """Whether Redis, down until now, answers again; if it does, the keys written or
        deleted meanwhile are deleted from it first, so no stale copy is read."""
        outage = self._outage
        if time.monotonic() < outage.retry_at:
            return False
        with outage.lock:
            stale = list(outage.stale)
        try:
            client = self._cache.get_client(write=True)
            client.ping()
            for start in range(0, len(stale), 1000):
                client.delete(*stale[start : start + 1000])
        except UNREACHABLE as error:
            self._went_down(error)
            return False
        with outage.lock:
            outage.stale.difference_update(stale)
            began, outage.since = outage.since, None
        self._counts.clear()
        if began is not None:
            logger.info("The cache (Redis) answers again after %d s.", time.monotonic() - began)
        return True
