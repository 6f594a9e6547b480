"""Rewrite every encrypted diary value with the newest key of DIARY_ENCRYPTION_KEYS.

Rotation: put a new key first in DIARY_ENCRYPTION_KEYS (keep the old one after it), deploy,
run this command, then remove the old key.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from diary.encryption import EncryptedField, verify_keys_read_stored_data
from diary.models import Episode, Profile

BATCH = 500


class Command(BaseCommand):
    help = "Re-encrypt every diary row with the newest key in DIARY_ENCRYPTION_KEYS."

    def handle(self, *args, **options):
        verify_keys_read_stored_data()
        for model in (Episode, Profile):
            fields = [f.name for f in model._meta.fields if isinstance(f, EncryptedField)]
            keys = list(model.objects.order_by("pk").values_list("pk", flat=True))
            for start in range(0, len(keys), BATCH):
                # One transaction per batch: every row holds all its values under one key,
                # old or new, so an interruption leaves everything readable.
                with transaction.atomic():
                    rows = list(model.objects.filter(pk__in=keys[start : start + BATCH]))
                    model.objects.bulk_update(rows, fields)
            self.stdout.write(f"{model._meta.verbose_name_plural}: {len(keys)} re-encrypted")
