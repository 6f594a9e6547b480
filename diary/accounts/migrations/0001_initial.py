"""RecoveryCode moves here from the diary app (diary 0001 made it, diary 0004 lets go).

State only: the table diary_recoverycode and its rows stay as they are (see the model's
db_table), so nothing is copied and no one's recovery code stops working.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("diary", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="RecoveryCode",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("code_hash", models.CharField(max_length=256)),
                        ("created_at", models.DateTimeField(auto_now=True)),
                        (
                            "user",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="recovery_code",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "recovery code",
                        "db_table": "diary_recoverycode",
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
