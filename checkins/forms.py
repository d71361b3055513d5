"""The check-in forms: what it asks (one of Twofold's sets, or questions
from the bank), how often and on which day. The rules on the questions
are services._clean_prompts'; these forms read the choice."""

from dataclasses import asdict

from django import forms
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from accounts.models import Couple
from accounts.selectors import clients_of
from library.models import BankQuestion, PromptKind

from .models import PROMPTS_PER_CHECKIN, CheckIn
from .sets import checkin_set, checkin_sets

OWN = "own"


class ScheduleForm(forms.Form):
    cadence = forms.TypedChoiceField(
        label=gettext_lazy("How often"), choices=CheckIn.Cadence.choices, coerce=int, initial=CheckIn.Cadence.WEEKLY
    )
    weekday = forms.TypedChoiceField(
        label=pgettext_lazy("the day a check-in round opens", "On"),
        choices=CheckIn.Weekday.choices,
        coerce=int,
        initial=CheckIn.Weekday.SUNDAY,
    )


class CheckInForm(ScheduleForm):
    """A whole check-in: its questions and its days."""

    source = forms.ChoiceField(
        label=gettext_lazy("What it asks"),
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Choose one of our check-ins, or build your own.")},
    )
    title = forms.CharField(label=gettext_lazy("Its name (for your own)"), max_length=120, required=False)
    questions = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Questions from Twofold’s bank"),
        queryset=BankQuestion.objects.filter(kind__in=[PromptKind.SCALE, PromptKind.TEXT]).select_related("theme"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    field_order = ["source", "title", "questions", "cadence", "weekday"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        sets = checkin_sets().values()
        language = translation.get_language()
        self.fields["source"].choices = [(s.slug, s.translated("title", language)) for s in sets] + [
            (OWN, _("Our own, from the question bank"))
        ]
        self.fields["questions"].label_from_instance = lambda q: q.translated("text")

    def clean(self):
        data = super().clean()
        if data.get("source") == OWN:
            chosen = list(data.get("questions") or [])
            low, high = PROMPTS_PER_CHECKIN.start, PROMPTS_PER_CHECKIN.stop - 1
            if not low <= len(chosen) <= high:
                self.add_error(
                    "questions",
                    _("Tick %(low)s to %(high)s questions; you ticked %(ticked)s.")
                    % {"low": low, "high": high, "ticked": len(chosen)},
                )
            elif not any(q.is_scale for q in chosen):
                self.add_error("questions", _("Tick at least one 1–10 question: those are what the trend shows."))
            if not (data.get("title") or "").strip():
                self.add_error("title", _("Give your check-in a name."))
        return data

    def checkin_fields(self) -> dict:
        """The service's keywords: title, set_slug and prompts, then the days."""
        data = self.cleaned_data
        schedule = {"cadence": data["cadence"], "weekday": data["weekday"]}
        chosen = checkin_set(data["source"])
        if chosen is not None:
            prompts = [asdict(p) | {"choices": []} for p in chosen.prompts]
            return {"title": chosen.title, "set_slug": chosen.slug, "prompts": prompts, **schedule}
        # The open question goes last, as in Twofold's own sets.
        questions = sorted(data["questions"], key=lambda q: (q.kind == PromptKind.TEXT, q.theme.order, q.order))
        prompts = [
            {
                f: getattr(q, f)
                for f in ("kind", "text", "scale_min_label", "scale_max_label", "choices", "translations")
            }
            for q in questions
        ]
        return {"title": data["title"].strip(), "set_slug": "", "prompts": prompts, **schedule}


class CoachCheckInForm(CheckInForm):
    """A coach's proposal: the same, for one of their client couples."""

    couple = forms.ModelChoiceField(
        label=pgettext_lazy("the couple a check-in is for", "For"),
        queryset=Couple.objects.none(),
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": gettext_lazy("You can only propose to couples you coach.")},
    )

    field_order = ["couple", *CheckInForm.field_order]

    def __init__(self, *args, coach, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["couple"].queryset = Couple.objects.filter(
            pk__in=clients_of(coach).values("couple")
        ).prefetch_related("memberships__user")
        self.fields["couple"].label_from_instance = lambda couple: " & ".join(
            m.user.name for m in couple.memberships.all()
        )
