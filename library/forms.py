"""Forms of the library: its filters, and a question as a coach or a couple
writes it (PromptForm)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import PromptKind

PROMPT_FORM_FIELDS = ["kind", "text", "scale_min_label", "scale_max_label", "choices"]


class PromptForm(forms.Form):
    """The fields of a question; the rules are PromptFields.clean()."""

    # Radios rather than a select: the editor's CSS shows the chosen kind's
    # fields from the checked radio (a select's selected option is not
    # matched reliably by :has() when the page loads).
    kind = forms.ChoiceField(label=_("Kind of answer"), choices=PromptKind.choices, widget=forms.RadioSelect)
    text = forms.CharField(
        label=_("Question"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    scale_min_label = forms.CharField(label=_("What 1 means (scale)"), max_length=60, required=False)
    scale_max_label = forms.CharField(label=_("What 10 means (scale)"), max_length=60, required=False)
    choices = forms.CharField(
        label=_("Options (single choice), one per line"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_choices(self):
        return [line.strip() for line in self.cleaned_data["choices"].splitlines() if line.strip()]

    def clean(self):
        """The editor shows only the fields of the kind chosen; what was
        typed into another kind's fields (now out of sight) is not kept."""
        data = super().clean()
        if data.get("kind") != PromptKind.SCALE:
            data["scale_min_label"] = data["scale_max_label"] = ""
        if data.get("kind") != PromptKind.CHOICE:
            data["choices"] = []
        return data

    @classmethod
    def for_prompt(cls, prompt):
        return cls(
            initial={
                "kind": prompt.kind,
                "text": prompt.text,
                "scale_min_label": prompt.scale_min_label,
                "scale_max_label": prompt.scale_max_label,
                "choices": "\n".join(prompt.choices),
            }
        )


class LibraryFilterForm(forms.Form):
    """The library's search box and filters (GET). A value that is not
    offered is reported and ignored, never a server error."""

    LENGTHS = {"short": range(0, 4), "medium": range(4, 7), "long": range(7, 10_000)}

    q = forms.CharField(label=_("Search"), required=False, max_length=200, strip=True)
    theme = forms.ChoiceField(label=_("Theme"), required=False)
    length = forms.ChoiceField(
        label=_("Reading time"),
        required=False,
        choices=[
            ("", _("Any length")),
            ("short", _("Up to 3 minutes")),
            ("medium", _("4–6 minutes")),
            ("long", _("7 minutes or more")),
        ],
    )

    def __init__(self, data, *, themes):
        super().__init__(data)
        self.fields["theme"].choices = [("", _("All themes")), *((t.slug, t.translated("name")) for t in themes)]

    def value(self, name):
        """The cleaned value, or empty where it was not valid."""
        if not self.is_valid() and name in self.errors:
            return ""
        return self.cleaned_data.get(name, "")


# Bringing an article of our own
