"""Signing in with a username and password: the one authentication backend."""

from functools import cache

from asgiref.sync import sync_to_async
from cryptography.fernet import InvalidToken
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.db.models import OuterRef, Subquery, TextField

from diary.accounts import lockout
from diary.encryption import decrypt
from diary.models import Profile


class AccountBackend(ModelBackend):
    """Django's ModelBackend, within the lockout, finding the username whatever its case.

    The attempt is counted (diary.accounts.lockout) before the password is checked; past the
    limit the backend raises PermissionDenied, on which authenticate() stops with no password
    checked, and the sign-in page and the token endpoint say the person is locked out. The
    name is found whatever its case: phones give a text box a capital first letter unless
    told not to, and "Robin" is the same person as "robin".
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if username is None or password is None:
            return None
        attempt = lockout.count_attempt(request, username)
        if not attempt.allowed:
            raise PermissionDenied
        user = lockout.find_account(username)
        if user is None:
            # Hash anyway, as ModelBackend does, so that the time taken does not tell which
            # names exist.
            get_user_model()().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            attempt.succeeded()
            return user
        return None

    def get_user(self, user_id):
        """The signed-in person, read for every request, with the country they saved: every
        page that shows an emergency number needs it (knowledge.care.country_from_request),
        and reading it here spares each of those pages a second query for the profile.
        The column is read as stored and opened here, so a country that no key can open
        makes it unknown (112 is shown) rather than every request an error."""
        people = get_user_model()._default_manager
        try:
            user_id = people.model._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        found = list(people.raw(_person_sql(connection.vendor), [user_id]))
        if not found:
            return None
        user = found[0]
        try:
            user.saved_country = decrypt(user.stored_country) if user.stored_country else ""
        except (InvalidToken, ValueError):
            user.saved_country = ""
        del user.stored_country
        return user if self.user_can_authenticate(user) else None

    async def aauthenticate(self, request, username=None, password=None, **kwargs):
        return await sync_to_async(self.authenticate)(request, username, password, **kwargs)


@cache
def _person_sql(vendor):
    """The person by id, with their profile's country as stored. Built by the ORM once per
    process: building it for each request took a third of the time of reading it."""
    stored = Profile.objects.filter(user=OuterRef("pk")).values("country")[:1]
    people = get_user_model()._default_manager.annotate(
        stored_country=Subquery(stored, output_field=TextField())
    )
    sql, params = people.filter(pk=0).query.sql_with_params()
    assert params == (0,), params  # the id is the one parameter
    return sql
