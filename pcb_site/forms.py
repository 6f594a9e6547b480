from django.forms.renderers import TemplatesSetting


class FormRenderer(TemplatesSetting):
    """Renders every field with templates/forms/field.html (label, hint, error, control)."""

    field_template_name = "forms/field.html"
