"""A client couple as their coach sees them, the coach's private notes on
them, and the coach's export of their own practice.

P5: the couple page shows progress (counts, readiness, dates), never text.
P9: a note is read through its one gate, CoachNote.objects.of(coach), by
its coach alone; it outlives the coaching (practice.notes.coached_couple),
and its text goes to no message, notice or log line."""

import json

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from checkins.sets import checkin_set
from core.errors import DomainError
from core.http import posted
from library.models import Article
from practice import notes
from practice.models import CoachNote, Intake, Programme, Step
from practice.selectors import couple_page

from .decorators import coach_required
from .forms import CoachNoteForm


def _coached_or_404(request, couple_pk):
    """A couple I coach or have coached; anyone else's is a 404."""
    couple = notes.coached_couple(request.user, couple_pk)
    if couple is None:
        raise Http404("No such client couple.")
    return couple


def _my_note(request, pk):
    """Through the notes' one gate: another coach's note is a 404."""
    queryset = CoachNote.objects.of(request.user).prefetch_related("couple__memberships__user")
    return get_object_or_404(queryset, pk=pk)


def _couple_url(couple_pk):
    return f"{reverse('coach:couple', args=[couple_pk])}#notes"


def _note_saved(form, **where):
    """Save a valid form's note; put the service's refusal beside the text
    (nothing typed is lost: the form comes back with it)."""
    try:
        return notes.note_save(text=form.cleaned_data["text"], written_on=form.cleaned_data["written_on"], **where)
    except DomainError as error:
        form.add_error("text", str(error))
    return None


def _couple_page(request, couple, form, *, status=200):
    context = {"page": couple_page(request.user, couple), "form": form}
    return render(request, "coaching/couple.html", context, status=status)


@coach_required
@require_safe
def couple(request, couple_pk):
    couple = _coached_or_404(request, couple_pk)
    return _couple_page(request, couple, CoachNoteForm(initial={"written_on": timezone.localdate()}))


@coach_required
@require_POST
def note_new(request, couple_pk):
    couple = _coached_or_404(request, couple_pk)
    form = CoachNoteForm(request.POST)
    if form.is_valid() and _note_saved(form, coach=request.user, couple=couple):
        messages.success(request, _("Note saved. Only you can read it."))
        return redirect(_couple_url(couple.pk))
    return _couple_page(request, couple, form, status=400)


@coach_required
def note(request, pk):
    note = _my_note(request, pk)
    form = CoachNoteForm(posted(request), initial={"text": note.text, "written_on": note.written_on})
    if (
        request.method == "POST"
        and form.is_valid()
        and _note_saved(form, coach=request.user, couple=note.couple, note=note)
    ):
        messages.success(request, _("Note saved."))
        return redirect(_couple_url(note.couple_id))
    context = {"note": note, "form": form, "names": _names(note.couple)}
    return render(request, "coaching/note_edit.html", context, status=400 if form.errors else 200)


@coach_required
def note_delete(request, pk):
    note = _my_note(request, pk)
    if request.method == "POST":
        try:
            notes.note_delete(coach=request.user, note=note)
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Note deleted."))
        return redirect(_couple_url(note.couple_id))
    return render(request, "coaching/note_delete.html", {"note": note, "names": _names(note.couple)})


# The coach's export: what the coach made and wrote, never what a couple wrote.


def _names(couple):
    return " & ".join(m.user.name for m in couple.memberships.all())


def _practice_of(coach):
    """Everything the coach's export holds: their own articles with their
    questions, programmes with steps, intake, and notes through the gate."""
    articles = (
        Article.objects.filter(owner=coach, couple__isnull=True).prefetch_related("prompts").order_by("created_at")
    )
    programmes = Programme.objects.filter(coach=coach).prefetch_related("steps__article")
    intake = Intake.objects.filter(coach=coach).select_related("article").first()
    my_notes = (
        CoachNote.objects.of(coach)
        .prefetch_related("couple__memberships__user")
        .order_by("couple_id", "written_on", "pk")
    )
    by_couple = {}
    for each in my_notes:
        by_couple.setdefault(each.couple_id, (_names(each.couple), []))[1].append(each)
    return {
        "articles": list(articles),
        "programmes": [(programme, [_step(step) for step in programme.steps.all()]) for programme in programmes],
        "intake": intake,
        "notes": list(by_couple.values()),
    }


def _step(step):
    """A step as the export says it: what it is and when it is released."""
    if step.kind == Step.Kind.CHECKIN:
        found = checkin_set(step.checkin_set)
        title = found.translated("title", get_language()) if found else step.checkin_set
        what = _("The check-in “%(title)s”") % {"title": title}
    else:
        what = step.article.translated("title") if step.article else _("(an article that was deleted)")
    if step.release == Step.Release.AFTER_DAYS:
        when = ngettext(
            "%(count)s day after the programme starts", "%(count)s days after the programme starts", step.days
        ) % {"count": step.days}
    else:
        when = step.get_release_display().lower()
    return {
        "number": step.order,
        "kind": step.kind,
        "what": what,
        "released": when,
        "due_days": step.due_days,
        "note": step.note,
    }


def _download(content, filename, content_type):
    response = HttpResponse(content, content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@coach_required
@require_safe
def export(request):
    """Coach workspace › Export: what the downloads hold, and the two buttons."""
    return render(request, "coaching/export.html")


@coach_required
@require_safe
def export_markdown(request):
    context = {"me": request.user, "exported_at": timezone.now(), **_practice_of(request.user)}
    content = render_to_string("coaching/export/practice.md", context)
    return _download(content, "twofold-my-practice.md", "text/markdown")


@coach_required
@require_safe
def export_json(request):
    practice = _practice_of(request.user)
    intake = practice["intake"]
    data = {
        "exported_at": timezone.now().isoformat(),
        "account": {"email": request.user.email, "name": request.user.name},
        "articles": [
            {
                "title": article.title,
                "status": article.status,
                "visibility": article.visibility,
                "source": {"title": article.source_title, "name": article.source_name, "url": article.source_url},
                "summary": article.summary,
                "created_at": article.created_at.isoformat(),
                "questions": [
                    {
                        "kind": prompt.kind,
                        "text": prompt.text,
                        "scale_min_label": prompt.scale_min_label,
                        "scale_max_label": prompt.scale_max_label,
                        "choices": prompt.choices,
                    }
                    for prompt in article.prompts.all()
                ],
            }
            for article in practice["articles"]
        ],
        "programmes": [
            {
                "title": programme.title,
                "summary": programme.summary,
                "created_at": programme.created_at.isoformat(),
                "steps": steps,
            }
            for programme, steps in practice["programmes"]
        ],
        "intake": {"article": intake.article.title} if intake else None,
        "notes": [
            {"couple": names, "written_on": each.written_on.isoformat(), "text": each.text}
            for names, couple_notes in practice["notes"]
            for each in couple_notes
        ],
    }
    return _download(json.dumps(data, indent=2, ensure_ascii=False), "twofold-my-practice.json", "application/json")
