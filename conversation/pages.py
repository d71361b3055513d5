"""The conversation's pages. The shared view: a revealed reflection's page,
both partners' answers side by side with the conversation around them
(threads, talked marks, notes, where the answers differ, sharing with a
coach, what next); reflections.pages hands a revealed reflection's page
here. Together mode: one question at a time."""

from dataclasses import dataclass, field

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.models import User
from checkins.selectors import RoundOf, round_of
from reflections.models import Reflection
from reflections.pages import ReflectionPage, answering_page, as_context
from reflections.selectors import (
    CoachSharing,
    Opened,
    PromptRow,
    ReflectionStatus,
    prompt_rows,
    prompts_of,
    sharing_with_coaches,
    status_of,
)

from .models import REPLY_MAX_LENGTH, Reaction
from .selectors import (
    NoteForm,
    Talked,
    Thread,
    WhatNext,
    conversation_fingerprint,
    far_apart,
    follow_up_for,
    notes_for,
    scale_summary,
    talked_marks,
    threads_for,
    what_next,
)


@dataclass(frozen=True)
class SharedView(ReflectionPage):
    """A revealed reflection's page: every stage's (ReflectionPage), and
    the conversation around the answers."""

    just_revealed: bool = False
    partner_name: str = ""
    coaches: list[CoachSharing] = field(default_factory=list)
    notes: list[NoteForm] = field(default_factory=list)
    summary: dict = field(default_factory=dict)
    conversation: list[tuple] = field(default_factory=list)  # (row, thread, talked, starter) a prompt
    fingerprint: str = ""
    reactions: list = field(default_factory=list)
    reply_max_length: int = REPLY_MAX_LENGTH
    follow_up: Reflection | None = None
    what_next: WhatNext | None = None
    checkin_round: RoundOf | None = None


def shared_view_of(
    viewer: User,
    opened: Opened,
    *,
    rows: list[PromptRow] | None = None,
    state: ReflectionStatus | None = None,
    unsaved_notes: dict[str, NoteForm] | None = None,
    just_revealed: bool = False,
) -> SharedView:
    """`rows` and `state` as reflections.pages read them, or read here."""
    reflection = opened.reflection
    rows = rows if rows is not None else prompt_rows(reflection, viewer)
    state = state or status_of(opened, viewer)
    prompts = [row.prompt for row in rows]
    threads = threads_for(reflection, viewer, prompts, people=[p.user for p in opened.participants])
    marks = talked_marks(opened, viewer, prompts)
    talked = {prompt.pk for prompt, mark in zip(prompts, marks, strict=True) if mark.any}
    checkin_round = round_of(reflection)
    summary = scale_summary(rows, own_starters=checkin_round.starters if checkin_round else None)
    starters = {d.prompt.pk: d.starter for d in summary["apart"]}
    follow_up = follow_up_for(reflection)
    return SharedView(
        **vars(answering_page(opened, rows, state)),
        just_revealed=just_revealed,
        partner_name=state.partner.user.name if state.partner else "",
        coaches=sharing_with_coaches(opened, viewer),
        notes=notes_for(opened, viewer, unsaved=unsaved_notes),
        summary=summary,
        conversation=[
            (row, thread, talked, starters.get(row.prompt.pk))
            for row, thread, talked in zip(rows, threads, marks, strict=True)
        ],
        fingerprint=conversation_fingerprint(threads, marks),
        reactions=Reaction.Kind.choices,
        follow_up=follow_up,
        what_next=what_next(reflection, viewer, prompts=prompts, talked=talked, follow_up=follow_up, threads=threads),
        checkin_round=checkin_round,
    )


def shared_view(
    request: HttpRequest,
    opened: Opened,
    *,
    unsaved_notes: dict[str, NoteForm] | None = None,
    status: int = 200,
    **read,
) -> HttpResponse:
    """The shared view, rendered (`read`: rows, state, just_revealed, as
    shared_view_of takes them)."""
    page = shared_view_of(request.user, opened, unsaved_notes=unsaved_notes, **read)
    return render(request, "conversation/shared.html", as_context(page), status=status)


@dataclass(frozen=True)
class TogetherPage:
    """Together mode: one question of a revealed reflection, both answers,
    its conversation and talked marks, and both joint notes beside it."""

    reflection: Reflection
    row: PromptRow
    partner: User
    number: int
    total: int
    talked: Talked
    talked_count: int
    notes: list[NoteForm]
    thread: Thread
    starter: str | None
    fingerprint: str
    what_next: WhatNext | None = None  # on the last question, once all are talked about
    reactions: list = field(default_factory=lambda: Reaction.Kind.choices)
    reply_max_length: int = REPLY_MAX_LENGTH
    previous: int | None = None  # the question before, if any
    next: int | None = None  # and after


def together_page_of(
    viewer: User, opened: Opened, number: int, *, unsaved_notes: dict[str, NoteForm] | None = None
) -> TogetherPage | None:
    """Question `number` (from 1), reading the answers of that question
    alone; None when there is no such question. A note whose save came back
    (`unsaved_notes`) shows again with what was typed."""
    reflection = opened.reflection
    prompts = prompts_of(reflection)
    if not 1 <= number <= len(prompts):
        return None
    (row,) = prompt_rows(reflection, viewer, prompts=[prompts[number - 1]])
    marks = talked_marks(opened, viewer, prompts)
    talked = {prompt.pk for prompt, mark in zip(prompts, marks, strict=True) if mark.any}
    (thread,) = threads_for(reflection, viewer, [row.prompt], people=[p.user for p in opened.participants])
    offer = None
    if number == len(prompts) and len(talked) == len(prompts):
        follow_up = follow_up_for(reflection)
        offer = what_next(reflection, viewer, prompts=prompts, talked=talked, follow_up=follow_up)
    return TogetherPage(
        reflection=reflection,
        row=row,
        partner=status_of(opened, viewer).partner.user,
        number=number,
        total=len(prompts),
        talked=marks[number - 1],
        talked_count=len(talked),
        notes=notes_for(opened, viewer, unsaved=unsaved_notes),
        thread=thread,
        starter=next((d.starter for d in far_apart([row])), None),
        fingerprint=conversation_fingerprint([thread], [marks[number - 1]]),
        what_next=offer,
        previous=number - 1 if number > 1 else None,
        next=number + 1 if number < len(prompts) else None,
    )
