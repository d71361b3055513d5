"""Forms of the coach's workspace: the coach's profile, an article, a link to fill it from,
questions picked from the bank, and an assignment to client couples."""

from django import forms

from accounts.models import Couple
from accounts.selectors import clients_of
from core.numbers import whole_number
from library.models import Article, BankQuestion


class CoachProfileForm(forms.Form):
    name = forms.CharField(label="Name shown to clients", max_length=80)
    practice = forms.CharField(label="Practice", max_length=120, required=False)
    bio = forms.CharField(label="Short bio", max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 4}))


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


class ArticleLinkForm(forms.Form):
    """A coach's "fill in from a link": the page is read for its details."""

    url = forms.URLField(
        label="Fill in from a link",
        max_length=500,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"placeholder": "https://…"}),
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


class BankPickForm(forms.Form):
    """Questions a coach adds to an article from the bank."""

    questions = forms.ModelMultipleChoiceField(
        label="Questions from Twofold’s bank",
        queryset=BankQuestion.objects.select_related("theme"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Tick at least one question to add."},
    )


class CoachNoteForm(forms.Form):
    """A private note on a client couple. How long a note may be is the
    service's rule (practice.notes.note_save), said beside the box."""

    text = forms.CharField(
        label="Note",
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Write something first: an empty note is not kept."},
    )
    written_on = forms.DateField(
        label="Date",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": "Give the note a date.",
            "invalid": "That is not a date: write it as year-month-day, like 2025-03-14.",
        },
    )
