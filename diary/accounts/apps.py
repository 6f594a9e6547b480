from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Sign-up, sign-in, the recovery code and the account page: private, so inside diary/."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "diary.accounts"
    label = "accounts"
