"""Signing in with a username and password: the one authentication backend."""

from asgiref.sync import sync_to_async
from cryptography.fernet import InvalidToken
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
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
        stored = Profile.objects.filter(user=OuterRef("pk")).values("country")[:1]
        people = get_user_model()._default_manager.annotate(
            stored_country=Subquery(stored, output_field=TextField())
        )
        try:
            user = people.get(pk=user_id)
        except get_user_model().DoesNotExist:
            return None
        try:
            user.saved_country = decrypt(user.stored_country) if user.stored_country else ""
        except (InvalidToken, ValueError):
            user.saved_country = ""
        del user.stored_country
        return user if self.user_can_authenticate(user) else None

    async def aauthenticate(self, request, username=None, password=None, **kwargs):
        return await sync_to_async(self.authenticate)(request, username, password, **kwargs)
