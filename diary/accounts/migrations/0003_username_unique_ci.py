"""Usernames are unique whatever their case: "Robin" and "robin" cannot both exist.

django.contrib.auth's User is unique by the exact name only, while sign-in, recovery and the
lockout find an account whatever the case typed (username__iexact). A unique index on
UPPER(username) makes the database refuse the second of two such names, even when both
sign-ups arrive at the same moment. UPPER, not LOWER: it is what Django's iexact compares on
PostgreSQL, so the index and every lookup agree on which names are the same (PostgreSQL's
LOWER tells "robın" from "robin", its UPPER does not). On SQLite, UPPER and LIKE (iexact)
both fold ASCII letters only.

Names already in the database that differ only in case stop the migration, listed, before
anything changes: rename all but one of each (python manage.py shell), then migrate again.
"""

from django.core.management.base import CommandError
from django.db import migrations
from django.db.models import Count
from django.db.models.functions import Upper

INDEX = "accounts_username_unique_ci"


def refuse_names_differing_only_in_case(apps, schema_editor):
    users = apps.get_model("auth", "User").objects.using(schema_editor.connection.alias)
    folded = users.annotate(folded=Upper("username"))
    shared = folded.values("folded").annotate(count=Count("pk")).filter(count__gt=1)
    names = list(
        folded.filter(folded__in=shared.values("folded"))
        .order_by("folded", "pk")
        .values_list("username", flat=True)
    )
    if names:
        raise CommandError(
            "These usernames differ only in case, and usernames are now unique whatever "
            f"their case: {', '.join(names)}. Rename all but one of each (python manage.py "
            "shell), then run migrate again."
        )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_devicetoken"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunPython(refuse_names_differing_only_in_case, migrations.RunPython.noop),
        migrations.RunSQL(
            f"CREATE UNIQUE INDEX {INDEX} ON auth_user (UPPER(username))",
            f"DROP INDEX IF EXISTS {INDEX}",
        ),
    ]
