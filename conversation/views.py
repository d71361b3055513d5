"""The conversation after the reveal: replies under each prompt and a
reaction to the partner's answer. The two partners, while linked, through
the same rule as the shared view; a coach reads it (read-only) where both
shared the reflection. With htmx a post swaps in the prompt's thread; without
JavaScript it comes back to the shared view."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from core.errors import DomainError
from core.numbers import whole_number
from reflections.access import Role, Stage
from reflections.models import ReflectionPrompt
from reflections.selectors import prompts_of
from reflections.shortcuts import reflection_or_404

from . import services
from .models import REPLY_MAX_LENGTH, Reaction, Reply
from .selectors import conversation_fingerprint, talked_marks, threads_for


def _prompt_of(request, pk, number):
    """Prompt `number` (from 1) of a revealed reflection I am a partner in, or 404."""
    opened = reflection_or_404(request.user, pk, role=Role.PARTNER, stage=Stage.REVEALED, for_page=False)
    prompts = list(ReflectionPrompt.objects.filter(reflection=opened.reflection))
    if not 1 <= number <= len(prompts):
        raise Http404("No such question.")
    return prompts[number - 1], number


def _my_reply(request, reply_pk):
    """A reply of mine in a conversation still open to me, or 404: the gate
    keeps my own replies for me after an unlink (for my export), but the
    conversation they were part of has closed."""
    reply = get_object_or_404(
        Reply.objects.visible_to(request.user).filter(author=request.user).select_related("prompt"), pk=reply_pk
    )
    reflection_or_404(request.user, reply.prompt.reflection_id, role=Role.PARTNER, stage=Stage.REVEALED, for_page=False)
    return reply, _number_of(reply.prompt)


def _number_of(prompt):
    return (
        list(ReflectionPrompt.objects.filter(reflection=prompt.reflection_id).values_list("pk", flat=True)).index(
            prompt.pk
        )
        + 1
    )


def _thread_response(request, prompt, number, *, draft="", error="", editing=None):
    """The prompt's thread (htmx), or back to the shared view at the prompt;
    a refusal shows the thread again with what was typed (400; 422 for
    htmx, which swaps it in)."""
    back = "together" if request.POST.get("back") == "together" else ""
    if not request.htmx and not error:
        if back:
            return redirect(
                f"{reverse('conversation:together', args=[prompt.reflection_id, number])}#thread-{prompt.pk}"
            )
        return redirect(f"{reverse('reflections:reflection', args=[prompt.reflection_id])}#q-{prompt.pk}")
    (thread,) = threads_for(prompt.reflection, request.user, [prompt])
    context = {
        "thread": thread,
        "number": number,
        "draft": draft,
        "error": error,
        "editing": editing,
        "reactions": Reaction.Kind.choices,
        "max_length": REPLY_MAX_LENGTH,
        "read_only": False,
        "back": back,
    }
    template = "conversation/_thread.html" if request.htmx else "conversation/thread_page.html"
    return render(request, template, context, status=(422 if request.htmx else 400) if error else 200)


@login_required
@require_POST
def reply_create(request, pk, number):
    prompt, number = _prompt_of(request, pk, number)
    text = request.POST.get("text", "")
    try:
        services.reply_create(prompt=prompt, user=request.user, text=text)
    except DomainError as error:
        return _thread_response(request, prompt, number, draft=text, error=str(error))
    return _thread_response(request, prompt, number)


@login_required
@require_POST
def reply_edit(request, reply_pk):
    reply, number = _my_reply(request, reply_pk)
    text = request.POST.get("text", "")
    try:
        services.reply_edit(reply=reply, user=request.user, text=text)
    except DomainError as error:
        return _thread_response(request, reply.prompt, number, draft=text, error=str(error), editing=reply.pk)
    return _thread_response(request, reply.prompt, number)


@login_required
@require_POST
def reply_delete(request, reply_pk):
    reply, number = _my_reply(request, reply_pk)
    prompt = reply.prompt
    try:
        services.reply_delete(reply=reply, user=request.user)
    except DomainError as error:
        return _thread_response(request, prompt, number, error=str(error))
    return _thread_response(request, prompt, number)


@login_required
@require_POST
def reaction_set(request, pk, number):
    prompt, number = _prompt_of(request, pk, number)
    try:
        services.reaction_set(prompt=prompt, user=request.user, kind=request.POST.get("kind", ""))
    except DomainError as error:
        return _thread_response(request, prompt, number, error=str(error))
    return _thread_response(request, prompt, number)


@login_required
@require_safe
def conversation_live(request, pk):
    """Fetched by an open shared view (or one together-mode prompt, with
    `prompt`) when its stream says the conversation changed, or polled
    where no stream gets through: 204 when the threads and talked marks are
    as `seen`; otherwise the threads' logs and the marks, swapped out of
    band, so that nothing being typed is touched. Once the couple has
    unlinked, it says so and stops."""
    opened = reflection_or_404(request.user, pk, for_page=False)
    reflection = opened.reflection
    if opened.access.stage == Stage.OPEN:
        raise Http404("No such reflection.")
    if opened.access.stage == Stage.CLOSED:
        return render(request, "conversation/_conversation_live.html", {"reflection": reflection, "closed": True})
    prompts = prompts_of(reflection)
    numbers = range(1, len(prompts) + 1)
    number = whole_number(request.GET.get("prompt"))
    if number is not None:
        if number not in numbers:
            raise Http404("No such question.")
        prompts, numbers = [prompts[number - 1]], [number]
    people = [p.user for p in opened.participants]
    threads = threads_for(reflection, request.user, prompts, people=people)
    marks = talked_marks(opened, request.user, prompts)
    fingerprint = conversation_fingerprint(threads, marks)
    if request.GET.get("seen") == fingerprint:
        return HttpResponse(status=204)
    context = {
        "reflection": reflection,
        "talks": zip(threads, marks, numbers, strict=True),
        "partner_name": next((person.name for person in people if person.pk != request.user.pk), ""),
        "fingerprint": fingerprint,
        "number": number,
        "max_length": REPLY_MAX_LENGTH,
        "back": "together" if number else "",  # its edit forms lead back to where they are
    }
    return render(request, "conversation/_conversation_live.html", context)
