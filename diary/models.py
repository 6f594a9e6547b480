import uuid

from django.conf import settings
from django.db import models
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

from diary.encryption import (
    EncryptedBooleanField,
    EncryptedDateField,
    EncryptedIntegerField,
    EncryptedJSONField,
    EncryptedTextField,
)


class Profile(models.Model):
    """Context that rarely changes. Every field may stay empty: "prefer not to say".

    An empty field is unknown, and the assessment then errs towards more care (see
    diary.assessment.answers_for). Every answer is encrypted at rest (diary.encryption).
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    year_of_birth = EncryptedIntegerField(_("year of birth"), null=True, blank=True)
    country = EncryptedTextField(_("country"), blank=True, default="")
    menopause = EncryptedTextField(_("menopause"), blank=True, default="")
    contraception = EncryptedTextField(_("contraception"), blank=True, default="")
    anticoagulants = EncryptedTextField(_("blood thinners"), blank=True, default="")
    screening = EncryptedTextField(_("cervical screening"), blank=True, default="")
    screening_last_date = EncryptedDateField(_("date of last screening"), null=True, blank=True)
    screening_last_result = EncryptedTextField(_("last screening result"), blank=True, default="")
    # The log form offers year of birth and menopause once; after that, only the profile page.
    basics_offered = models.BooleanField(default=False)
    # Automatic deletion of episodes older than this many months (diary/your_data/
    # retention.py); null: never. Plain, not encrypted: the scheduled job filters on it, and
    # it says nothing about health.
    auto_delete_months = models.PositiveSmallIntegerField(
        _("delete episodes older than"),
        null=True,
        blank=True,
        choices=[(6, _("6 months")), (12, _("12 months")), (24, _("24 months"))],
    )
    # The language the person last chose on the site (settings.LANGUAGES), "" until then: signing
    # in on another device answers in it (pcb_site/language.py). Plain: it says nothing about
    # health, and the sign-in reads it without decrypting anything.
    language = models.CharField(_("language"), max_length=8, blank=True, default="")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"profile of user {self.user_id}"


class Episode(models.Model):
    """One time someone bled after sex, with its assessment and what the person was told
    when they logged it.

    Only what the history queries need stays plain: the owner, the time and the rules
    version. Every answer, the notes and the assessment are encrypted at rest.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="episodes"
    )
    # Every episode has one, made by whoever logged it (the web form, the offline queue, an
    # app through the API) or here: repeating a create with the same client_id is a no-op,
    # and an import matches episodes by it.
    client_id = models.UUIDField(default=uuid.uuid4, editable=False)
    occurred_at = models.DateTimeField(_("when"))

    onset = EncryptedTextField(_("when it started"), blank=True, default="")
    amount = EncryptedTextField(_("amount"))
    colour = EncryptedTextField(_("colour"), blank=True, default="")
    clots = EncryptedTextField(_("clots"), default="none")
    duration = EncryptedTextField(_("how long it lasted"), blank=True, default="")
    still_bleeding = EncryptedBooleanField(_("still bleeding"), default=False)
    pain_during_sex = EncryptedTextField(_("pain during sex"), default="none")
    pain_after = EncryptedTextField(_("pain after sex"), default="none")
    faint = EncryptedBooleanField(_("felt faint"), default=False)
    symptoms = EncryptedJSONField(_("symptoms"), default=list, blank=True)
    pregnancy = EncryptedTextField(_("pregnancy"), default="no")
    # Rules version 2. Episodes logged before it read "none": the question was not asked.
    recent_procedure = EncryptedTextField(_("recent procedure"), default="none")

    first_intercourse = EncryptedBooleanField(_("first few times"), default=False)
    new_partner = EncryptedBooleanField(_("new partner"), default=False)
    condom_used = EncryptedBooleanField(_("condom used"), default=False)
    lubricant_used = EncryptedBooleanField(_("lubricant used"), default=False)
    partner_blood = EncryptedBooleanField(_("blood from partner, none from me"), default=False)
    non_consensual = EncryptedBooleanField(_("not consented to"), default=False)

    notes = EncryptedTextField(_("notes"), blank=True, default="")

    assessment_level = EncryptedTextField()
    assessment_reasons = EncryptedJSONField(default=list)
    assessment_rules_version = models.CharField(max_length=10)
    # What the person was told when they logged it, {"level", "reasons" (codes),
    # "rules_version"}: the assessment above is worked out again on every change, and a
    # self-check result saved to the diary may differ from the diary's own. Null for
    # episodes logged before it was kept: read as the stored assessment, the best we know.
    assessment_when_logged = EncryptedJSONField(null=True, blank=True)
    # What the current assessment had to assume, stored with it so that a page never
    # evaluates the rules again: {"reasons": {code: [unknown profile facts it fired on]},
    # "refine": [unknown facts that could change the level]}. Null before it was kept.
    assessment_assumptions = EncryptedJSONField(null=True, blank=True)
    # Whether the person got checked (diary/follow_up.py): null until they answer, then
    # {"status": "not_yet" | "booked" | "seen", "booked_for": "YYYY-MM-DD" or null,
    #  "finding": ... or null, "answered_at": ISO datetime}.
    follow_up = EncryptedJSONField(null=True, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-occurred_at"]
        indexes = [
            models.Index(fields=["owner", "-occurred_at"]),
            # The stamp of the diary home's points (EpisodePoints): count and latest change
            # read from the index alone.
            models.Index(fields=["owner", "updated_at"], name="episode_owner_updated"),
        ]
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


class EpisodePoints(models.Model):
    """Every episode of one person as the diary home reads them, worked out once instead of
    on every visit (diary.selectors.points): for each, oldest first, its time, its level
    and, where the advice asks "Did you get it checked?" now or may again, its id and the
    answer.
    Encrypted like the episodes it repeats; made again whenever those have changed since.

    `stamp` is the number of episodes and their latest `updated_at` when it was made, both
    plain in the episode table: a stamp that no longer matches says the points are out of
    date. Every write of an episode sets updated_at (diary.assessment.reassess too), and
    saving a changed one also empties the stamp (points_out_of_date below), so a change is
    seen even when the clock says the same time twice.
    """

    owner = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="episode_points",
    )
    stamp = models.CharField(max_length=64)
    points = EncryptedJSONField(default=dict)

    def __str__(self):
        return f"episode points of user {self.owner_id}"


@receiver(post_save, sender=Episode)
def points_out_of_date(sender, instance, created, raw=False, **kwargs):
    """An episode saved again (an edit, a follow-up answer): its owner's points are out of
    date. A new or deleted episode changes the count, which the stamp holds already."""
    if not created and not raw:
        EpisodePoints.objects.filter(owner_id=instance.owner_id).update(stamp="")
