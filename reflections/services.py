"""State changes for reflections. Each checks its rule, runs in a transaction
and raises DomainError with a message fit to show the user."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.errors import DomainError
from accounts.querysets import precompiled
from accounts.selectors import linked_couple_for
from notifications.services import notify_partner_ready

from .models import (
    ANSWER_MAX_LENGTH,
    SCALE_MAX,
    SCALE_MIN,
    Answer,
    Article,
    JointNote,
    Participant,
    PromptKind,
    Reflection,
    ReflectionEvent,
    ReflectionPrompt,
    ShareConsent,
    TalkedMark,
)
from .selectors import answered_by
from .signals import reflection_revealed

SNAPSHOT_FIELDS = ["order", "kind", "text", "scale_min_label", "scale_max_label", "choices"]


def reflection_start(*, article, by):
    """Start `article` for the couple `by` is linked in, copying its prompts
    as they are now. Starting it again opens the one already started."""
    couple = linked_couple_for(by)
    if couple is None:
        raise DomainError("Link with your partner first: a reflection is something you do together.")
    if not Article.objects.available_to(by).filter(pk=article.pk).exists():
        raise DomainError("This article is not open for reflections.")
    existing = Reflection.objects.filter(couple=couple, article=article).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            return reflection_create(couple=couple, article=article, started_by=by)
    except IntegrityError:
        # Both partners pressed "start" at once: the other one won.
        return Reflection.objects.get(couple=couple, article=article)


def reflection_create(*, couple, article, started_by, **assignment):
    """The reflection with a snapshot of the article's prompts as they are
    now, and both partners as participants. Call inside a transaction."""
    prompts = list(article.prompts.all())
    if not prompts:
        raise DomainError(f"“{article.title}” has no questions yet.")
    reflection = Reflection.objects.create(
        couple=couple, article=article, title=article.title, started_by=started_by, **assignment
    )
    ReflectionPrompt.objects.bulk_create(
        ReflectionPrompt(reflection=reflection, **{f: getattr(p, f) for f in SNAPSHOT_FIELDS}) for p in prompts
    )
    Participant.objects.bulk_create(Participant(reflection=reflection, user=m.user) for m in couple.memberships.all())
    return reflection


def _locked_reflection(pk):
    """The reflection, row-locked until the transaction ends, with its couple
    (read, not locked: only the reflection's row orders the writers)."""
    return Reflection.objects.select_for_update(of=("self",)).select_related("couple").get(pk=pk)


def _editable_participant(reflection, user):
    participant = reflection.participants.filter(user=user).first()
    if participant is None:
        raise DomainError("You are not part of this reflection.")
    _check_open(reflection)
    return participant


@precompiled
def _locking_participant(*, reflection_pk, user_pk):
    return (
        Participant.objects.select_for_update(of=("reflection",))
        .select_related("reflection__couple")
        .filter(reflection_id=reflection_pk, user=user_pk)
    )


def _locked_editable_participant(reflection_pk, user):
    """As _editable_participant(_locked_reflection(reflection_pk), user), in
    one query: the participant row, with its reflection row-locked and its
    couple read."""
    found = _locking_participant(reflection_pk=reflection_pk, user_pk=user.pk)
    if not found:  # one participant per user and reflection (a constraint)
        raise DomainError("You are not part of this reflection.")
    participant = found[0]
    _check_open(participant.reflection)
    return participant


def _check_open(reflection):
    if reflection.is_revealed:
        raise DomainError("This reflection has been revealed; answers no longer change.")
    if reflection.couple.ended_at:
        raise DomainError("You are no longer linked, so this reflection is closed.")


def _clean_answer(prompt, *, text, scale_value, passed):
    """The answer as it will be stored, or DomainError naming what is wrong."""
    if passed:
        return {"text": "", "scale_value": None, "passed": True}
    # PostgreSQL cannot store NUL; nobody means to type one.
    text = (text or "").replace("\x00", "")
    if len(text) > ANSWER_MAX_LENGTH:
        raise DomainError(
            f"Answers can be at most {ANSWER_MAX_LENGTH:,} characters; this one has {len(text):,}. "
            "Your text is still here: shorten it and save again."
        )
    if prompt.kind == PromptKind.SCALE:
        if scale_value is not None and not SCALE_MIN <= scale_value <= SCALE_MAX:
            raise DomainError(f"Choose a number from {SCALE_MIN} to {SCALE_MAX}.")
        return {"text": "", "scale_value": scale_value, "passed": False}
    if prompt.kind == PromptKind.CHOICE and text and text not in prompt.choices:
        raise DomainError("Choose one of the listed options.")
    return {"text": text if text.strip() else "", "scale_value": None, "passed": False}


class AnswerConflict(DomainError):
    """The answer was saved elsewhere (another tab or device) since this
    editor loaded it. Carries the saved answer, so both can be shown."""

    def __init__(self, answer):
        super().__init__(
            "You changed this answer in another tab or window. The saved version is shown; what you typed "
            "here is still in the box. Save again to keep this one."
        )
        self.answer = answer


@precompiled
def _answer_of(*, prompt_pk, author_pk):
    return Answer.objects.filter(prompt=prompt_pk, author=author_pk)


def answer_save(*, prompt, author, text="", scale_value=None, passed=False, base_version=None):
    """Save `author`'s answer to `prompt` (None when it is left empty). P3:
    refused once the author is ready (until they withdraw) and forever after
    the reveal. With `base_version` (what the editor loaded), a save over a
    newer version raises AnswerConflict instead of overwriting it."""
    with transaction.atomic():
        participant = _locked_editable_participant(prompt.reflection_id, author)
        if participant.is_ready:
            raise DomainError("You said you are ready, so your answers are locked. Withdraw to edit them.")
        values = _clean_answer(prompt, text=text, scale_value=scale_value, passed=passed)
        found = _answer_of(prompt_pk=prompt.pk, author_pk=author.pk)  # one at most (a constraint)
        current = found[0] if found else None
        if current and base_version is not None and current.version != base_version:
            raise AnswerConflict(current)
        if not (values["passed"] or values["text"] or values["scale_value"] is not None):
            # An emptied answer is no answer: nothing is kept.
            Answer.objects.filter(prompt=prompt, author=author).delete()
            return None
        # The reflection's row lock above serialises saves to it, so `current`
        # is still current: one UPDATE (or INSERT) is enough.
        if current is None:
            return Answer.objects.create(prompt=prompt, author=author, **values)
        for field, value in {**values, "updated_at": timezone.now(), "version": current.version + 1}.items():
            setattr(current, field, value)
        current.save(update_fields=[*values, "updated_at", "version"])
    return current


def readiness_set(*, reflection, user):
    """P3: being ready locks my answers. P2: when both partners are ready the
    reflection is revealed, exactly once. The row lock makes the second
    partner wait for the first, so a simultaneous click still sees both."""
    with transaction.atomic():
        reflection = _locked_reflection(reflection.pk)
        if reflection.is_revealed and reflection.participants.filter(user=user).exists():
            return reflection  # a second click after the reveal changes nothing
        participant = _editable_participant(reflection, user)
        if participant.is_ready:
            return reflection
        missing = reflection.prompts.count() - answered_by(reflection, user)
        if missing:
            raise DomainError(f"Answer every prompt first ({missing} still open). A pass counts as an answer.")
        participant.ready_at = timezone.now()
        participant.save(update_fields=["ready_at"])
        ReflectionEvent.objects.create(reflection=reflection, kind=ReflectionEvent.Kind.READY, user=user)
        if not reflection.participants.filter(ready_at__isnull=True).exists():
            # The conditional update is the "exactly once": only one caller
            # can move revealed_at from empty to set.
            revealed = Reflection.objects.filter(pk=reflection.pk, revealed_at__isnull=True).update(
                revealed_at=timezone.now()
            )
            reflection.refresh_from_db(fields=["revealed_at"])
            if revealed:
                ReflectionEvent.objects.create(reflection=reflection, kind=ReflectionEvent.Kind.REVEALED)
                transaction.on_commit(lambda: reflection_revealed.send(sender=Reflection, reflection=reflection))
        else:
            # Only when this call did not reveal: the reveal has its own notice.
            notify_partner_ready(reflection=reflection, user=user)
    return reflection


def readiness_withdraw(*, reflection, user):
    """P3: until the reveal, being ready can be taken back to edit again."""
    with transaction.atomic():
        participant = _locked_editable_participant(reflection.pk, user)
        reflection = participant.reflection
        if participant.is_ready:
            participant.ready_at = None
            participant.save(update_fields=["ready_at"])
            ReflectionEvent.objects.create(reflection=reflection, kind=ReflectionEvent.Kind.WITHDREW, user=user)
    return reflection


def reflection_share(*, reflection, user, coach):
    """P5: my consent to show our revealed reflection to our coach. The coach
    reads it once both partners have consented."""
    from accounts.models import CoachingLink

    reflection = Reflection.objects.select_related("couple").get(pk=reflection.pk)
    if not reflection.participants.filter(user=user).exists():
        raise DomainError("You are not part of this reflection.")
    if not reflection.is_revealed:
        raise DomainError("Only a revealed reflection can be shared.")
    if reflection.couple.ended_at:
        raise DomainError("You are no longer linked, so this reflection cannot be shared.")
    if not CoachingLink.objects.active().filter(coach=coach, couple=reflection.couple).exists():
        raise DomainError("You can only share with a coach who works with both of you.")
    with transaction.atomic():
        consent, created = ShareConsent.objects.get_or_create(reflection=reflection, user=user, coach=coach)
        if created:
            ReflectionEvent.objects.create(
                reflection=reflection, kind=ReflectionEvent.Kind.SHARED, user=user, coach=coach
            )
    return consent


def reflection_unshare(*, reflection, user, coach):
    """P5: either partner takes sharing back, at any time; the coach loses
    access at once."""
    if not reflection.participants.filter(user=user).exists():
        raise DomainError("You are not part of this reflection.")
    with transaction.atomic():
        deleted, _ = ShareConsent.objects.filter(reflection=reflection, user=user, coach=coach).delete()
        if deleted:
            ReflectionEvent.objects.create(
                reflection=reflection, kind=ReflectionEvent.Kind.UNSHARED, user=user, coach=coach
            )


def _together_reflection(reflection, user):
    """Together mode and joint notes are for the two partners, after the
    reveal, while they are linked."""
    reflection = Reflection.objects.select_related("couple").get(pk=reflection.pk)
    if not reflection.participants.filter(user=user).exists():
        raise DomainError("You are not part of this reflection.")
    if not reflection.is_revealed:
        raise DomainError("This opens once you are both ready.")
    if reflection.couple.ended_at:
        raise DomainError("You are no longer linked, so the shared view is closed.")
    return reflection


def talked_toggle(*, prompt, user):
    """Mark a prompt "we talked about this", or clear the mark. Returns
    whether it is marked now."""
    _together_reflection(prompt.reflection, user)
    with transaction.atomic():
        deleted, _ = TalkedMark.objects.filter(prompt=prompt).delete()
        if deleted:
            return False
        TalkedMark.objects.create(prompt=prompt, marked_by=user)
        return True


class NoteConflict(DomainError):
    """The note changed since the editor loaded it. Carries the newer note
    so that both versions can be shown and nothing is lost."""

    def __init__(self, note):
        super().__init__(
            f"{note.updated_by.name if note.updated_by else 'Your partner'} saved this note while you were "
            "writing. Their version is shown, and yours is still in the box: combine them and save again."
        )
        self.note = note


def note_save(*, reflection, user, kind, text, base_version):
    """Save a joint note written from `base_version`. A save from an older
    version raises NoteConflict instead of overwriting the newer words."""
    if kind not in JointNote.Kind.values:
        raise DomainError("There is no such note.")
    text = (text or "").replace("\x00", "")
    if len(text) > ANSWER_MAX_LENGTH:
        raise DomainError(f"A note can be at most {ANSWER_MAX_LENGTH:,} characters; this one has {len(text):,}.")
    reflection = _together_reflection(reflection, user)
    with transaction.atomic():
        note, _ = JointNote.objects.select_for_update().get_or_create(reflection=reflection, kind=kind)
        if note.version != base_version:
            raise NoteConflict(note)
        if note.text != text:
            note.text = text
            note.version += 1
            note.updated_by = user
            note.updated_at = timezone.now()
            note.save()
    return note
