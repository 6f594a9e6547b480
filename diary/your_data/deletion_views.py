"""The automatic deletion setting, chosen on the account page
(templates/diary/your_data/account_deletion.html)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from diary import services
from diary.your_data import retention


class AutoDeleteForm(forms.Form):
    # "" is "never"; the account page's radio buttons send one of "", 6, 12, 24.
    auto_delete_months = forms.TypedChoiceField(
        label=gettext_lazy("Delete episodes automatically"),
        choices=[("", gettext_lazy("Never")), *((str(m), str(m)) for m in retention.AGES)],
        coerce=int,
        empty_value=None,
        required=False,
        error_messages={"invalid_choice": gettext_lazy("Choose 6, 12 or 24 months, or never.")},
    )

    def clean_auto_delete_months(self):
        return retention.validate_months(self.cleaned_data["auto_delete_months"])


@login_required
@require_POST
def auto_delete(request):
    form = AutoDeleteForm(request.POST)
    if not form.is_valid():
        # Only a tampered post gets here (the page offers valid choices only): the setting
        # again, with the message next to it.
        return render(request, "registration/delete_account_auto.html", {"form": form}, status=400)
    months = form.cleaned_data["auto_delete_months"]
    profile = services.get_or_create_profile(request.user)
    services.update_profile(profile, {"auto_delete_months": months})
    if months is None:
        message = _("Automatic deletion is off: your episodes are kept until you delete them.")
    else:
        deleted = retention.delete_old_episodes(profile)
        message = _("Episodes older than %(months)s months are now deleted automatically.") % {
            "months": months
        }
        if deleted:
            message += " " + ngettext(
                "%(count)s older episode was deleted.",
                "%(count)s older episodes were deleted.",
                deleted,
            ) % {"count": deleted}
    messages.success(request, message)
    return redirect(reverse("account") + "#auto-delete")
