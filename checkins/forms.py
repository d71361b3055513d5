"""The check-in forms: what it asks (one of Twofold's sets, or questions
from the bank), how often and on which day. The rules on the questions
are services._clean_prompts'; these forms read the choice."""

from dataclasses import asdict

from django import forms

from accounts.models import Couple
from accounts.selectors import clients_of
from library.models import BankQuestion, PromptKind

from .models import PROMPTS_PER_CHECKIN, CheckIn
from .sets import checkin_set, checkin_sets

OWN = "own"


class ScheduleForm(forms.Form):
    cadence = forms.TypedChoiceField(
        label="How often", choices=CheckIn.Cadence.choices, coerce=int, initial=CheckIn.Cadence.WEEKLY
    )
    weekday = forms.TypedChoiceField(
        label="On", choices=CheckIn.Weekday.choices, coerce=int, initial=CheckIn.Weekday.SUNDAY
    )


class CheckInForm(ScheduleForm):
    """A whole check-in: its questions and its days."""

    source = forms.ChoiceField(
        label="What it asks",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose one of our check-ins, or build your own."},
    )
    title = forms.CharField(label="Its name (for your own)", max_length=120, required=False)
    questions = forms.ModelMultipleChoiceField(
        label="Questions from Twofold’s bank",
        queryset=BankQuestion.objects.filter(kind__in=[PromptKind.SCALE, PromptKind.TEXT]).select_related("theme"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    field_order = ["source", "title", "questions", "cadence", "weekday"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        sets = checkin_sets().values()
        self.fields["source"].choices = [(s.slug, s.title) for s in sets] + [(OWN, "Our own, from the question bank")]
        self.fields["questions"].label_from_instance = lambda q: q.text

    def clean(self):
        data = super().clean()
        if data.get("source") == OWN:
            chosen = list(data.get("questions") or [])
            low, high = PROMPTS_PER_CHECKIN.start, PROMPTS_PER_CHECKIN.stop - 1
            if not low <= len(chosen) <= high:
                self.add_error("questions", f"Tick {low} to {high} questions; you ticked {len(chosen)}.")
            elif not any(q.is_scale for q in chosen):
                self.add_error("questions", "Tick at least one 1–10 question: those are what the trend shows.")
            if not (data.get("title") or "").strip():
                self.add_error("title", "Give your check-in a name.")
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
            {f: getattr(q, f) for f in ("kind", "text", "scale_min_label", "scale_max_label", "choices")}
            for q in questions
        ]
        return {"title": data["title"].strip(), "set_slug": "", "prompts": prompts, **schedule}


class CoachCheckInForm(CheckInForm):
    """A coach's proposal: the same, for one of their client couples."""

    couple = forms.ModelChoiceField(
        label="For",
        queryset=Couple.objects.none(),
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "You can only propose to couples you coach."},
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
