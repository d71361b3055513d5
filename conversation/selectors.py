"""Reads for the conversation after the reveal: joint notes, where the two
answers differ (with a starter), each prompt's thread of replies and
reactions, talked marks, and what comes next. Note, reply and reaction text
is read only through their gates (JointNote and Reply/Reaction.objects
.visible_to, P8)."""

import hashlib
from dataclasses import dataclass
from datetime import datetime

from accounts.models import User
from library.catalogue import next_guide_for
from library.models import Article
from reflections.models import Reflection, ReflectionPrompt
from reflections.selectors import Opened, PromptRow

from .models import JointNote, Reaction, Reply, TalkedMark
from .starters import is_far_apart, starter_for


@dataclass(frozen=True)
class NoteForm:
    """One joint note as its form shows it: the saved note (as the gate gives
    it) or an empty one, and what was typed when a save came back unsaved."""

    kind: str
    label: str
    text: str = ""
    version: int = 0
    updated_by: User | None = None
    updated_at: datetime | None = None
    draft: str = ""
    error: str = ""

    @classmethod
    def of(cls, note: JointNote, *, draft: str = "", error: str = "") -> "NoteForm":
        return cls(
            kind=note.kind,
            label=note.get_kind_display(),
            text=note.text,
            version=note.version,
            updated_by=note.updated_by,
            updated_at=note.updated_at if note.pk else None,
            draft=draft,
            error=error,
        )


def notes_for(opened: Opened, viewer: User, *, unsaved: dict | None = None) -> list[NoteForm]:
    """The joint notes `viewer` may read, one per kind (empty ones made up);
    `unsaved` ({kind: NoteForm}) replaces a note whose save came back."""
    reflection = opened.reflection
    # Only the partners write notes: their users are loaded already.
    partners = {p.user_id: p.user for p in opened.participants}
    saved = {n.kind: n for n in JointNote.objects.visible_to(viewer).filter(reflection=reflection)}
    for note in saved.values():
        if note.updated_by_id in partners:
            note.updated_by = partners[note.updated_by_id]
    unsaved = unsaved or {}
    return [
        unsaved.get(kind) or NoteForm.of(saved.get(kind) or JointNote(reflection=reflection, kind=kind))
        for kind in JointNote.Kind.values
    ]


@dataclass(frozen=True)
class ScaleComparison:
    prompt: ReflectionPrompt
    mine: int
    partners: int

    @property
    def gap(self) -> int:
        return abs(self.mine - self.partners)


@dataclass(frozen=True)
class Difference:
    """A prompt where the two answers are far apart (a scale's numbers, or
    two different choices), and the conversation starter Twofold offers for
    it: its own words, which never quote either answer."""

    prompt: ReflectionPrompt
    mine: int | str
    partners: int | str
    gap: int
    starter: str


def _compared(row: PromptRow) -> tuple[int | str, int | str, int] | None:
    """(mine, partner's, gap) when both answered `row`'s scale or choice
    prompt (a pass is no answer to compare), else None."""
    mine, partners = row.mine, row.partners
    if not (mine and partners) or mine.passed or partners.passed:
        return None
    if row.prompt.is_scale and mine.scale_value is not None and partners.scale_value is not None:
        return mine.scale_value, partners.scale_value, abs(mine.scale_value - partners.scale_value)
    if row.prompt.is_choice and mine.text and partners.text:
        return mine.text, partners.text, int(mine.text != partners.text)
    return None


def far_apart(rows: list[PromptRow], *, own_starters: dict[str, str] | None = None) -> list[Difference]:
    """The prompts where the two answers are far apart (starters.FAR_APART:
    a scale gap of 4 or more, different choices), scales by largest gap
    first, then choices in order; each with its starter (the question's
    own, from `own_starters` by its text, where it has one: a check-in's).
    Uses the answers already read through the gate."""
    differences = []
    for row in rows:
        compared = _compared(row)
        if compared and is_far_apart(row.prompt.kind, compared[2]):
            mine, partners, gap = compared
            starter = (own_starters or {}).get(row.prompt.text) or starter_for(
                prompt_pk=row.prompt.pk, kind=row.prompt.kind, gap=gap
            )
            differences.append(Difference(row.prompt, mine, partners, gap, starter))
    return sorted(differences, key=lambda d: (not d.prompt.is_scale, -d.gap))


def scale_summary(
    rows: list[PromptRow], *, close: int = 1, own_starters: dict[str, str] | None = None
) -> dict[str, list]:
    """Where the two of you are close on a scale (ScaleComparison), and
    where you differ most (far_apart: each a Difference with its starter).
    Uses the answers already read through the gate."""
    both = [
        ScaleComparison(row.prompt, row.mine.scale_value, row.partners.scale_value)
        for row in rows
        if row.prompt.is_scale
        and row.mine
        and row.partners
        and row.mine.scale_value is not None
        and row.partners.scale_value is not None
    ]
    return {"close": [c for c in both if c.gap <= close], "apart": far_apart(rows, own_starters=own_starters)}


@dataclass(frozen=True)
class Thread:
    """The conversation under one revealed prompt."""

    prompt: ReflectionPrompt
    replies: list[Reply]
    reactions: list[Reaction]
    mine: Reaction | None  # the viewer's own reaction


def threads_for(
    reflection: Reflection, viewer: User, prompts: list[ReflectionPrompt], *, people: list[User] | None = None
) -> list[Thread]:
    """Each prompt's replies and reactions, through their gate (two queries
    whatever their number), in the prompts' order. Only the partners write
    them: `people`, when the page has loaded the partners already, name the
    authors without loading them again."""
    replies, reactions = {}, {}
    for reply in _authored(Reply.objects.visible_to(viewer).filter(prompt__reflection=reflection), people):
        replies.setdefault(reply.prompt_id, []).append(reply)
    for reaction in _authored(Reaction.objects.visible_to(viewer).filter(prompt__reflection=reflection), people):
        reactions.setdefault(reaction.prompt_id, []).append(reaction)
    return [
        Thread(
            p,
            replies.get(p.pk, []),
            reactions.get(p.pk, []),
            next((r for r in reactions.get(p.pk, []) if r.author_id == viewer.pk), None),
        )
        for p in prompts
    ]


def _authored(rows, people: list[User] | None):
    """`rows` (replies or reactions) with their authors: the people given
    (anyone else, which only a change of who may write would bring, is
    loaded when read), else loaded with them."""
    if people is None:
        return rows.select_related("author")
    by_pk = {person.pk: person for person in people}
    rows = list(rows)
    for row in rows:
        if row.author_id in by_pk:
            row.author = by_pk[row.author_id]
    return rows


def conversation_fingerprint(threads: list[Thread], marks: list["Talked"]) -> str:
    """Changes whenever what the threads show changes (a reply written,
    edited or deleted, a reaction set or changed), or a talked mark (one
    for each thread): what the live part compares."""
    seen = [
        (
            t.prompt.pk,
            [(r.pk, (r.updated_at or r.created_at).timestamp()) for r in t.replies],
            [(r.pk, r.kind) for r in t.reactions],
            (mark.mine, mark.partners),
        )
        for t, mark in zip(threads, marks, strict=True)
    ]
    return hashlib.blake2b(repr(seen).encode(), digest_size=8).hexdigest()


def talked_about(reflection: Reflection) -> set[int]:
    """The prompts (ids) the couple talked about: either partner marked
    "we talked about this"."""
    return set(TalkedMark.objects.filter(prompt__reflection=reflection).values_list("prompt", flat=True))


@dataclass(frozen=True)
class Talked:
    """Who marked one prompt "we talked about this", as one viewer reads it:
    the viewer, their partner, and the names of whoever marked it (in the
    partners' order, for a coach reading a shared reflection)."""

    mine: bool = False
    partners: bool = False
    names: tuple[str, ...] = ()

    @property
    def any(self) -> bool:
        return bool(self.names)


def talked_marks(opened: Opened, viewer: User, prompts: list[ReflectionPrompt]) -> list[Talked]:
    """Each of `prompts`' marks as `viewer` reads them, in the prompts'
    order (one query whatever their number)."""
    marked: dict[int, set[int]] = {}
    for prompt_id, user_id in TalkedMark.objects.filter(prompt__reflection=opened.reflection).values_list(
        "prompt", "user"
    ):
        marked.setdefault(prompt_id, set()).add(user_id)
    partners = [p.user for p in opened.participants]
    rows = []
    for prompt in prompts:
        by = marked.get(prompt.pk, set())
        rows.append(
            Talked(
                mine=viewer.pk in by,
                partners=any(user_id != viewer.pk for user_id in by),
                names=tuple(user.name for user in partners if user.pk in by),
            )
        )
    return rows


# What next, once every prompt was talked about


def follow_up_for(reflection: Reflection) -> Reflection | None:
    """The follow-up started from `reflection`, if any (one at most: a constraint)."""
    return Reflection.objects.filter(follow_up_of=reflection).only("pk", "title", "created_at").first()


@dataclass(frozen=True)
class WhatNext:
    """What a revealed reflection offers once every prompt of it was talked
    about: a related guide to read, and a follow-up on the prompts either
    partner wanted to talk about in person, or the follow-up started."""

    guide: Article | None
    in_person: list[ReflectionPrompt]
    follow_up: Reflection | None


def what_next(
    reflection: Reflection,
    viewer: User,
    *,
    prompts: list[ReflectionPrompt],
    talked: set[int],
    follow_up: Reflection | None,
    threads: list[Thread] | None = None,
) -> WhatNext | None:
    """None until every prompt is in `talked` (selectors.talked_about). The
    in-person reactions come from `threads` when the page has read them
    (through their gate), else through the gate here."""
    if not prompts or any(p.pk not in talked for p in prompts):
        return None
    if threads is None:
        gated = Reaction.objects.visible_to(viewer).filter(prompt__reflection=reflection)
        marked = set(gated.filter(kind=Reaction.Kind.IN_PERSON).values_list("prompt", flat=True))
    else:
        marked = {t.prompt.pk for t in threads if any(r.kind == Reaction.Kind.IN_PERSON for r in t.reactions)}
    return WhatNext(
        guide=next_guide_for(reflection.couple, like=reflection.article),
        in_person=[p for p in prompts if p.pk in marked],
        follow_up=follow_up,
    )
