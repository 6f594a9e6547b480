"""Health data encrypted at rest: model fields that store Fernet tokens, never plain values.

The keys come from DIARY_ENCRYPTION_KEYS (settings), newest first: new values are encrypted
with the newest key, any listed key decrypts, and `manage.py reencrypt_diary` rewrites every
row with the newest key so an old key can then be dropped. Fernet (AES-128-CBC with
HMAC-SHA256, from `cryptography`) also authenticates: a tampered value fails loudly instead
of reading back wrong.

Each value is JSON-encoded before encryption, so one field class serves text, booleans,
numbers, dates and lists, and short values of the same field have the same length.
"""

import datetime
import json
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

KEYS_VARIABLE = "DIARY_ENCRYPTION_KEYS"


def parse_keys(raw):
    """The keys of DIARY_ENCRYPTION_KEYS, newest first; a clear error for a malformed one."""
    keys = [key.strip() for key in (raw or "").split(",") if key.strip()]
    if not keys:
        raise ImproperlyConfigured(
            f"{KEYS_VARIABLE} must be set: comma-separated Fernet keys, newest first. "
            "Generate one with: python -c 'from cryptography.fernet import Fernet; "
            "print(Fernet.generate_key().decode())'"
        )
    for number, key in enumerate(keys, 1):
        try:
            Fernet(key)
        except (ValueError, TypeError):
            raise ImproperlyConfigured(
                f"{KEYS_VARIABLE}: key number {number} is not a Fernet key "
                "(32 bytes in url-safe base64, 44 characters)."
            ) from None
    return keys


@cache
def _fernet(keys):
    return MultiFernet([Fernet(key) for key in keys])


def fernet():
    return _fernet(tuple(settings.DIARY_ENCRYPTION_KEYS))


def encrypt(value):
    return fernet().encrypt(json.dumps(value, separators=(",", ":")).encode()).decode()


def decrypt(token):
    return json.loads(fernet().decrypt(token.encode()))


class EncryptedField(models.TextField):
    """A value stored as a Fernet token. Subclasses convert to and from JSON.

    The database can neither read nor search these columns: filter on plain columns
    (owner, occurred_at) and let Python read the rest.
    """

    def to_json(self, value):
        return value

    def from_json(self, value):
        return value

    def from_db_value(self, value, expression, connection):
        if value is None:
            return None
        return self.from_json(decrypt(value))

    def get_prep_value(self, value):
        if value is None:
            return None
        return encrypt(self.to_json(value))

    def to_python(self, value):
        return value


class EncryptedTextField(EncryptedField):
    pass


class EncryptedBooleanField(EncryptedField):
    def to_json(self, value):
        return bool(value)


class EncryptedIntegerField(EncryptedField):
    def to_json(self, value):
        return int(value)


class EncryptedDateField(EncryptedField):
    def to_json(self, value):
        return value.isoformat()

    def from_json(self, value):
        return datetime.date.fromisoformat(value)


class EncryptedJSONField(EncryptedField):
    """A list or mapping, for example the symptoms."""


def verify_keys_read_stored_data():
    """Fail at start-up, naming the variable, when the keys cannot read what is stored:
    a wrong key must never lead to errors later, or to anything written in plain text."""
    from django.db import connection
    from django.db.utils import DatabaseError

    from diary.models import Episode, Profile

    samples = []
    try:
        for model, column in ((Episode, "amount"), (Profile, "menopause")):
            table = connection.ops.quote_name(model._meta.db_table)
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT {column} FROM {table} WHERE {column} IS NOT NULL LIMIT 1")
                samples += [row[0] for row in cursor.fetchall()]
    except DatabaseError:
        return  # no tables yet (before the first migrate): nothing stored to read
    for token in samples:
        try:
            decrypt(token)
        except (InvalidToken, ValueError):
            raise ImproperlyConfigured(
                f"{KEYS_VARIABLE} cannot decrypt the diary data in this database: the key "
                "it was written with is not in the list. Add it back (after the new one)."
            ) from None
