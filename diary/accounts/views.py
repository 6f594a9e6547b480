"""Sign up, show the recovery code once, recover, and the account page.

Log in, log out and change password are Django's own views (see urls.py).
"""

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from diary.accounts.forms import ConfirmPasswordForm, RecoveryForm, SignupForm
from diary.accounts.recovery import issue_recovery_code
from pcb_site.forms import submitted

# The plain code waits in the session only until the next page shows it, then it is gone.
SESSION_KEY = "recovery_code_to_show"


def _show_new_code(request, user):
    request.session[SESSION_KEY] = issue_recovery_code(user)
    return redirect("recovery_code")


@sensitive_post_parameters("password1", "password2")
@require_http_methods(["GET", "POST"])
def signup(request):
    if request.user.is_authenticated:
        return redirect("account")
    form = SignupForm(submitted(request))
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return _show_new_code(request, user)
    return render(request, "registration/signup.html", {"form": form})


@login_required
def recovery_code(request):
    code = request.session.pop(SESSION_KEY, None)
    return render(request, "registration/recovery_code.html", {"code": code})


def lockout_minutes():
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def locked_out(request, original_response=None, credentials=None):
    """django-axes calls this when an account or a client is locked out."""
    context = {"lockout_minutes": lockout_minutes()}
    return render(request, "registration/locked_out.html", context, status=429)


@sensitive_post_parameters("recovery_code", "new_password1", "new_password2")
@require_http_methods(["GET", "POST"])
def recover(request):
    form = RecoveryForm(submitted(request))
    if request.method == "POST":
        # The recovery code is a second password: the same lockout as the login form.
        credentials = {"username": request.POST.get("username", "")}
        if not AxesProxyHandler.is_allowed(request, credentials):
            return locked_out(request)
        if not form.is_valid() and form.user is None and "recovery_code" in form.errors:
            user_login_failed.send(sender=RecoveryForm, credentials=credentials, request=request)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(
            request,
            _("Your password is changed. Your old code no longer works: save this new one."),
        )
        return _show_new_code(request, user)
    return render(request, "registration/recover.html", {"form": form})


@login_required
def account(request):
    return render(request, "registration/account.html")


@sensitive_post_parameters("password")
@login_required
@require_http_methods(["GET", "POST"])
def new_recovery_code(request):
    form = ConfirmPasswordForm(request.user, submitted(request))
    if request.method == "POST" and form.is_valid():
        messages.success(request, _("Your old recovery code no longer works: save this new one."))
        return _show_new_code(request, request.user)
    return render(request, "registration/new_recovery_code.html", {"form": form})
