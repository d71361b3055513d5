"""Forms: answers as partners post them, and a coach's articles, questions
and assignments.

Answers: each prompt's fields carry the prefix `p<prompt id>-`; a hidden
`shown` field says the prompt was in the form, so an unticked pass box or an
empty scale still counts as sent."""

from dataclasses import dataclass

from django import forms

from accounts.models import Couple
from accounts.selectors import clients_of
from core.numbers import whole_number

from .models import SCALE_MAX, SCALE_MIN, Answer, Article, PromptKind


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


class ClientCouplesField(forms.ModelMultipleChoiceField):
    """Tampered ids (huge, non-numeric) are an invalid choice, never a 500."""

    def _check_values(self, value):
        if any(whole_number(v) is None for v in value):
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super()._check_values(value)


def field_name(prompt, name):
    return f"p{prompt.pk}-{name}"


def parse_answer(prompt, data):
    """The answer posted for `prompt`, or None when the form did not show it."""
    if field_name(prompt, "shown") not in data:
        return None
    answer = PostedAnswer(passed=data.get(field_name(prompt, "passed")) == "on")
    answer.version = whole_number(data.get(field_name(prompt, "version")))
    if prompt.is_scale:
        raw = data.get(field_name(prompt, "scale"), "").strip()
        if raw:
            try:
                answer.scale_value = int(raw)
            except ValueError:
                answer.error = f"Choose a number from {SCALE_MIN} to {SCALE_MAX}."
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


class ArticleForm(forms.ModelForm):
    class Meta:
        model = Article
        fields = ["title", "source_title", "source_name", "source_url", "summary", "visibility", "status"]
        labels = {
            "source_title": "Title of the original",
            "source_name": "Author or publication",
            "summary": "Your summary, in your own words",
            "visibility": "Who can see it",
        }
        widgets = {"summary": forms.Textarea(attrs={"rows": 8})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A coach's article summarises a piece published elsewhere: its
        # source is what the summary credits.
        for name in ["source_title", "source_name", "source_url"]:
            self.fields[name].required = True


class PromptForm(forms.Form):
    """The fields of a question; the rules are PromptFields.clean()."""

    kind = forms.ChoiceField(label="Kind of answer", choices=PromptKind.choices)
    text = forms.CharField(label="Question", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    scale_min_label = forms.CharField(label="What 1 means (scale)", max_length=60, required=False)
    scale_max_label = forms.CharField(label="What 10 means (scale)", max_length=60, required=False)
    choices = forms.CharField(
        label="Options (single choice), one per line",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_choices(self):
        return [line.strip() for line in self.cleaned_data["choices"].splitlines() if line.strip()]

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


class AssignForm(forms.Form):
    article = forms.ModelChoiceField(label="Article", queryset=Article.objects.none())
    couples = ClientCouplesField(
        label="Couples",
        queryset=Couple.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": "You can only assign to couples you coach; one of these is not your client (any more).",
        },
    )
    note = forms.CharField(
        label="A note for them (optional)", max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    due_date = forms.DateField(
        label="Due date (optional)", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, coach, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["article"].queryset = Article.objects.assignable_by(coach).order_by("title")
        self.fields["couples"].queryset = Couple.objects.filter(
            pk__in=clients_of(coach).values("couple")
        ).prefetch_related("memberships__user")
        self.fields["couples"].label_from_instance = lambda couple: " & ".join(
            m.user.name for m in couple.memberships.all()
        )


class LibraryFilterForm(forms.Form):
    """The library's search box and filters (GET). A value that is not
    offered is reported and ignored, never a server error."""

    LENGTHS = {"short": range(0, 4), "medium": range(4, 7), "long": range(7, 10_000)}

    q = forms.CharField(label="Search", required=False, max_length=200, strip=True)
    theme = forms.ChoiceField(label="Theme", required=False)
    length = forms.ChoiceField(
        label="Reading time",
        required=False,
        choices=[
            ("", "Any length"),
            ("short", "Up to 3 minutes"),
            ("medium", "4–6 minutes"),
            ("long", "7 minutes or more"),
        ],
    )

    def __init__(self, data, *, themes):
        super().__init__(data)
        self.fields["theme"].choices = [("", "All themes"), *((t.slug, t.name) for t in themes)]

    def value(self, name):
        """The cleaned value, or empty where it was not valid."""
        if not self.is_valid() and name in self.errors:
            return ""
        return self.cleaned_data.get(name, "")
