"""Forms of the coach's workspace: the coach's profile, an article, a link to fill it from,
questions picked from the bank, and an assignment to client couples."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Couple
from accounts.selectors import clients_of
from core.numbers import whole_number
from library.models import Article, BankQuestion


class CoachProfileForm(forms.Form):
    name = forms.CharField(label=_("Name shown to clients"), max_length=80)
    practice = forms.CharField(label=_("Practice"), max_length=120, required=False)
    bio = forms.CharField(
        label=_("Short bio"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class ClientCouplesField(forms.ModelMultipleChoiceField):
    """Tampered ids (huge, non-numeric) are an invalid choice, never a 500."""

    def clean(self, value):
        for raw in value if isinstance(value, list | tuple) else ():
            if whole_number(raw) is None:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": raw}
                )
        return super().clean(value)


class ArticleForm(forms.ModelForm):
    class Meta:
        model = Article
        fields = ["title", "source_title", "source_name", "source_url", "summary", "visibility", "status"]
        labels = {
            "source_title": _("Title of the original"),
            "source_name": _("Author or publication"),
            "summary": _("Your summary, in your own words"),
            "visibility": _("Who can see it"),
        }
        widgets = {"summary": forms.Textarea(attrs={"rows": 8})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A coach's article summarises a piece published elsewhere: its
        # source is what the summary credits.
        for name in ["source_title", "source_name", "source_url"]:
            self.fields[name].required = True


class ArticleLinkForm(forms.Form):
    """A coach's "fill in from a link": the page is read for its details."""

    url = forms.URLField(
        label=_("Fill in from a link"),
        max_length=500,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"placeholder": "https://…"}),
    )


class AssignForm(forms.Form):
    article = forms.ModelChoiceField(label=_("Article"), queryset=Article.objects.none())
    couples = ClientCouplesField(
        label=_("Couples"),
        queryset=Couple.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": _(
                "You can only assign to couples you coach; one of these is not your client (any more)."
            ),
        },
    )
    note = forms.CharField(
        label=_("A note for them (optional)"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    due_date = forms.DateField(
        label=_("Due date (optional)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, coach, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["article"].queryset = Article.objects.assignable_by(coach).order_by("title")
        self.fields["article"].label_from_instance = lambda article: article.translated("title")
        self.fields["couples"].queryset = Couple.objects.filter(
            pk__in=clients_of(coach).values("couple")
        ).prefetch_related("memberships__user")
        self.fields["couples"].label_from_instance = lambda couple: " & ".join(
            m.user.name for m in couple.memberships.all()
        )


class BankPickForm(forms.Form):
    """Questions a coach adds to an article from the bank."""

    questions = forms.ModelMultipleChoiceField(
        label=_("Questions from Twofold’s bank"),
        queryset=BankQuestion.objects.select_related("theme"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Tick at least one question to add.")},
    )


class CoachNoteForm(forms.Form):
    """A private note on a client couple. How long a note may be is the
    service's rule (practice.notes.note_save), said beside the box."""

    text = forms.CharField(
        label=_("Note"),
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Write something first: an empty note is not kept.")},
    )
    written_on = forms.DateField(
        label=_("Date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _("Give the note a date."),
            "invalid": _("That is not a date: write it as year-month-day, like 2025-03-14."),
        },
    )


class ArticleTranslationForm(forms.Form):
    """A coach's translation of their article into another language: its
    title and summary, and each question's words, shown beside the words as
    written. A choice keeps as many options as it has, in the same order."""

    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 6}))

    def __init__(self, data=None, *, article, prompts, language):
        words = article.translations.get(language, {})
        super().__init__(data, initial={"title": words.get("title", ""), "summary": words.get("summary", "")})
        self.prompts = prompts
        for prompt in prompts:
            theirs = prompt.translations.get(language, {})
            self.fields[f"p{prompt.pk}-text"] = forms.CharField(
                label=_("Question"), max_length=500, initial=theirs.get("text", "")
            )
            if prompt.is_scale:
                for end, label in (("scale_min_label", _("What 1 means")), ("scale_max_label", _("What 10 means"))):
                    self.fields[f"p{prompt.pk}-{end}"] = forms.CharField(
                        label=label, max_length=60, initial=theirs.get(end, "")
                    )
            if prompt.is_choice:
                self.fields[f"p{prompt.pk}-choices"] = forms.CharField(
                    label=_("Options, one per line, in the same order"),
                    widget=forms.Textarea(attrs={"rows": len(prompt.choices) + 1}),
                    initial="\n".join(theirs.get("choices", [])),
                )

    def groups(self):
        """(question as written, its fields) for the template."""
        return [
            (prompt, [self[name] for name in self.fields if name.startswith(f"p{prompt.pk}-")])
            for prompt in self.prompts
        ]

    def clean(self):
        data = super().clean()
        for prompt in (prompt for prompt in self.prompts if prompt.is_choice):
            name = f"p{prompt.pk}-choices"
            options = [line.strip() for line in data.get(name, "").splitlines() if line.strip()]
            if name in data and len(options) != len(prompt.choices):
                self.add_error(
                    name,
                    _("Give %(count)s options, one per line, in the order of the original.")
                    % {"count": len(prompt.choices)},
                )
        return data

    def words(self) -> dict:
        return {"title": self.cleaned_data["title"], "summary": self.cleaned_data["summary"]}

    def prompt_words(self) -> dict:
        """Each question's words, by its id, as library.models.Translated keeps them."""
        found = {}
        for prompt in self.prompts:
            words = {
                name.split("-", 1)[1]: self.cleaned_data[name]
                for name in self.fields
                if name.startswith(f"p{prompt.pk}-") and not name.endswith("-choices")
            }
            if prompt.is_choice:
                lines = self.cleaned_data[f"p{prompt.pk}-choices"].splitlines()
                words["choices"] = [line.strip() for line in lines if line.strip()]
            found[prompt.pk] = words
        return found
