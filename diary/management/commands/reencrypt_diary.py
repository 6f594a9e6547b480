"""Rewrite every encrypted diary value with the newest key of DIARY_ENCRYPTION_KEYS.

Rotation: put a new key first in DIARY_ENCRYPTION_KEYS (keep the old one after it), deploy,
run this command, then remove the old key.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from diary.encryption import check_keys_read_stored_data, encrypted_models

BATCH = 500


class Command(BaseCommand):
    help = "Re-encrypt every diary row with the newest key in DIARY_ENCRYPTION_KEYS."

    def handle(self, *args, **options):
        # Rewriting with keys that cannot read the rows would fail half-way: stop first.
        for error in check_keys_read_stored_data(databases=["default"]):
            raise CommandError(f"{error.msg} {error.hint}")
        for model, fields in encrypted_models():
            names = [field.name for field in fields]
            keys = list(model.objects.order_by("pk").values_list("pk", flat=True))
            for start in range(0, len(keys), BATCH):
                # One transaction per batch: every row holds all its values under one key,
                # old or new, so an interruption leaves everything readable.
                with transaction.atomic():
                    rows = list(model.objects.filter(pk__in=keys[start : start + BATCH]))
                    model.objects.bulk_update(rows, names)
            self.stdout.write(f"{model._meta.verbose_name_plural}: {len(keys)} re-encrypted")
