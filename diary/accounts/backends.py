"""Signing in with a username and password: the one authentication backend."""

from asgiref.sync import sync_to_async
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from diary.accounts import lockout


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

    async def aauthenticate(self, request, username=None, password=None, **kwargs):
        return await sync_to_async(self.authenticate)(request, username, password, **kwargs)
