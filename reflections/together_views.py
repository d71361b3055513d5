"""After the reveal: together mode (one prompt at a time), joint notes, a
follow-up, and the couple's history. Only the two partners, only while
linked."""

from dataclasses import replace

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from core.errors import DomainError
from core.numbers import whole_number

from . import services
from .access import Stage
from .models import JointNote
from .pages import reflection_page
from .selectors import (
    NoteForm,
    follow_up_for,
    history_for,
    notes_for,
    prompt_rows,
    prompts_of,
    status_of,
    talked_about,
    what_next,
)
from .shortcuts import reflection_or_404


@login_required
@require_safe
def together(request, pk, number=1):
    opened = reflection_or_404(request.user, pk, stage=Stage.REVEALED)
    reflection = opened.reflection
    rows = prompt_rows(reflection, request.user)
    if not 1 <= number <= len(rows):
        raise Http404("No such question.")
    talked = talked_about(reflection)
    row = rows[number - 1]
    prompts = [r.prompt for r in rows]
    last = number == len(rows)
    # The last question offers what next once all are talked about.
    if last and {p.pk for p in prompts} <= talked:
        follow_up = follow_up_for(reflection)
        offer = what_next(reflection, request.user, prompts=prompts, talked=talked, follow_up=follow_up)
    else:
        offer = None
    return render(
        request,
        "reflections/together.html",
        {
            "reflection": reflection,
            "row": row,
            "partner": status_of(opened, request.user).partner.user,
            "number": number,
            "total": len(rows),
            "previous": number - 1 if number > 1 else None,
            "next": number + 1 if number < len(rows) else None,
            "talked": row.prompt.pk in talked,
            "talked_count": len(talked),
            "what_next": offer,
        },
    )


@login_required
@require_POST
def talked_toggle(request, pk, number):
    reflection = reflection_or_404(request.user, pk, stage=Stage.REVEALED, for_page=False).reflection
    prompts = prompts_of(reflection)
    if not 1 <= number <= len(prompts):
        raise Http404("No such question.")
    try:
        services.talked_toggle(prompt=prompts[number - 1], user=request.user)
    except DomainError as error:
        messages.error(request, str(error))
    return redirect("reflections:together", pk=pk, number=number)


@login_required
@require_POST
def note_save(request, pk):
    """Save one joint note. A save from an older version shows both versions
    (409) instead of overwriting what the partner wrote; any refusal keeps
    what was typed in the box."""
    opened = reflection_or_404(request.user, pk, stage=Stage.REVEALED)
    kind = request.POST.get("kind", "")
    if kind not in JointNote.Kind.values:
        raise Http404("No such note.")
    text = request.POST.get("text", "")
    base_version = whole_number(request.POST.get("version"))
    try:
        services.note_save(
            reflection=opened.reflection, user=request.user, kind=kind, text=text, base_version=base_version
        )
    except DomainError as error:
        # The saved note as the gate gives it, with what was typed beside it.
        # Opened again: the note may exist only since this page was opened.
        reopened = reflection_or_404(request.user, pk)
        saved = next(n for n in notes_for(reopened, request.user) if n.kind == kind)
        if not isinstance(error, services.NoteConflict):  # nothing newer to show beside it
            saved = replace(saved, text="", version=base_version if base_version is not None else saved.version)
        unsaved: dict[str, NoteForm] = {kind: replace(saved, draft=text, error=str(error))}
        status = 409 if isinstance(error, services.NoteConflict) else 400
        return reflection_page(request, reopened, unsaved_notes=unsaved, status=status)
    messages.success(request, "Note saved. You both see it.")
    return redirect(reverse("reflections:reflection", args=[pk]) + "#notes")


@login_required
@require_POST
def follow_up_start(request, pk):
    """Start the follow-up of a revealed reflection (or open the one there
    is); a refusal goes back to the shared view saying why."""
    reflection = reflection_or_404(request.user, pk, stage=Stage.REVEALED, for_page=False).reflection
    try:
        follow_up, created = services.follow_up_start(reflection=reflection, user=request.user)
    except DomainError as error:
        messages.error(request, str(error))
        return redirect("reflections:reflection", pk=pk)
    if created:
        messages.success(request, "Your follow-up has started. Answer on your own; your partner has been told.")
    return redirect("reflections:reflection", pk=follow_up.pk)


@login_required
@require_safe
def history(request):
    return render(request, "reflections/history.html", {"reflections": history_for(request.user)})
