"""After the reveal: together mode (one prompt at a time, with its
conversation and the joint notes beside it), the "we talked about this"
marks, joint notes and a follow-up. Only the two partners, only while
linked."""

from dataclasses import replace

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from core.errors import DomainError
from core.numbers import whole_number
from reflections.access import Stage
from reflections.models import Reflection
from reflections.pages import as_context
from reflections.selectors import Opened, prompts_of
from reflections.shortcuts import reflection_or_404

from . import services
from .models import JointNote
from .pages import shared_view, together_page_of
from .selectors import (
    NoteForm,
    notes_for,
)


def _together_page(
    request: HttpRequest,
    opened: Opened,
    number: int,
    *,
    unsaved_notes: dict[str, NoteForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    page = together_page_of(request.user, opened, number, unsaved_notes=unsaved_notes)
    if page is None:
        raise Http404("No such question.")
    return render(request, "conversation/together.html", as_context(page), status=status)


@login_required
@require_safe
def together(request, pk, number=1):
    return _together_page(request, reflection_or_404(request.user, pk, stage=Stage.REVEALED), number)


@login_required
@require_POST
def talked_toggle(request, pk, number):
    """Set or clear my own mark. Back to the question in together mode, or
    to its card in the shared view when that is where it was pressed."""
    reflection = reflection_or_404(request.user, pk, stage=Stage.REVEALED, for_page=False).reflection
    prompts = prompts_of(reflection)
    if not 1 <= number <= len(prompts):
        raise Http404("No such question.")
    prompt = prompts[number - 1]
    try:
        services.talked_toggle(prompt=prompt, user=request.user)
    except DomainError as error:
        messages.error(request, str(error))
    if request.POST.get("back") == "shared":
        return redirect(reverse("reflections:reflection", args=[pk]) + f"#q-{prompt.pk}")
    return redirect("conversation:together", pk=pk, number=number)


def _question_number(raw: object, reflection: Reflection) -> int | None:
    """The together-mode question a note was written from, or None (the
    shared view's form, or a number that is no question of this reflection)."""
    number = whole_number(raw)
    if number is None or not 1 <= number <= len(prompts_of(reflection)):
        return None
    return number


@login_required
@require_POST
def note_save(request, pk):
    """Save one joint note, from the shared view or from a question in
    together mode (`number`), as you type (htmx) or with its button. A save
    from an older version shows both versions (409) instead of overwriting
    what the partner wrote; any refusal keeps what was typed in the box.
    htmx gets the note's status with the version now saved, so the next
    autosave carries it; the box itself is never swapped, so nothing typed
    while a save was on its way is lost."""
    opened = reflection_or_404(request.user, pk, stage=Stage.REVEALED)
    kind = request.POST.get("kind", "")
    if kind not in JointNote.Kind.values:
        raise Http404("No such note.")
    text = request.POST.get("text", "")
    base_version = whole_number(request.POST.get("version"))
    number = _question_number(request.POST.get("number"), opened.reflection)
    try:
        note = services.note_save(
            reflection=opened.reflection, user=request.user, kind=kind, text=text, base_version=base_version
        )
    except DomainError as error:
        conflict = isinstance(error, services.NoteConflict)
        # The saved note as the gate gives it, with what was typed beside it.
        # Opened again: the note may exist only since this page was opened.
        reopened = reflection_or_404(request.user, pk)
        saved = next(n for n in notes_for(reopened, request.user) if n.kind == kind)
        if not conflict:  # nothing newer to show beside it
            saved = replace(saved, text="", version=base_version if base_version is not None else saved.version)
        unsaved = replace(saved, draft=text, error=str(error))
        if request.htmx:
            # Later saves carry the version shown beside the box: deliberate.
            context = {"reflection": reopened.reflection, "note": unsaved, "oob": True}
            return render(request, "conversation/_note_form.html#note-status", context, status=409 if conflict else 422)
        status = 409 if conflict else 400
        if number is not None:
            return _together_page(request, reopened, number, unsaved_notes={kind: unsaved}, status=status)
        return shared_view(request, reopened, unsaved_notes={kind: unsaved}, status=status)
    if request.htmx:
        saved = NoteForm(kind=kind, label=JointNote.Kind(kind).label, version=note.version)
        context = {"reflection": opened.reflection, "note": saved, "saved": True, "oob": True}
        return render(request, "conversation/_note_form.html#note-status", context)
    messages.success(request, _("Note saved. You both see it."))
    if number is not None:
        return redirect(reverse("conversation:together", args=[pk, number]) + "#notes")
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
        messages.success(request, _("Your follow-up has started. Answer on your own; your partner has been told."))
    return redirect("reflections:reflection", pk=follow_up.pk)
