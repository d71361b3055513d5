"""Forms of reflections: answers as partners post them, and an article a
couple brings (its link, its details, their own questions).

Answers: each prompt's fields carry the prefix `p<prompt id>-`; a hidden
`shown` field says the prompt was in the form, so an unticked pass box or an
empty scale still counts as sent."""

from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _

from core.numbers import whole_number
from library.forms import PROMPT_FORM_FIELDS, PromptForm
from library.models import BankQuestion, Prompt, PromptKind, off_the_scale

from .models import Answer


@dataclass
class PostedAnswer:
    text: str = ""
    scale_value: int | None = None
    passed: bool = False
    error: str = ""
    version: int | None = None  # the saved version the form was loaded with

    @property
    def values(self):
        return {
            "text": self.text,
            "scale_value": self.scale_value,
            "passed": self.passed,
            "base_version": self.version,
        }


def field_name(prompt, name):
    return f"p{prompt.pk}-{name}"


# What a posted version that is no number becomes: one no saved answer has
# (versions start at 1), so the save is a conflict rather than an overwrite.
UNREADABLE_VERSION = -1


def posted_version(raw: str | None) -> int | None:
    """The saved version an answer's form was loaded with: None when the
    form sent none (nothing to compare), UNREADABLE_VERSION when what it
    sent is not one (tampered or mangled: it cannot prove it edits the
    latest answer)."""
    if raw is None or raw == "":
        return None
    version = whole_number(raw)
    return UNREADABLE_VERSION if version is None else version


def parse_answer(prompt, data):
    """The answer posted for `prompt`, or None when the form did not show it."""
    if field_name(prompt, "shown") not in data:
        return None
    answer = PostedAnswer(passed=data.get(field_name(prompt, "passed")) == "on")
    answer.version = posted_version(data.get(field_name(prompt, "version")))
    if prompt.is_scale:
        raw = data.get(field_name(prompt, "scale"), "").strip()
        if raw:
            try:
                answer.scale_value = int(raw)
            except ValueError:
                answer.error = off_the_scale()
    else:
        answer.text = data.get(field_name(prompt, "text"), "")
    return answer


def answer_form(saved: Answer | None, posted: PostedAnswer | None = None) -> PostedAnswer:
    """What the form shows for one prompt: what was just posted, so that
    nothing typed is lost on an error, else the saved answer."""
    if posted is not None:
        return posted
    if saved is None:
        return PostedAnswer(version=0)
    return PostedAnswer(text=saved.text, scale_value=saved.scale_value, passed=saved.passed, version=saved.version)


class BringLinkForm(forms.Form):
    """Step one: a link to the article, or its text pasted (for a piece
    behind a paywall). The text is read for suggestions, never stored."""

    url = forms.URLField(label=_("Link to the article"), required=False, max_length=500, assume_scheme="https")
    text = forms.CharField(
        label=_("Or paste its text"),
        required=False,
        max_length=200_000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Only to suggest questions and a reading time; Twofold does not keep it."),
    )

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not (cleaned.get("url") or cleaned.get("text", "").strip()):
            raise forms.ValidationError(_("Paste a link to the article, or its text."))
        return cleaned


class BringDetailsForm(forms.Form):
    """Step two: what we show of the article (its link and details, filled
    in from the page where it could be), a line of our own, and the bank
    questions chosen."""

    url = forms.URLField(label=_("Link to the article"), required=False, max_length=500, assume_scheme="https")
    title = forms.CharField(label=_("Title"), max_length=200)
    site_name = forms.CharField(label=_("Published by"), max_length=200, required=False)
    author = forms.CharField(label=_("Author"), max_length=200, required=False)
    published = forms.DateField(
        label=_("Published on"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    description = forms.CharField(
        label=_("What it is about"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    image_url = forms.URLField(label=_("Image"), max_length=500, required=False, widget=forms.HiddenInput)
    reading_minutes = forms.IntegerField(label=_("Reading time (minutes)"), min_value=1, max_value=300, required=False)
    note = forms.CharField(
        label=_("Why this one? (a line or two for your partner)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    questions = forms.ModelMultipleChoiceField(
        label=_("Questions from Twofold’s bank"),
        queryset=BankQuestion.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    # The suggested questions' ids, carried through a re-render so the
    # article's text is never needed (or kept) again.
    suggested = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["questions"].queryset = BankQuestion.objects.select_related("theme")

    def suggested_ids(self) -> list[int]:
        raw = self.data.get("suggested", "") if self.is_bound else self.initial.get("suggested", "")
        return [int(part) for part in str(raw).split(",") if part.strip().isdigit()][:20]


class OwnQuestionForm(PromptForm):
    """A question of our own; left empty, it is no question."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].initial = PromptKind.TEXT  # so that an untouched form counts as empty

    def clean(self):
        cleaned = super().clean()
        if self.errors or not cleaned.get("text", "").strip():
            return cleaned
        fields = {name: cleaned.get(name) or ("" if name != "choices" else []) for name in PROMPT_FORM_FIELDS}
        try:
            Prompt(**fields).clean()
        except forms.ValidationError as error:
            for name, messages in error.message_dict.items():
                self.add_error(name if name in self.fields else None, messages)
        return cleaned

    def question(self) -> dict | None:
        if not self.cleaned_data.get("text", "").strip():
            return None
        return {name: self.cleaned_data.get(name) or ("" if name != "choices" else []) for name in PROMPT_FORM_FIELDS}


OwnQuestionFormSet = forms.formset_factory(OwnQuestionForm, extra=3, max_num=3, absolute_max=3)
