from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from knox.models import AbstractAuthToken


class RecoveryCode(models.Model):
    """The one way back into an account, since we never ask for an email address.

    Only a hash is kept (the same hasher as passwords), so a copy of the database cannot be
    used to take over an account. Issuing a new code replaces the row, which is what makes
    the old code stop working.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recovery_code"
    )
    code_hash = models.CharField(max_length=256)
    created_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("recovery code")
        # Made by the diary app before accounts were an app of their own: the model moved
        # (accounts 0001, diary 0004), the table and its rows stayed where they were.
        db_table = "diary_recoverycode"

    def __str__(self):
        return f"recovery code of user {self.user_id}"


class DeviceToken(AbstractAuthToken):
    """An API token for one device (django-rest-knox keeps only its SHA-512 digest).

    The person names the device so the account page can list what can read the diary, and
    revoke it. A copy of the database holds digests only: no working token.
    """

    name = models.CharField(_("device name"), max_length=60)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("device token")
        ordering = ["-created"]

    def __str__(self):
        return f"device token of user {self.user_id}"
