"""The shared view: a revealed reflection's page, both partners' answers
side by side with the conversation around them (threads, talked marks,
notes, where the answers differ, sharing with a coach, what next).
reflections.pages hands a revealed reflection's page here."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from reflections.pages import page_context
from reflections.selectors import Opened, PromptRow, ReflectionStatus, prompt_rows, sharing_with_coaches, status_of

from .models import REPLY_MAX_LENGTH, Reaction
from .selectors import (
    NoteForm,
    conversation_fingerprint,
    follow_up_for,
    notes_for,
    scale_summary,
    talked_marks,
    threads_for,
    what_next,
)


def shared_view(
    request: HttpRequest,
    opened: Opened,
    *,
    rows: list[PromptRow] | None = None,
    state: ReflectionStatus | None = None,
    unsaved_notes: dict[str, NoteForm] | None = None,
    just_revealed: bool = False,
    status: int = 200,
) -> HttpResponse:
    """`rows` and `state` as reflections.pages read them, or read here."""
    viewer, reflection = request.user, opened.reflection
    rows = rows if rows is not None else prompt_rows(reflection, viewer)
    state = state or status_of(opened, viewer)
    prompts = [row.prompt for row in rows]
    threads = threads_for(reflection, viewer, prompts)
    marks = talked_marks(opened, viewer, prompts)
    talked = {prompt.pk for prompt, mark in zip(prompts, marks, strict=True) if mark.any}
    summary = scale_summary(rows)
    starters = {d.prompt.pk: d.starter for d in summary["apart"]}
    follow_up = follow_up_for(reflection)
    context = page_context(opened, rows, state) | {
        "just_revealed": just_revealed,
        "partner_name": state.partner.user.name if state.partner else "",
        "coaches": sharing_with_coaches(opened, viewer),
        "notes": notes_for(opened, viewer, unsaved=unsaved_notes),
        "summary": summary,
        "conversation": [
            (row, thread, talked, starters.get(row.prompt.pk))
            for row, thread, talked in zip(rows, threads, marks, strict=True)
        ],
        "fingerprint": conversation_fingerprint(threads),
        "reactions": Reaction.Kind.choices,
        "reply_max_length": REPLY_MAX_LENGTH,
        "follow_up": follow_up,
        "what_next": what_next(
            reflection, viewer, prompts=prompts, talked=talked, follow_up=follow_up, threads=threads
        ),
    }
    return render(request, "conversation/shared.html", context, status=status)
