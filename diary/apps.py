from django.apps import AppConfig
from django.core import checks
from django.db.backends.signals import connection_created


class DiaryConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "diary"

    def ready(self):
        from diary.accounts.deletion import turn_on_secure_delete
        from diary.encryption import check_keys, check_keys_read_stored_data

        checks.register(check_keys, checks.Tags.security)
        checks.register(check_keys_read_stored_data, checks.Tags.database)
        # Deleted rows are overwritten in a SQLite file, not left in its free pages.
        connection_created.connect(turn_on_secure_delete, dispatch_uid="diary_secure_delete")
