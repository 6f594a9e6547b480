"""Sign up, sign in, show the recovery code once, recover, and the account page.

Log out and change password are Django's own views (see urls.py).
"""

import math

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from diary import services
from diary.accounts import lockout
from diary.accounts.deletion import delete_account as delete_everything
from diary.accounts.forms import ConfirmPasswordForm, RecoveryForm, SignupForm
from diary.accounts.recovery import hold_code_to_show, issue_recovery_code, take_code_to_show
from diary.accounts.tokens import live_tokens, revoke_all_tokens, revoke_token
from pcb_site.forms import submitted
from pcb_site.language import restore_saved_language
from pcb_site.rate_limits import count_request

# The session keeps a reference to a new code held encrypted until the next page shows it, or
# while Redis is down the code itself, encrypted (diary.accounts.recovery.hold_code_to_show).
SESSION_KEY = "recovery_code_to_show"
# Where to go once the new code is saved: sign-up keeps ?next= (a self-check result waiting
# to be saved in the diary, say), but only to a page of this site.
NEXT_KEY = "after_recovery_code"


def safe_next(request):
    """The ?next= (or posted next) address when it is a page of this site, else ""."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return wanted if allowed else ""


def _show_new_code(request, user):
    request.session[SESSION_KEY] = hold_code_to_show(issue_recovery_code(user))
    return redirect("recovery_code")


@sensitive_post_parameters("password1", "password2")
@require_http_methods(["GET", "POST"])
def signup(request):
    next_url = safe_next(request)
    if request.user.is_authenticated:
        return redirect(next_url or "account")
    if request.method == "POST":
        limited, seconds_left = count_request(request, "signup", settings.SIGNUP_RATE_LIMIT)
        if limited:
            return _signup_paused(request, seconds_left)
    form = SignupForm(submitted(request))
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                user = form.save()
        except IntegrityError:
            # Someone took the name (in any case) between the form's check and the save: the
            # database's unique index let one of them in (accounts migration 0003).
            form.add_taken_error()
        else:
            login(request, user)
            # The language this browser reads the site in is the one the new account keeps.
            services.remember_language(user, get_language())
            if next_url:
                request.session[NEXT_KEY] = next_url
            return _show_new_code(request, user)
    return render(request, "registration/signup.html", {"form": form, "next": next_url})


def _signup_paused(request, seconds_left):
    context = {"wait_minutes": math.ceil(seconds_left / 60)}
    response = render(request, "registration/signup_paused.html", context, status=429)
    response["Retry-After"] = str(seconds_left)
    return response


class LoginView(auth_views.LoginView):
    """Django's sign-in page; an attempt the lockout refused (the account or this client
    has used up its attempts, diary/accounts/lockout.py) gets the locked-out page."""

    redirect_authenticated_user = True

    def form_invalid(self, form):
        if lockout.was_refused(self.request):
            return lockout.locked_out(self.request)
        return super().form_invalid(form)

    def form_valid(self, form):
        return restore_saved_language(super().form_valid(form), form.get_user())


@login_required
def recovery_code(request):
    code = take_code_to_show(request.session.pop(SESSION_KEY, None))
    next_url = request.session.pop(NEXT_KEY, None)
    return render(
        request,
        "registration/recovery_code.html",
        {"code": code, "code_groups": code.split("-") if code else [], "next": next_url},
    )


@sensitive_post_parameters("recovery_code", "new_password1", "new_password2")
@require_http_methods(["GET", "POST"])
def recover(request):
    form = RecoveryForm(submitted(request))
    if request.method == "POST":
        # The recovery code is a second password: the same lockout as sign-in, counted
        # before the code is checked.
        attempt = lockout.count_attempt(request, request.POST.get("username", ""))
        if not attempt.allowed:
            return lockout.locked_out(request)
        if form.is_valid():
            attempt.succeeded()
            user = form.save()
            login(request, user)
            messages.success(
                request,
                _("Your password is changed. Your old code no longer works: save this new one."),
            )
            return restore_saved_language(_show_new_code(request, user), user)
        if form.user is not None:
            # The code was right and only the new password was refused: not a guess.
            attempt.succeeded()
    return render(request, "registration/recover.html", {"form": form})


@login_required
def account(request):
    devices = live_tokens(request.user).order_by("-created")
    context = {"devices": devices, "token_days": settings.API_TOKEN_DAYS}
    return render(request, "registration/account.html", context)


@login_required
@require_POST
def revoke_device(request, digest):
    # The name is read before the row goes, to say which device lost access.
    device = live_tokens(request.user).filter(digest=digest).first()
    if device is not None and revoke_token(request.user, digest):
        messages.success(
            request,
            _("“%(name)s” is signed out: it can no longer read or change your diary.")
            % {"name": device.name},
        )
    return redirect("account")


@login_required
@require_POST
def revoke_all_devices(request):
    revoke_all_tokens(request.user)
    messages.success(
        request, _("Every app and device is signed out: none can read or change your diary now.")
    )
    return redirect("account")


@sensitive_post_parameters("password")
@login_required
@require_http_methods(["GET", "POST"])
def new_recovery_code(request):
    form = ConfirmPasswordForm(request.user, submitted(request))
    if request.method == "POST" and form.is_valid():
        messages.success(request, _("Your old recovery code no longer works: save this new one."))
        return _show_new_code(request, request.user)
    return render(request, "registration/new_recovery_code.html", {"form": form})


@sensitive_post_parameters("password")
@login_required
@require_http_methods(["GET", "POST"])
def delete_account(request):
    """Delete the account and everything of it, after the password: a borrowed unlocked
    phone cannot do it, and guessing is counted by the same lockout as sign-in."""
    form = ConfirmPasswordForm(request.user, submitted(request))
    if request.method == "POST":
        attempt = lockout.count_attempt(request, request.user.get_username())
        if not attempt.allowed:
            return lockout.locked_out(request)
        if form.is_valid():
            attempt.succeeded()
            delete_everything(request.user)
            logout(request)
            messages.success(
                request,
                _("Your account and your whole diary are deleted."),
            )
            return redirect("home")
    return render(request, "registration/delete_account.html", {"form": form})
