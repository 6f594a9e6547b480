from django import forms
from django.forms.renderers import TemplatesSetting


class FormRenderer(TemplatesSetting):
    """Renders every field with templates/forms/field.html (label, hint, error, control)."""

    field_template_name = "forms/field.html"


def submitted(request):
    """The posted data for a form, or None on GET. Not `request.POST or None`: an empty
    POST (every field left out) must still be validated, not shown as a fresh form."""
    return request.POST if request.method == "POST" else None


def radio_field(label, choices, *, initial=None, help_text="", required=False, compact=False):
    """Radio buttons as large tappable rows; `compact` puts short choices side by side
    (templates/forms/field.html). Keyword-only, so that no call can mix up its arguments."""
    return forms.ChoiceField(
        label=label,
        choices=choices,
        initial=initial,
        help_text=help_text,
        required=required,
        widget=forms.RadioSelect(attrs={"class": "compact"} if compact else None),
    )
