"""Reads for the coach's workspace. P5: counts, readiness and dates of the
reflections a coach assigned or was shown; answer text only through the
gate, on the coach's view of a shared reflection."""

from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import CoachingLink, User
from accounts.selectors import clients_of
from conversation.selectors import NoteForm, Talked, Thread, notes_for, talked_marks, threads_for
from reflections.models import Reflection
from reflections.selectors import AuthorsRow, Opened, rows_by_author, with_partners


def names_and(names) -> str:
    """People's names as a sentence says them: "Alice and Bob"."""
    names = list(names)
    if len(names) < 2:
        return "".join(names)
    return _("%(first)s and %(second)s") % {"first": ", ".join(names[:-1]), "second": names[-1]}


@dataclass(frozen=True)
class ParticipantProgress:
    name: str
    answered: int
    ready: bool


@dataclass(frozen=True)
class CoachRow:
    """One reflection on a coach's dashboard. P5: counts, readiness, dates."""

    reflection: Reflection
    total: int
    partners: list[ParticipantProgress]
    shared: bool

    @property
    def is_overdue(self) -> bool:
        due = self.reflection.due_date
        return bool(due and not self.reflection.is_revealed and due < timezone.localdate())


def coach_overview(coach: User) -> list[tuple[CoachingLink, list[CoachRow]]]:
    """[(coaching link, [CoachRow])] for every active client couple: the
    reflections this coach assigned, and any the couple shared with them."""
    links = list(clients_of(coach))
    shared_ids = set(Reflection.objects.shared_with(coach).values_list("pk", flat=True))
    reflections = (
        Reflection.objects.filter(couple__in=[link.couple_id for link in links])
        .filter(Q(assigned_by=coach) | Q(pk__in=shared_ids))
        .prefetch_related(with_partners())
        .order_by("-created_at")
    )
    rows: dict[int, list[CoachRow]] = {}
    for r in reflections:
        partners = [ParticipantProgress(p.user.name, p.answered, p.is_ready) for p in r.participants.all()]
        rows.setdefault(r.couple_id, []).append(CoachRow(r, r.prompt_total, partners, r.pk in shared_ids))
    return [(link, rows.get(link.couple_id, [])) for link in links]


@dataclass(frozen=True)
class CoachView:
    """A revealed reflection as a coach both partners shared it with reads
    it: both answers to each prompt (through the gate), its replies,
    reactions and talked marks, read-only, and the joint notes."""

    reflection: Reflection
    partners: list[User]
    names: str  # the partners', "Alice and Bob"
    conversation: list[tuple[AuthorsRow, Thread, Talked]]  # one a prompt
    notes: list[NoteForm]


def coach_view_of(coach: User, opened: Opened) -> CoachView:
    rows = rows_by_author(opened, coach)
    prompts = [row.prompt for row in rows]
    threads = threads_for(opened.reflection, coach, prompts)
    marks = talked_marks(opened, coach, prompts)
    partners = [p.user for p in opened.participants]
    return CoachView(
        reflection=opened.reflection,
        partners=partners,
        names=names_and(p.name for p in partners),
        conversation=list(zip(rows, threads, marks, strict=True)),
        notes=notes_for(opened, coach),
    )
