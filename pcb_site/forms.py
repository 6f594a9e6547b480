from django.forms.renderers import TemplatesSetting


class FormRenderer(TemplatesSetting):
    """Renders every field with templates/forms/field.html (label, hint, error, control)."""

    field_template_name = "forms/field.html"


def submitted(request):
    """The posted data for a form, or None on GET. Not `request.POST or None`: an empty
    POST (every field left out) must still be validated, not shown as a fresh form."""
    return request.POST if request.method == "POST" else None
