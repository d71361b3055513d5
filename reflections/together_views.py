"""After the reveal: together mode (one prompt at a time), joint notes and
the couple's history. Only the two partners, only while linked."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.errors import DomainError

from .models import JointNote, TalkedMark
from .selectors import history_for, prompts_of, prompts_with_answers
from .services import NoteConflict, note_save, talked_toggle
from .views import my_reflection, reflection_page


def revealed_reflection(request, pk):
    """One of my reflections, revealed, while we are linked; else 404."""
    reflection = my_reflection(request, pk)
    if not reflection.is_revealed or reflection.couple.ended_at:
        raise Http404("Not revealed, or no longer yours to open together.")
    reflection.partner = next(p.user for p in reflection.participants.all() if p.user_id != request.user.pk)
    return reflection


@login_required
def together(request, pk, number=1):
    reflection = revealed_reflection(request, pk)
    prompts = prompts_with_answers(reflection, request.user)
    if not 1 <= number <= len(prompts):
        raise Http404("No such question.")
    talked = set(TalkedMark.objects.filter(prompt__reflection=reflection).values_list("prompt_id", flat=True))
    prompt = prompts[number - 1]
    return render(
        request,
        "reflections/together.html",
        {
            "reflection": reflection,
            "prompt": prompt,
            "number": number,
            "total": len(prompts),
            "previous": number - 1 if number > 1 else None,
            "next": number + 1 if number < len(prompts) else None,
            "talked": prompt.pk in talked,
            "talked_count": len(talked),
        },
    )


@login_required
@require_POST
def talked(request, pk, number):
    reflection = revealed_reflection(request, pk)
    prompts = prompts_of(reflection)
    if not 1 <= number <= len(prompts):
        raise Http404("No such question.")
    prompt = prompts[number - 1 : number]
    try:
        talked_toggle(prompt=prompt[0], user=request.user)
    except DomainError as error:
        messages.error(request, str(error))
    return redirect("together", pk=pk, number=number)


@login_required
@require_POST
def notes_save(request, pk):
    """Save one joint note. A save from an older version shows both versions
    (409) instead of overwriting what the partner wrote."""
    reflection = revealed_reflection(request, pk)
    kind = request.POST.get("kind", "")
    text = request.POST.get("text", "")
    try:
        base_version = int(request.POST.get("version", ""))
    except ValueError:
        base_version = -1
    try:
        note_save(reflection=reflection, user=request.user, kind=kind, text=text, base_version=base_version)
    except NoteConflict as conflict:
        conflict.note.draft, conflict.note.error = text, str(conflict)
        return reflection_page(request, reflection, notes={kind: conflict.note}, status=409)
    except DomainError as error:
        if kind not in JointNote.Kind.values:
            raise Http404("No such note.") from None
        note = JointNote(reflection=reflection, kind=kind, version=max(base_version, 0))
        note.draft, note.error = text, str(error)
        return reflection_page(request, reflection, notes={kind: note}, status=400)
    messages.success(request, "Note saved. You both see it.")
    return redirect(reverse("reflection", args=[pk]) + "#notes")


@login_required
def history(request):
    return render(request, "reflections/history.html", {"reflections": history_for(request.user)})
