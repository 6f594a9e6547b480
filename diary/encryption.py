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
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.apps import apps
from django.conf import settings
from django.core import checks
from django.db import DatabaseError, connection, models

KEYS_VARIABLE = "DIARY_ENCRYPTION_KEYS"


GENERATE = (
    "Generate one with: python -c 'from cryptography.fernet import Fernet; "
    "print(Fernet.generate_key().decode())'"
)


def check_keys(app_configs=None, **kwargs):
    """System check: DIARY_ENCRYPTION_KEYS holds at least one key, and each is a Fernet key.

    Registered in diary/apps.py, so every manage.py command, runserver and the WSGI and ASGI
    entry points (pcb_site/startup.py) refuse to run without usable keys: nothing is ever
    written in plain text as a fallback.
    """
    keys = settings.DIARY_ENCRYPTION_KEYS
    if not keys:
        message = f"{KEYS_VARIABLE} must be set: comma-separated Fernet keys, newest first."
        return [checks.Error(message, hint=GENERATE, id="diary.E001")]
    errors = []
    for number, key in enumerate(keys, 1):
        try:
            Fernet(key)
        except (ValueError, TypeError):
            message = (
                f"{KEYS_VARIABLE}: key number {number} is not a Fernet key "
                "(32 bytes in url-safe base64, 44 characters)."
            )
            errors.append(checks.Error(message, hint=GENERATE, id="diary.E002"))
    return errors


@cache
def _fernet(keys):
    return MultiFernet([Fernet(key) for key in keys])


def fernet():
    return _fernet(tuple(settings.DIARY_ENCRYPTION_KEYS))


def encrypt(value):
    return fernet().encrypt(json.dumps(value, separators=(",", ":")).encode()).decode()


def decrypt(token):
    # json.loads of bytes would first work out their encoding: JSON's text is UTF-8.
    return json.loads(fernet().decrypt(token.encode()).decode())


class EncryptedField(models.TextField):
    """A value stored as a Fernet token. Subclasses convert to and from JSON.

    The database can neither read nor search these columns: filter on plain columns
    (owner, occurred_at) and let Python read the rest.
    """

    # What the field holds in Python, for django-stubs (mypy): not the column's text. Each
    # subclass says which.
    _pyi_private_set_type: Any
    _pyi_private_get_type: Any

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
    _pyi_private_set_type: str
    _pyi_private_get_type: str


class EncryptedBooleanField(EncryptedField):
    _pyi_private_set_type: bool
    _pyi_private_get_type: bool

    def to_json(self, value):
        return bool(value)


class EncryptedIntegerField(EncryptedField):
    _pyi_private_set_type: int | None
    _pyi_private_get_type: int | None

    def to_json(self, value):
        return int(value)


class EncryptedDateField(EncryptedField):
    _pyi_private_set_type: datetime.date | None
    _pyi_private_get_type: datetime.date | None

    def to_json(self, value):
        return value.isoformat()

    def from_json(self, value):
        return datetime.date.fromisoformat(value)


class EncryptedJSONField(EncryptedField):
    """A list or mapping, for example the symptoms."""

    _pyi_private_set_type: Any
    _pyi_private_get_type: Any


def encrypted_models():
    """Every installed model with encrypted fields, with those fields.

    Found through the app registry, so that this module, which the models import, never
    imports them back, and a model given an encrypted field later is covered at once.
    """
    for model in apps.get_models():
        fields = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedField)]
        if fields:
            yield model, fields


def check_keys_read_stored_data(app_configs=None, databases=None, **kwargs):
    """Database system check: the keys can read what is stored.

    A wrong key must never lead to errors later, or to anything written in plain text. Runs
    where Django runs database checks (migrate, `check --database default`) and before the
    WSGI and ASGI entry points serve.
    """
    if not databases or "default" not in databases or check_keys():
        return []
    samples = []
    try:
        for model, fields in encrypted_models():
            # One row of each table, every encrypted column of it.
            columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
            table = connection.ops.quote_name(model._meta.db_table)
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT {columns} FROM {table} LIMIT 1")
                samples += [
                    value for row in cursor.fetchall() for value in row if value is not None
                ]
    except DatabaseError:
        return []  # no tables yet (before the first migrate): nothing stored to read
    for token in samples:
        try:
            decrypt(token)
        except (InvalidToken, ValueError):
            message = (
                f"{KEYS_VARIABLE} cannot decrypt the diary data in this database: the key "
                "it was written with is not in the list."
            )
            hint = "Add it back (after the new one)."
            return [checks.Error(message, hint=hint, id="diary.E003")]
    return []
