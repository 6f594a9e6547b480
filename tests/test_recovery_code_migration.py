"""Recovery codes moved from the diary app to the accounts app (diary.accounts): a code
saved before the move still opens the account after it."""

import pytest
from django.contrib.auth.hashers import make_password
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from diary.accounts.models import RecoveryCode
from diary.accounts.recovery import normalise, user_for_recovery_code

# The last diary migration before the move, and no accounts migration at all.
BEFORE = ("diary", "0003_episode_recent_procedure_assessment_when_logged")
CODE = "ABCDE-FGHJK-MNPQR-STVWX"


def test_the_model_belongs_to_accounts_and_keeps_its_table():
    assert RecoveryCode._meta.app_label == "accounts"
    assert RecoveryCode._meta.db_table == "diary_recoverycode"


@pytest.mark.django_db(transaction=True)
def test_a_code_saved_before_the_move_still_recovers_the_account(client):
    executor = MigrationExecutor(connection)
    after = executor.loader.graph.leaf_nodes()
    try:
        executor.migrate([BEFORE, ("accounts", None)])
        old = MigrationExecutor(connection).loader.project_state(BEFORE).apps
        with pytest.raises(LookupError):
            old.get_model("accounts", "RecoveryCode")
        user = old.get_model("auth", "User").objects.create(username="before-the-move")
        old.get_model("diary", "RecoveryCode").objects.create(
            user_id=user.pk, code_hash=make_password(normalise(CODE))
        )
    finally:
        MigrationExecutor(connection).migrate(after)

    stored = RecoveryCode.objects.get(user__username="before-the-move")
    assert user_for_recovery_code("before-the-move", CODE) == stored.user

    new_password = "river-stone-meadow-77"
    response = client.post(
        "/accounts/recover/",
        {
            "username": "before-the-move",
            "recovery_code": CODE,
            "new_password1": new_password,
            "new_password2": new_password,
        },
        follow=True,
    )
    assert response.context["user"].is_authenticated
    assert response.context["code"] not in (None, CODE)
    # The new code replaced the old row: one code per person, the old one no longer works.
    assert RecoveryCode.objects.filter(user=stored.user).count() == 1
    assert user_for_recovery_code("before-the-move", CODE) is None
