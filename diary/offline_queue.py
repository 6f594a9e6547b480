"""The offline queue, server side: entries logged with no connection arrive sealed.

A phone without a signal keeps each episode in IndexedDB until it can be sent
(static/js/offline-log.js). It keeps them sealed to the server's public key, so the phone
holds only ciphertext that nobody holding it can read, "Lock now" and "Leave quickly" need
delete nothing, and only this server can open an entry. The scheme (ECIES with P-256):

- The server's key pair is derived from the newest DIARY_ENCRYPTION_KEYS key (HKDF), so it
  needs no storage of its own and rotates with the diary keys. Every listed key still opens
  what was sealed to its public key: `key_id` (a short hash of the public key) says which.
- The browser makes an ephemeral P-256 key pair for each entry; ECDH with the server's
  public key, then HKDF-SHA256 (salt: the ephemeral public key, uncompressed; info: SEAL_INFO)
  gives an AES-256-GCM key. The entry's client_id is the associated data, so a sealed body
  cannot be replayed under another client_id.
- Inside: {"owner_tag", "episode": the body of POST /api/v1/episodes/ with its client_id and
  `assessment_when_logged` (what the person was shown offline), "basics": the log form's
  optional profile questions}.

`seal` does in Python what the browser does, for the tests and any other client.
"""

import base64
import hashlib
import json
import os
from functools import cache
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from diary import assessment, services
from diary.models import Episode
from knowledge import triage
from knowledge.emergency import emergency_number

CURVE = ec.SECP256R1()
# The order of P-256's base point (SEC 2, section 2.4.2).
ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
KEY_INFO = b"harbour offline queue: server key v1"
SEAL_INFO = b"harbour offline queue: sealed entry v1"
IV_BYTES = 12


class Unreadable(Exception):
    """A sealed entry this server cannot open: an unknown key, or a body that was changed."""


def _b64decode(text: str) -> bytes:
    """Standard or URL-safe base64, padded or not: what a browser's btoa or a JWK gives."""
    text = text.replace("-", "+").replace("_", "/")
    return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _private_key(diary_key: str) -> ec.EllipticCurvePrivateKey:
    # 48 bytes reduced modulo the order: the bias is under 2**-128 (FIPS 186-5, A.2.1).
    seed = HKDF(algorithm=hashes.SHA256(), length=48, salt=None, info=KEY_INFO).derive(
        base64.urlsafe_b64decode(diary_key)
    )
    return ec.derive_private_key(int.from_bytes(seed, "big") % (ORDER - 1) + 1, CURVE)


def _point(public_key: ec.EllipticCurvePublicKey) -> bytes:
    return public_key.public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)


def _key_id(public_key: ec.EllipticCurvePublicKey) -> str:
    return hashlib.sha256(_point(public_key)).hexdigest()[:16]


@cache
def _key_pairs(diary_keys: tuple[str, ...]) -> dict[str, ec.EllipticCurvePrivateKey]:
    """key_id -> private key, newest first (dicts keep their order)."""
    keys = [_private_key(key) for key in diary_keys]
    return {_key_id(key.public_key()): key for key in keys}


def key_pairs() -> dict[str, ec.EllipticCurvePrivateKey]:
    return _key_pairs(tuple(settings.DIARY_ENCRYPTION_KEYS))


def public_key() -> dict[str, Any]:
    """The newest public key, as GET /api/v1/offline-key/ serves it."""
    key_id, private = next(iter(key_pairs().items()))
    numbers = private.public_key().public_numbers()
    jwk = {
        "kty": "EC",
        "crv": "P-256",
        "x": _b64url(numbers.x.to_bytes(32, "big")),
        "y": _b64url(numbers.y.to_bytes(32, "big")),
    }
    return {"key_id": key_id, "jwk": jwk}


def _aes_key(shared: bytes, ephemeral_point: bytes) -> bytes:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=ephemeral_point, info=SEAL_INFO)
    return hkdf.derive(shared)


def open_entry(key_id: str, epk: str, iv: str, ciphertext: str, client_id: str) -> dict:
    """The sealed entry's content, or Unreadable. `client_id` exactly as the browser sent it
    (it is the associated data)."""
    private = key_pairs().get(key_id)
    if private is None:
        raise Unreadable("unknown key")
    try:
        point = _b64decode(epk)
        ephemeral = ec.EllipticCurvePublicKey.from_encoded_point(CURVE, point)
        nonce, sealed = _b64decode(iv), _b64decode(ciphertext)
        key = _aes_key(private.exchange(ec.ECDH(), ephemeral), point)
        content = json.loads(AESGCM(key).decrypt(nonce, sealed, client_id.encode()))
    except (ValueError, InvalidTag, UnicodeDecodeError) as error:
        raise Unreadable(type(error).__name__) from None
    if not isinstance(content, dict):
        raise Unreadable("not an object")
    return content


def seal(content: dict, client_id: str, key: dict[str, Any] | None = None) -> dict[str, str]:
    """What the browser stores and sends for one entry (static/js/offline-log.js, `seal`)."""
    key = key or public_key()
    jwk = key["jwk"]
    server = ec.EllipticCurvePublicNumbers(
        int.from_bytes(_b64decode(jwk["x"]), "big"),
        int.from_bytes(_b64decode(jwk["y"]), "big"),
        CURVE,
    ).public_key()
    ephemeral = ec.generate_private_key(CURVE)
    point = _point(ephemeral.public_key())
    aes = AESGCM(_aes_key(ephemeral.exchange(ec.ECDH(), server), point))
    nonce = os.urandom(IV_BYTES)
    sealed = aes.encrypt(nonce, json.dumps(content).encode(), client_id.encode())
    return {
        "client_id": client_id,
        "key_id": key["key_id"],
        "epk": _b64url(point),
        "iv": _b64url(nonce),
        "ciphertext": _b64url(sealed),
    }


def owner_tag(user: Any) -> str:
    """An opaque tag for the account, so that a phone sends an entry only while the account
    that queued it is signed in. It names no one: an HMAC of the user's id with the secret
    key (a new DJANGO_SECRET_KEY gives new tags: entries queued before wait until they are
    sent from a page that still knows the old one, so rotate it when the queue is empty)."""
    return salted_hmac("diary.offline_queue.owner_tag", str(user.pk)).hexdigest()[:32]


def is_owner(user: Any, tag: Any) -> bool:
    return isinstance(tag, str) and constant_time_compare(tag, owner_tag(user))


def already_logged(owner: Any, client_id: Any) -> Episode | None:
    return Episode.objects.filter(owner=owner, client_id=client_id).first()


def log_sealed_episode(
    owner: Any, values: dict[str, Any], client_id: Any, shown: dict[str, Any] | None
) -> tuple[Episode, bool]:
    """Log an episode that waited in the queue, through services.log_episode (idempotent on
    client_id, assessed with the whole diary), and keep what the person was shown offline
    as what they were told when they logged it. Not log_episode's `told`: that makes the
    self-check's answer a floor the diary never goes below, and an offline answer, worked
    out without the whole history, should not hold the diary's own answer up."""
    with transaction.atomic():
        episode, created = services.log_episode(owner, values, client_id=client_id)
        if created and shown is not None:
            episode.assessment_when_logged = shown
            episode.save(update_fields=["assessment_when_logged"])
    return episode, created


def offline_context(user: Any) -> dict[str, Any]:
    """What the log form's offline evaluator needs to know about the person, and nothing
    more: the profile's answers in the rule table's terms, and how many episodes there were
    in the last 6 months, with the date of the first of them (counts, no content). The
    diary pages hand it to the browser, which keeps it in sessionStorage only (it goes with
    the tab, and "Lock now", "Leave quickly" and "Log out" clear it)."""
    profile = services.get_or_create_profile(user)
    now = timezone.now()
    start = assessment.months_before(now, assessment.HISTORY_MONTHS)
    times = list(
        Episode.objects.filter(owner=user, occurred_at__gte=start, occurred_at__lt=now)
        .order_by("occurred_at")
        .values_list("occurred_at", flat=True)
    )
    age = assessment.age_at(profile, now)
    return {
        "year_of_birth": profile.year_of_birth,
        "menopause": profile.menopause or None,
        "cervical_screening": assessment.screening_status(profile, now, age),
        "anticoagulants": profile.anticoagulants or None,
        "recent": len(times),
        "first_recent": times[0].isoformat() if times else None,
        # For the kept log form, which shows the number for the phone's language.
        "emergency_number": emergency_number(profile.country or None),
    }


def page_data(user: Any) -> dict[str, Any]:
    """What a signed-in diary page hands the offline queue's script."""
    return {
        "owner_tag": owner_tag(user),
        "rules_version": triage.load_rules()["version"],
        "context": offline_context(user),
    }
