import uuid

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


class Profile(models.Model):
    """Context that rarely changes. Every field may stay empty: "prefer not to say".

    An empty field is unknown, and the assessment then errs towards more care (see
    diary.services.answers_for).
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    year_of_birth = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True)
    menopause = models.CharField(_("menopause"), max_length=10, blank=True)
    contraception = models.CharField(_("contraception"), max_length=20, blank=True)
    anticoagulants = models.CharField(_("blood thinners"), max_length=3, blank=True)
    screening = models.CharField(_("cervical screening"), max_length=5, blank=True)
    screening_last_date = models.DateField(_("date of last screening"), null=True, blank=True)
    screening_last_result = models.CharField(_("last screening result"), max_length=10, blank=True)
    # The log form offers year of birth and menopause once; after that, only the profile page.
    basics_offered = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"profile of user {self.user_id}"


class Episode(models.Model):
    """One time someone bled after sex, with the assessment made when it was logged."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="episodes"
    )
    # Made by the offline queue: repeating a create with the same client_id is a no-op.
    client_id = models.UUIDField(null=True, blank=True, editable=False)
    occurred_at = models.DateTimeField(_("when"))

    onset = models.CharField(_("when it started"), max_length=12, blank=True)
    amount = models.CharField(_("amount"), max_length=10)
    colour = models.CharField(_("colour"), max_length=10, blank=True)
    clots = models.CharField(_("clots"), max_length=5, default="none")
    duration = models.CharField(_("how long it lasted"), max_length=15, blank=True)
    still_bleeding = models.BooleanField(_("still bleeding"), default=False)
    pain_during_sex = models.CharField(_("pain during sex"), max_length=8, default="none")
    pain_after = models.CharField(_("pain after sex"), max_length=8, default="none")
    faint = models.BooleanField(_("felt faint"), default=False)
    symptoms = models.JSONField(_("symptoms"), default=list, blank=True)
    pregnancy = models.CharField(_("pregnancy"), max_length=8, default="no")

    first_intercourse = models.BooleanField(_("first few times"), default=False)
    new_partner = models.BooleanField(_("new partner"), default=False)
    condom_used = models.BooleanField(_("condom used"), default=False)
    lubricant_used = models.BooleanField(_("lubricant used"), default=False)
    partner_blood = models.BooleanField(_("blood in partner's semen or condom"), default=False)
    non_consensual = models.BooleanField(_("not consented to"), default=False)

    notes = models.TextField(_("notes"), blank=True)

    assessment_level = models.CharField(max_length=10)
    assessment_reasons = models.JSONField(default=list)
    assessment_rules_version = models.CharField(max_length=10)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-occurred_at"]
        indexes = [models.Index(fields=["owner", "-occurred_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "client_id"], name="episode_client_id_unique_per_owner"
            )
        ]

    def __str__(self):
        return f"episode {self.pk}"

    def get_absolute_url(self):
        return f"/diary/{self.pk}/"

    @property
    def level_css(self):
        return self.assessment_level.replace("_", "-")
