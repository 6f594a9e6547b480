"""Delete an account and everything of it, in one transaction.

What goes: every API token (so no app can read or write again), every session of the
account in the database and in the cache, then the user, whose rows in every table go with
it by cascade: the episodes, the profile, the recovery code. Nothing else refers to a user
(tests/test_account_deletion.py walks every model to hold that). The diary's own writes go
through diary.services so that assessments stay current; here there is nothing left to
assess, so the cascade is the whole of it.

On SQLite, `secure_delete` (turn_on_secure_delete, connected in diary/apps.py) overwrites
the deleted rows in the database file, so they do not linger there.
"""

from django.contrib.sessions.backends.cached_db import SessionStore
from django.contrib.sessions.models import Session
from django.db import transaction

from diary.accounts.tokens import revoke_all_tokens


def delete_account(user) -> None:
    with transaction.atomic():
        revoke_all_tokens(user)
        for session_key in sessions_of(user):
            # Through the session store: it removes the cached copy too (cached_db).
            SessionStore(session_key).delete()
        user.delete()


def sessions_of(user) -> list[str]:
    """The keys of every session, expired or not, signed in as `user`. A session keeps its
    user only inside its encoded data, so each one is decoded."""
    store = SessionStore()
    wanted = str(user.pk)
    keys = []
    for key, data in Session.objects.values_list("session_key", "session_data").iterator():
        if str(store.decode(data).get("_auth_user_id")) == wanted:
            keys.append(key)
    return keys


def turn_on_secure_delete(sender, connection, **kwargs):
    """SQLite overwrites deleted content with zeros, instead of leaving it in free pages of
    the database file until they are reused. PostgreSQL has no such setting: see the
    Privacy page for what it and backups keep."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA secure_delete = ON")
