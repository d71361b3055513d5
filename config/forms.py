"""How every form renders: Django's form rendering API with our templates.

`{{ form }}` renders templates/forms/form.html (non-field errors, hidden
fields, then each visible field) and `{{ form.x.as_field_group }}` renders
templates/forms/field.html (label, widget, help text, errors). Templates come
from settings.TEMPLATES, so templates/django/forms/... overrides Django's own
(the non-field error box: templates/django/forms/errors/list/default.html).
"""

from django.forms.renderers import TemplatesSetting


class FormRenderer(TemplatesSetting):
    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"
