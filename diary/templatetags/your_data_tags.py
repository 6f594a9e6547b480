"""The import form on the account page, which the account view knows nothing about."""

from django import template

from diary.your_data.importing import ImportForm

register = template.Library()


@register.inclusion_tag("diary/your_data/import_form.html", takes_context=True)
def import_form(context, form=None):
    """The upload form: unbound on the account page, bound with its errors on its own page."""
    return {"form": form or ImportForm(), "csrf_token": context.get("csrf_token")}
