"""Recovery codes: issue, check, and normalise what a person types."""

import secrets
import time

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password, make_password
from django.core.cache import cache

from diary.accounts.models import RecoveryCode
from diary.encryption import decrypt, encrypt

# No 0/O, 1/I/L or U: a code copied by hand from paper must not be ambiguous.
ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"
GROUPS, GROUP_LENGTH = 4, 5  # 20 characters from 30: about 98 bits, beyond guessing.


def new_code():
    chars = "".join(secrets.choice(ALPHABET) for _ in range(GROUPS * GROUP_LENGTH))
    return "-".join(chars[i : i + GROUP_LENGTH] for i in range(0, len(chars), GROUP_LENGTH))


def normalise(code):
    return "".join(ch for ch in code.upper() if ch.isalnum())


def issue_recovery_code(user):
    """Give the user a new code and return it; the only time the plain code exists."""
    code = new_code()
    RecoveryCode.objects.update_or_create(
        user=user, defaults={"code_hash": make_password(normalise(code))}
    )
    return code


def user_for_recovery_code(username, code):
    """The user whose code this is, or None.

    Hashes even when the username does not exist, so the response time does not tell an
    attacker which usernames are registered.
    """
    user = get_user_model()._default_manager.filter(username__iexact=username).first()
    stored = getattr(user, "recovery_code", None) if user else None
    if stored is None:
        make_password(normalise(code))
        return None
    if check_password(normalise(code), stored.code_hash):
        return user
    return None


# A new code must survive one redirect to the page that shows it, and no longer. It waits in
# the cache (shared Redis in production), encrypted with the diary's keys, for at most this
# long; the session holds only a random reference to it. When the cache cannot keep it (Redis
# is down and pcb_site.cache.FailSafeRedisCache drops writes), the session holds the code
# itself, encrypted the same way, with the time it is to be shown by: otherwise no one could
# get a code, at sign-up or later, while Redis is down.
SHOW_WITHIN_SECONDS = 10 * 60


def _waiting_key(reference):
    return f"recovery-code-to-show:{reference}"


def hold_code_to_show(code):
    """Keep a new plain code for the page that shows it; returns what the session keeps."""
    reference = secrets.token_urlsafe(16)
    sealed = encrypt(code)
    cache.set(_waiting_key(reference), sealed, SHOW_WITHIN_SECONDS)
    if cache.get(_waiting_key(reference)) == sealed:
        return {"reference": reference}
    return {"sealed": sealed, "until": time.time() + SHOW_WITHIN_SECONDS}


def take_code_to_show(held):
    """The code that `held` (what hold_code_to_show returned) leads to, once: what the cache
    held is deleted as it is read, and the caller drops `held` from the session."""
    if not isinstance(held, dict):
        return None
    if "reference" in held:
        key = _waiting_key(held["reference"])
        sealed = cache.get(key)
        cache.delete(key)
    elif held.get("until", 0) > time.time():
        sealed = held.get("sealed")
    else:
        sealed = None
    return decrypt(sealed) if sealed else None
