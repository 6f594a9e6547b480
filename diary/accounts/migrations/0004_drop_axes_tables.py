"""django-axes is gone (diary/accounts/lockout.py counts sign-in attempts now): drop the tables
its migrations made, where they exist, so that no copy of the database keeps its old records
of attempts (usernames, addresses, browsers). Its rows in django_migrations go too, so that
adding django-axes back would make its tables again."""

from django.db import migrations
from django.db.migrations.recorder import MigrationRecorder

# Dependent before depended on: the expiration table points at the attempts.
AXES_TABLES = [
    "axes_accessattemptexpiration",
    "axes_accessattempt",
    "axes_accessfailurelog",
    "axes_accesslog",
]


def drop_axes_tables(apps, schema_editor):
    connection = schema_editor.connection
    existing = set(connection.introspection.table_names())
    for table in AXES_TABLES:
        if table in existing:
            schema_editor.execute(f"DROP TABLE {schema_editor.quote_name(table)}")
    MigrationRecorder(connection).migration_qs.filter(app="axes").delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_username_unique_ci")]

    # Nothing to undo: the tables are not made again (adding django-axes back makes them).
    operations = [migrations.RunPython(drop_axes_tables, migrations.RunPython.noop)]
