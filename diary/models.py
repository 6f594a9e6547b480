from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


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

    def __str__(self):
        return f"recovery code of user {self.user_id}"
