"""The GOV.UK error pattern's shared pieces (templates/includes/forms/, allauth's elements).

* ``{{ field|error_anchor }}``: where an error summary link about ``field`` goes, always a
  control that can take focus: the first box of a date, the first radio or checkbox of a group,
  the id a form names for a field it renders by hand (``field.error_anchor``), otherwise the
  field's own input, select or text area.
* ``{% error_title_prefix %}``: "Error: " when the page shows a form with errors, for the start of
  the ``<title>`` (base.html). A view (or template) that knows better says so with
  ``page_has_errors`` (true or false) in the context; otherwise the page has errors when any bound
  form in the context (or in a list, tuple or dict there) has errors, unless the context sets
  ``show_errors`` false (a form bound only to keep what was typed, such as the statement picker's
  "Find"), or the form's class sets ``errors_shown = False`` (a filter that ignores what does
  not fit).
"""

from django import forms, template
from django.forms.formsets import BaseFormSet

register = template.Library()

GROUP_WIDGETS = (forms.RadioSelect, forms.CheckboxSelectMultiple)


@register.filter
def error_anchor(field) -> str:
    """The id an error summary link about the bound field ``field`` points at."""
    anchor = getattr(field, "anchor_id", "") or getattr(field.field, "error_anchor", "")
    if anchor:
        return anchor
    if isinstance(getattr(field.field, "widget", None), GROUP_WIDGETS):
        options = list(field.subwidgets)
        if options:
            return options[0].id_for_label
    return field.auto_id


def _has_errors(value) -> bool:
    if not getattr(value, "errors_shown", True):  # a form whose page never shows its errors
        return False
    if isinstance(value, forms.BaseForm):
        return value.is_bound and bool(value.errors)
    if isinstance(value, BaseFormSet):
        return value.is_bound and value.total_error_count() > 0
    return False


def page_has_errors(context) -> bool:
    """Whether the page rendered with ``context`` shows a form with errors (module docstring)."""
    flat = context.flatten() if hasattr(context, "flatten") else dict(context)
    if "page_has_errors" in flat and flat["page_has_errors"] is not None:
        return bool(flat["page_has_errors"])
    if "show_errors" in flat and not flat["show_errors"]:
        return False
    for value in flat.values():
        if _has_errors(value):
            return True
        if isinstance(value, dict):
            inner = value.values()
        elif isinstance(value, list | tuple):
            inner = value
        else:
            continue
        if any(_has_errors(item) for item in inner):
            return True
    return False


@register.simple_tag(takes_context=True)
def error_title_prefix(context) -> str:
    return "Error: " if page_has_errors(context) else ""
