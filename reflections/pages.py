"""A reflection's page as its stage shows it: answering, waiting, closed,
or the shared view with notes, sharing and the scale summary. Views render
it after a GET, and again when a form comes back unsaved."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import live
from .access import Stage
from .models import ANSWER_MAX_LENGTH, REPLY_MAX_LENGTH, Reaction
from .selectors import (
    NoteForm,
    Opened,
    conversation_fingerprint,
    follow_up_for,
    notes_for,
    prompt_rows,
    scale_summary,
    sharing_with_coaches,
    status_of,
    talked_marks,
    threads_for,
    trail_of,
    what_next,
)


def reflection_page(
    request: HttpRequest,
    opened: Opened,
    *,
    posted: dict | None = None,
    errors: dict | None = None,
    conflicts: set | None = None,
    unsaved_notes: dict[str, NoteForm] | None = None,
    just_revealed: bool = False,
    live_version: str | None = None,
    status: int = 200,
) -> HttpResponse:
    """`live_version` (live.live_version, read before `opened`) lets the
    status line's poll be answered without Django while nothing changes."""
    viewer, reflection = request.user, opened.reflection
    rows = prompt_rows(reflection, viewer, posted=posted, errors=errors, conflicts=conflicts)
    state = status_of(opened, viewer)
    prompts = [row.prompt for row in rows]
    context = {
        "reflection": reflection,
        "prompts": rows,
        "status": state,
        "max_length": ANSWER_MAX_LENGTH,
        "trail": trail_of(opened),
    }
    if state.stage != Stage.REVEALED:
        if live_version is not None:
            context["live_token"] = live_token(request, reflection.pk, live_version)
        return render(request, "reflections/reflection.html", context, status=status)
    threads = threads_for(reflection, viewer, prompts)
    marks = talked_marks(opened, viewer, prompts)
    talked = {prompt.pk for prompt, mark in zip(prompts, marks, strict=True) if mark.any}
    summary = scale_summary(rows)
    starters = {d.prompt.pk: d.starter for d in summary["apart"]}
    follow_up = follow_up_for(reflection)
    context |= {
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
    return render(request, "reflections/shared.html", context, status=status)


def live_token(request: HttpRequest, reflection_id: int, version: str) -> str:
    """The status poll's token for this viewer and session (live.poll_token)."""
    return live.poll_token(
        reflection_id=reflection_id,
        user_id=request.user.pk,
        session_key=request.session.session_key or "",
        version=version,
    )
