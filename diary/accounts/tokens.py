"""API tokens per device: issue, authenticate, list, revoke.

django-rest-knox makes the token, keeps only its digest and expires it; this module adds
the device's name and when it was last used, so that the account page can say what can
read the diary. Logging out or "Lock now" ends the web session only: tokens belong to
devices. A new password (changed or recovered) revokes them all.
"""

import datetime

from django.db.models import Q
from django.utils import timezone
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from knox.auth import TokenAuthentication
from knox.settings import knox_settings

from diary.accounts.models import DeviceToken

# Writing "last used" on every request would turn each read into a write; to the minute is
# plenty for a person deciding which device to revoke.
LAST_USED_PRECISION = datetime.timedelta(minutes=5)


class TooManyDevices(Exception):
    pass


def live_tokens(user):
    return DeviceToken.objects.filter(user=user).filter(
        Q(expiry__gt=timezone.now()) | Q(expiry__isnull=True)
    )


def issue_token(user, name):
    """A new token for one device: returns (the stored row, the plain token).

    The plain token exists only in this return value; the database keeps its digest.
    """
    limit = knox_settings.TOKEN_LIMIT_PER_USER
    if limit is not None and live_tokens(user).count() >= limit:
        raise TooManyDevices
    DeviceToken.objects.filter(user=user, expiry__lte=timezone.now()).delete()
    return DeviceToken.objects.create(user=user, name=name)


def revoke_token(user, digest):
    """Revoke one of this user's tokens; False when there is no such token of theirs."""
    deleted, _ = DeviceToken.objects.filter(user=user, digest=digest).delete()
    return bool(deleted)


def revoke_all_tokens(user):
    DeviceToken.objects.filter(user=user).delete()


def delete_expired_tokens():
    """Delete everyone's expired tokens: the daily clean-up (delete_old_episodes) calls this.
    An expired token opens nothing, but its row still says a device once read the diary.
    Returns how many were deleted."""
    deleted, _ = DeviceToken.objects.filter(expiry__lte=timezone.now()).delete()
    return deleted


class DeviceTokenAuthentication(TokenAuthentication):
    """knox's token check, noting when the device last used its token."""

    def authenticate_credentials(self, token):
        user, device_token = super().authenticate_credentials(token)
        now = timezone.now()
        last = device_token.last_used_at
        if last is None or now - last > LAST_USED_PRECISION:
            DeviceToken.objects.filter(digest=device_token.digest).update(last_used_at=now)
        return user, device_token

    def _cleanup_token(self, auth_token):
        # knox's own version reads every other token of the person on every request, to
        # delete those that have expired: a query more on each API call. Here only the token
        # in hand is checked (an expired one is refused and deleted); the others are deleted
        # when the person's next token is issued and by the daily clean-up.
        if auth_token.expiry is not None and auth_token.expiry < timezone.now():
            auth_token.delete()
            return True
        return False


class DeviceTokenScheme(KnoxTokenScheme):
    """The API schema describes our subclass as knox's: `Authorization: Token <token>`."""

    target_class = "diary.accounts.tokens.DeviceTokenAuthentication"
    name = "tokenAuth"
