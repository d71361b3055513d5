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

from .models import SCALE_MAX, SCALE_MIN, Answer, Article, BankQuestion, Prompt, PromptKind


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

    def clean(self, value):
        for raw in value if isinstance(value, list | tuple) else ():
            if whole_number(raw) is None:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": raw}
                )
        return super().clean(value)


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

    # Radios rather than a select: the editor's CSS shows the chosen kind's
    # fields from the checked radio (a select's selected option is not
    # matched reliably by :has() when the page loads).
    kind = forms.ChoiceField(label="Kind of answer", choices=PromptKind.choices, widget=forms.RadioSelect)
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


# Bringing an article of our own


class ArticleLinkForm(forms.Form):
    """A coach's "fill in from a link": the page is read for its details."""

    url = forms.URLField(
        label="Fill in from a link",
        max_length=500,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"placeholder": "https://…"}),
    )


class BringLinkForm(forms.Form):
    """Step one: a link to the article, or its text pasted (for a piece
    behind a paywall). The text is read for suggestions, never stored."""

    url = forms.URLField(label="Link to the article", required=False, max_length=500, assume_scheme="https")
    text = forms.CharField(
        label="Or paste its text",
        required=False,
        max_length=200_000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Only to suggest questions and a reading time; Twofold does not keep it.",
    )

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not (cleaned.get("url") or cleaned.get("text", "").strip()):
            raise forms.ValidationError("Paste a link to the article, or its text.")
        return cleaned


class BringDetailsForm(forms.Form):
    """Step two: what we show of the article (its link and details, filled
    in from the page where it could be), a line of our own, and the bank
    questions chosen."""

    url = forms.URLField(label="Link to the article", required=False, max_length=500, assume_scheme="https")
    title = forms.CharField(label="Title", max_length=200)
    site_name = forms.CharField(label="Published by", max_length=200, required=False)
    author = forms.CharField(label="Author", max_length=200, required=False)
    published = forms.DateField(
        label="Published on", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    description = forms.CharField(
        label="What it is about", max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    image_url = forms.URLField(label="Image", max_length=500, required=False, widget=forms.HiddenInput)
    reading_minutes = forms.IntegerField(label="Reading time (minutes)", min_value=1, max_value=300, required=False)
    note = forms.CharField(
        label="Why this one? (a line or two for your partner)",
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    questions = forms.ModelMultipleChoiceField(
        label="Questions from Twofold’s bank",
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


PROMPT_FORM_FIELDS = ["kind", "text", "scale_min_label", "scale_max_label", "choices"]
OwnQuestionFormSet = forms.formset_factory(OwnQuestionForm, extra=3, max_num=3, absolute_max=3)


class BankPickForm(forms.Form):
    """Questions a coach adds to an article from the bank."""

    questions = forms.ModelMultipleChoiceField(
        label="Questions from Twofold’s bank",
        queryset=BankQuestion.objects.select_related("theme"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Tick at least one question to add."},
    )
