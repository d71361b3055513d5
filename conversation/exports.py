"""Taking it with you: a revealed reflection as Markdown, and everything I
wrote (any state) as Markdown or JSON. Exports read through the same gates
as pages, so they obey the privacy promise exactly like pages do."""

import json

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from reflections.access import Stage
from reflections.models import Answer
from reflections.selectors import prompt_rows, status_of
from reflections.shortcuts import reflection_or_404

from .models import JointNote, Reply
from .selectors import notes_for, threads_for


def _download(content, filename, content_type):
    response = HttpResponse(content, content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_safe
def reflection_export(request, pk):
    opened = reflection_or_404(request.user, pk, stage=Stage.REVEALED)
    reflection = opened.reflection
    rows = prompt_rows(reflection, request.user)
    threads = threads_for(reflection, request.user, [row.prompt for row in rows])
    content = render_to_string(
        "conversation/export/reflection.md",
        {
            "reflection": reflection,
            "prompts": list(zip(rows, threads, strict=True)),
            "notes": notes_for(opened, request.user),
            "me": request.user,
            "partner": status_of(opened, request.user).partner.user,
        },
    )
    return _download(content, f"twofold-reflection-{reflection.pk}.md", "text/markdown")


def my_answers(user):
    """Every answer I wrote, in any state, grouped by reflection."""
    answers = (
        Answer.objects.visible_to(user)
        .filter(author=user)
        .select_related("prompt__reflection__checkin_round__checkin")
        .order_by("prompt__reflection__created_at", "prompt__order", "prompt__pk")
    )
    grouped = {}
    for answer in answers:
        grouped.setdefault(answer.prompt.reflection, []).append(answer)
    return grouped


def my_notes(user):
    """Joint notes I last wrote, as far as the notes gate lets me read them."""
    return JointNote.objects.visible_to(user).filter(updated_by=user).select_related("reflection")


def my_replies(user):
    """Replies I wrote, in any state: the conversation's gate keeps my own
    for me after an unlink, as it does my answers."""
    return (
        Reply.objects.visible_to(user)
        .filter(author=user)
        .select_related("prompt__reflection")
        .order_by("prompt__reflection__created_at", "prompt__order", "created_at", "pk")
    )


def _checkin_of(reflection):
    """For a check-in round: the check-in and the round's number; else None."""
    checkin_round = getattr(reflection, "checkin_round", None)
    if checkin_round is None:
        return None
    return {
        "title": checkin_round.checkin.title,
        "round": checkin_round.number,
        "opened_on": str(checkin_round.opens_on),
    }


def _answer_value(answer):
    if answer.passed:
        return _("(passed)")
    return str(answer.scale_value) if answer.prompt.is_scale else answer.text


@login_required
@require_safe
def answers_export(request):
    """Account › Export: what the downloads hold, and the two buttons."""
    return render(request, "conversation/export.html")


@login_required
@require_safe
def answers_export_markdown(request):
    content = render_to_string(
        "conversation/export/mine.md",
        {
            "me": request.user,
            "exported_at": timezone.now(),
            "reflections": [
                (r, [(a, _answer_value(a)) for a in answers]) for r, answers in my_answers(request.user).items()
            ],
            "notes": my_notes(request.user),
            "replies": my_replies(request.user),
        },
    )
    return _download(content, "twofold-my-answers.md", "text/markdown")


@login_required
@require_safe
def answers_export_json(request):
    data = {
        "exported_at": timezone.now().isoformat(),
        "account": {"email": request.user.email, "name": request.user.name},
        "reflections": [
            {
                "title": reflection.title,
                "started_at": reflection.created_at.isoformat(),
                "revealed_at": reflection.revealed_at.isoformat() if reflection.revealed_at else None,
                "closed_at": reflection.closed_at.isoformat() if reflection.closed_at else None,
                "check_in": _checkin_of(reflection),
                "answers": [
                    {
                        "question": answer.prompt.text,
                        "kind": answer.prompt.kind,
                        "text": answer.text,
                        "scale_value": answer.scale_value,
                        "passed": answer.passed,
                        "updated_at": answer.updated_at.isoformat(),
                    }
                    for answer in answers
                ],
            }
            for reflection, answers in my_answers(request.user).items()
        ],
        "notes": [
            {
                "reflection": note.reflection.title,
                "kind": note.get_kind_display(),
                "text": note.text,
                "updated_at": note.updated_at.isoformat(),
            }
            for note in my_notes(request.user)
        ],
        "replies": [
            {
                "reflection": reply.prompt.reflection.title,
                "question": reply.prompt.text,
                "text": reply.text,
                "written_at": reply.created_at.isoformat(),
                "edited_at": reply.updated_at.isoformat() if reply.updated_at else None,
            }
            for reply in my_replies(request.user)
        ],
    }
    return _download(json.dumps(data, indent=2, ensure_ascii=False), "twofold-my-answers.json", "application/json")
