"""Reads for reflections. Answer text is read only through
Answer.objects.visible_to (P8); everything else here is counts and states."""

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q

from .models import Answer, Participant, Reflection, ReflectionPrompt

# An answer counts once it says something, or passes.
GIVEN = Q(passed=True) | ~Q(text="") | Q(scale_value__isnull=False)


def reflections_for(user):
    """Reflections `user` takes part in, with participants and prompt counts
    loaded for status lines."""
    return (
        Reflection.objects.filter(participants__user=user)
        .select_related("couple", "article")
        .prefetch_related(Prefetch("participants", queryset=Participant.objects.select_related("user")))
        .annotate(prompt_count=Count("prompts", distinct=True))
    )


def answered_counts(reflections):
    """P6: how many prompts each participant has answered, never what, for
    many reflections in one query: {(reflection_id, user_id): count}."""
    rows = (
        Answer.objects.filter(GIVEN, prompt__reflection__in=[r.pk for r in reflections])
        .values("prompt__reflection", "author")
        .annotate(n=Count("pk"))
    )
    return {(row["prompt__reflection"], row["author"]): row["n"] for row in rows}


def prompts_with_answers(reflection, viewer):
    """The reflection's prompts, each with `mine` and `partners` answers as
    far as the gate lets `viewer` read them."""
    prompts = list(ReflectionPrompt.objects.filter(reflection=reflection))
    visible = Answer.objects.visible_to(viewer).filter(prompt__reflection=reflection)
    by_prompt = {}
    for answer in visible:
        by_prompt.setdefault(answer.prompt_id, {})[answer.author_id] = answer
    for prompt in prompts:
        answers = by_prompt.get(prompt.pk, {})
        prompt.mine = answers.get(viewer.pk)
        prompt.partners = next((a for uid, a in answers.items() if uid != viewer.pk), None)
    return prompts


@dataclass
class ReflectionStatus:
    """Where a reflection stands for one viewer. P6: the partner's side is
    counts and readiness only."""

    reflection: Reflection
    me: Participant
    partner: Participant | None
    mine_answered: int
    partner_answered: int
    total: int

    @property
    def fingerprint(self):
        """Changes whenever what the live status shows changes."""
        partner_ready = self.partner.is_ready if self.partner else False
        return f"{self.state}.{self.partner_answered}.{int(partner_ready)}.{int(self.me.is_ready)}"

    @property
    def state(self):
        if self.reflection.couple.ended_at:
            return "archived"
        if self.reflection.is_revealed:
            return "revealed"
        if self.me.is_ready:
            return "partner"
        return "yours"


def reflection_status(reflection, viewer, counts):
    """`counts` comes from answered_counts()."""
    participants = list(reflection.participants.all())
    me = next(p for p in participants if p.user_id == viewer.pk)
    partner = next((p for p in participants if p.user_id != viewer.pk), None)

    def count(user_id):
        return counts.get((reflection.pk, user_id), 0)

    total = getattr(reflection, "prompt_count", None)
    if total is None:
        total = reflection.prompts.count()
    return ReflectionStatus(
        reflection=reflection,
        me=me,
        partner=partner,
        mine_answered=count(viewer.pk),
        partner_answered=count(partner.user_id) if partner else 0,
        total=total,
    )
