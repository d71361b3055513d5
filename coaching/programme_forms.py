"""Forms of a coach's programmes: the programme itself, one step, and a
client couple to run it with. The rules are practice.programmes'; these
forms read what was chosen and say plainly what is missing."""

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.models import Couple
from accounts.selectors import clients_of
from checkins.sets import checkin_sets
from core.numbers import whole_number
from library.models import Article
from practice.models import Step

CHOOSE_ARTICLE = _("Choose a guide from the library or one of your published articles.")
CHOOSE_CHECKIN = _("Choose one of Twofold’s check-ins.")
DAYS_AT_MOST = 365


class ProgrammeForm(forms.Form):
    title = forms.CharField(
        label=_("Name"), max_length=120, error_messages={"required": _("Give the programme a name.")}
    )
    summary = forms.CharField(
        label=_("What it is for (for you)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class OneOfField(forms.ModelChoiceField):
    """One row of the queryset by id; tampered ids (huge, non-numeric,
    other digits) are an invalid choice, never a 500."""

    def to_python(self, value):
        if value not in self.empty_values and whole_number(value) is None:
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class StepForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What the couple does"), choices=Step.Kind.choices, widget=forms.RadioSelect, initial=Step.Kind.ARTICLE
    )
    article = OneOfField(
        label=_("The guide or article"),
        queryset=Article.objects.none(),
        required=False,
        error_messages={"invalid_choice": CHOOSE_ARTICLE},
    )
    checkin_set = forms.ChoiceField(
        label=_("The check-in"), required=False, error_messages={"invalid_choice": CHOOSE_CHECKIN}
    )
    note = forms.CharField(
        label=_("A note for the couple (optional)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    release = forms.ChoiceField(
        label=_("It opens"), choices=Step.Release.choices, widget=forms.RadioSelect, initial=Step.Release.AFTER_PREVIOUS
    )
    days = forms.IntegerField(
        label=_("Days after the start"),
        min_value=0,
        max_value=DAYS_AT_MOST,
        required=False,
        help_text=_("Only when it opens a number of days after the programme starts."),
    )
    due_days = forms.IntegerField(
        label=_("Days to take over it"),
        min_value=1,
        max_value=DAYS_AT_MOST,
        initial=14,
        help_text=_("After this, the step shows as overdue on your dashboard."),
    )

    def __init__(self, *args, coach, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["article"]
        field.queryset = Article.objects.assignable_by(coach)

        def grouped():
            language = get_language()
            articles = [
                (pk, translations.get(language, {}).get("title") or title, owner)
                for pk, title, owner, translations in field.queryset.order_by("title").values_list(
                    "pk", "title", "owner", "translations"
                )
            ]
            return [
                ("", "—"),
                (_("Your articles"), [(pk, title) for pk, title, owner in articles if owner == coach.pk]),
                (_("Twofold’s library"), [(pk, title) for pk, title, owner in articles if owner != coach.pk]),
            ]

        # Shown in two groups, read when the form is shown; what is accepted is still the queryset's.
        field.choices = grouped
        sets = checkin_sets().values()
        language = get_language()
        self.fields["checkin_set"].choices = [("", "—"), *((s.slug, s.translated("title", language)) for s in sets)]

    @classmethod
    def for_step(cls, step, *, coach):
        initial = {
            "kind": step.kind,
            "article": step.article_id,
            "checkin_set": step.checkin_set,
            "note": step.note,
            "release": step.release,
            "days": step.days if step.release == Step.Release.AFTER_DAYS else None,
            "due_days": step.due_days,
        }
        return cls(initial=initial, coach=coach)

    def clean(self):
        data = super().clean()
        if data.get("kind") == Step.Kind.ARTICLE and not data.get("article") and "article" not in self.errors:
            self.add_error("article", CHOOSE_ARTICLE)
        if data.get("kind") == Step.Kind.CHECKIN and not data.get("checkin_set") and "checkin_set" not in self.errors:
            self.add_error("checkin_set", CHOOSE_CHECKIN)
        if data.get("release") == Step.Release.AFTER_DAYS and data.get("days") is None and "days" not in self.errors:
            self.add_error("days", _("Say after how many days it opens."))
        return data

    def step_fields(self) -> dict:
        """The service's keywords."""
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "article": data["article"],
            "checkin_set_slug": data["checkin_set"],
            "note": data["note"],
            "release": data["release"],
            "days": data["days"] or 0,
            "due_days": data["due_days"],
        }


class ProgrammeAssignForm(forms.Form):
    couple = OneOfField(
        label=_("A client couple"),
        queryset=Couple.objects.none(),
        error_messages={"invalid_choice": _("You can only run a programme with a couple you coach.")},
    )

    def __init__(self, *args, coach, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["couple"].queryset = Couple.objects.filter(
            pk__in=clients_of(coach).values("couple")
        ).prefetch_related("memberships__user")
        self.fields["couple"].label_from_instance = lambda couple: " & ".join(
            m.user.name for m in couple.memberships.all()
        )
