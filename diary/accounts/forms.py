from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.forms import SetPasswordMixin, UserCreationForm
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from diary.accounts.recovery import user_for_recovery_code
from diary.accounts.tokens import revoke_all_tokens


class SignupForm(UserCreationForm):
    """A username and a password, nothing else: no email, no name, no phone."""

    class Meta(UserCreationForm.Meta):
        fields = ("username",)
        help_texts = {
            "username": _(
                "Any name you like, it does not need to be your real one. Letters, digits and "
                "@ . + - _ only."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update(
            {"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        )
        self.fields["password1"].label = _("Password")
        self.fields["password2"].label = _("Password again")
        self.fields["password2"].help_text = _("Type the same password again, to be sure.")

    def validate_password_for_user(self, user, password_field_name="password1"):
        # Django flags a weak password under the second box ("again"); people look for it
        # under the first, where they chose it.
        super().validate_password_for_user(user, password_field_name)

    def add_taken_error(self):
        """The usual "taken" message (Django's own, checked whatever the case by
        UserCreationForm), for a name someone else took after the form checked it."""
        message = self.instance.unique_error_message(self._meta.model, ["username"])
        self.add_error("username", message)


class RecoveryForm(SetPasswordMixin, forms.Form):
    """Set a new password with the username and the recovery code shown at sign-up."""

    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )
    recovery_code = forms.CharField(
        label=_("Recovery code"),
        max_length=64,
        help_text=_("The code you saved when you signed up, for example ABCDE-FGHJK-MNPQR-STVWX."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )
    new_password1, new_password2 = SetPasswordMixin.create_password_fields(
        label1=_("New password"), label2=_("New password again")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = None

    def clean(self):
        cleaned = super().clean()
        username, code = cleaned.get("username"), cleaned.get("recovery_code")
        if username and code:
            self.user = user_for_recovery_code(username, code)
            if self.user is None:
                # One message for both cases, so the form does not reveal which usernames exist.
                self.add_error(
                    "recovery_code",
                    _("This recovery code does not match that username. Check both and try again."),
                )
        if self.user is not None:
            self.validate_passwords("new_password1", "new_password2")
            self.validate_password_for_user(self.user, "new_password1")
        return cleaned

    def save(self):
        self.user.set_password(self.cleaned_data["new_password1"])
        # A new password shuts out every device that signed in with the old one.
        with transaction.atomic():
            self.user.save(update_fields=["password"])
            revoke_all_tokens(self.user)
        return self.user


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    """Django's, with a weak new password flagged under "New password", where it was typed,
    not under "again"."""

    def clean(self):
        self.validate_passwords("new_password1", "new_password2")
        self.validate_password_for_user(self.user, "new_password1")
        return self.cleaned_data

    def save(self, commit=True):
        # A new password shuts out every device that signed in with the old one (this
        # browser stays signed in: Django's view updates its session).
        with transaction.atomic():
            user = super().save(commit)
            if commit:
                revoke_all_tokens(user)
        return user


class ConfirmPasswordForm(forms.Form):
    """Asked before replacing the recovery code, so a borrowed unlocked phone cannot do it."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("That is not your current password."))
        return password
