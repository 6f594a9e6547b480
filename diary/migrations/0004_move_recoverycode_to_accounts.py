"""RecoveryCode now belongs to the accounts app (diary.accounts, migration 0001).

State only: the table diary_recoverycode stays, with every row, now owned by accounts.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("diary", "0003_episode_recent_procedure_assessment_when_logged"),
        # Accounts takes the model over first, so at no point does the table lack an owner.
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="RecoveryCode")],
            database_operations=[],
        ),
    ]
