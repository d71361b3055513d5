"""State changes for reflections. Each checks its rules inside its
transaction, with the reflection's row locked where a rule depends on its
stage, and raises DomainError with a message fit to show the user."""

import secrets
from collections import Counter
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import CoachingLink, Couple, User
from accounts.selectors import linked_couple_for
from core.errors import DomainError

from . import live
from .access import Stage, require_partner
from .encryption import AnswerContent
from .models import (
    ANSWER_MAX_LENGTH,
    REPLY_MAX_LENGTH,
    SCALE_MAX,
    SCALE_MIN,
    Answer,
    Article,
    JointNote,
    Participant,
    Prompt,
    PromptKind,
    Reaction,
    Reflection,
    ReflectionEvent,
    ReflectionPrompt,
    Reply,
    ShareConsent,
    TalkedMark,
)
from .selectors import talked_about
from .signals import article_brought, follow_up_started, partner_ready, partner_replied, reflection_revealed

SNAPSHOT_FIELDS = ["order", "kind", "text", "scale_min_label", "scale_max_label", "choices"]


def reflection_start(*, article: Article, by: User) -> Reflection:
    """Start `article` for the couple `by` is linked in, copying its prompts
    as they are now. Starting it again opens the one already started."""
    try:
        with transaction.atomic():
            couple = linked_couple_for(by)
            if couple is None:
                raise DomainError("Link with your partner first: a reflection is something you do together.")
            if not Article.objects.available_to(by).filter(pk=article.pk).exists():
                raise DomainError("This article is not open for reflections.")
            existing = Reflection.objects.filter(couple=couple, article=article, follow_up_of__isnull=True).first()
            if existing:
                return existing
            return reflection_create(couple=couple, article=article, started_by=by)
    except IntegrityError:
        # Both partners pressed "start" at once: the other one won.
        return Reflection.objects.get(couple=linked_couple_for(by), article=article, follow_up_of__isnull=True)


def reflection_create(*, couple: Couple, article: Article, started_by: User | None, **assignment) -> Reflection:
    """The reflection with a snapshot of the article's prompts as they are
    now, and both partners as participants. Call inside a transaction."""
    prompts = list(article.prompts.all())
    if not prompts:
        raise DomainError(f"“{article.title}” has no questions yet.")
    return _new_reflection(
        prompts=prompts,
        user_ids=[m.user_id for m in couple.memberships.all()],
        couple=couple,
        article=article,
        title=article.title,
        started_by=started_by,
        **assignment,
    )


def _new_reflection(*, prompts: list, user_ids: list[int], **fields) -> Reflection:
    """A new reflection (`fields`) with a snapshot of `prompts` as they are
    now, an article's or another reflection's, and `user_ids` taking part."""
    reflection = Reflection.objects.create(**fields)
    ReflectionPrompt.objects.bulk_create(
        ReflectionPrompt(reflection=reflection, **{f: getattr(p, f) for f in SNAPSHOT_FIELDS}) for p in prompts
    )
    Participant.objects.bulk_create(Participant(reflection=reflection, user_id=pk) for pk in user_ids)
    return reflection


def _locked(reflection_pk: int) -> Reflection:
    """The reflection, row-locked until the transaction ends: every change
    to its readiness, answers, notes or sharing waits here for the one
    before it, so what is read after the lock (stage, participants,
    answers) is current. Its couple is read, not locked; its participants
    are read once the lock is held."""
    return (
        Reflection.objects.select_for_update(of=("self",))
        .select_related("couple")
        .prefetch_related("participants")
        .get(pk=reflection_pk)
    )


def _participant(reflection: Reflection, user: User) -> Participant:
    """`user`'s side of a reflection from _locked (require_partner said they have one)."""
    return next(p for p in reflection.participants.all() if p.user_id == user.pk)


def _count_answer(participant: Participant, *, was: tuple[bool, bool], now: tuple[bool, bool]) -> None:
    """Keeps `participant`'s answered and passed counts, in the save's
    transaction: `was` and `now` are (answered, passed) for one prompt
    before and after the save."""
    answered, passed = int(now[0]) - int(was[0]), int(now[1]) - int(was[1])
    if answered or passed:
        participant.answered += answered
        participant.passed += passed
        participant.save(update_fields=["answered", "passed"])


def progress_recount(participants: Iterable[Participant]) -> list[Participant]:
    """Counts `participants`' answers and passes afresh from the answers
    themselves (decrypting each), sets the counts that were wrong and
    returns those participants: for data loaded around answer_save (the
    bench's seeding) and to check that the counts hold."""
    participants = list(participants)
    tally = Counter()
    passes = Counter()
    answers = Answer.objects.filter(
        prompt__reflection__in={p.reflection_id for p in participants}, author__in={p.user_id for p in participants}
    ).values_list("prompt__reflection", "author", "content")
    for reflection_id, author_id, content in answers.iterator(chunk_size=2000):
        tally[reflection_id, author_id] += 1
        passes[reflection_id, author_id] += int(content.passed)
    wrong = []
    for p in participants:
        key = (p.reflection_id, p.user_id)
        if (p.answered, p.passed) != (tally[key], passes[key]):
            p.answered, p.passed = tally[key], passes[key]
            wrong.append(p)
    Participant.objects.bulk_update(wrong, ["answered", "passed"], batch_size=1000)
    return wrong


def _written(text: str | None, *, at_most: int, too_long: str, strip: bool = False) -> str:
    """What someone wrote, as it can be kept: without NUL (PostgreSQL cannot
    store one, and nobody means to type one), stripped if asked, and at most
    `at_most` characters, else DomainError(`too_long`, its {most} and
    {length} filled in)."""
    text = (text or "").replace("\x00", "")
    if strip:
        text = text.strip()
    if len(text) > at_most:
        raise DomainError(too_long.format(most=f"{at_most:,}", length=f"{len(text):,}"))
    return text


def _clean_answer(prompt: ReflectionPrompt, *, text: str, scale_value: int | None, passed: bool) -> dict:
    """The answer as it will be stored, or DomainError naming what is wrong."""
    if passed:
        return {"text": "", "scale_value": None, "passed": True}
    text = _written(
        text,
        at_most=ANSWER_MAX_LENGTH,
        too_long="Answers can be at most {most} characters; this one has {length}. "
        "Your text is still here: shorten it and save again.",
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
    editor loaded it. Carries the saved version's number; the page reads the
    saved answer itself through the gate to show both."""

    def __init__(self, *, version: int):
        super().__init__(
            "You changed this answer in another tab or window. The saved version is shown; what you typed "
            "here is still in the box. Save again to keep this one."
        )
        self.version = version


def answer_save(
    *,
    prompt: ReflectionPrompt,
    author: User,
    text: str = "",
    scale_value: int | None = None,
    passed: bool = False,
    base_version: int | None = None,
) -> Answer | None:
    """Save `author`'s answer to `prompt` (None when it is left empty). P3:
    refused once the author is ready (until they withdraw) and forever after
    the reveal. With `base_version` (what the editor loaded), a save over a
    newer version raises AnswerConflict instead of overwriting it."""
    with transaction.atomic():
        reflection = _locked(prompt.reflection_id)
        require_partner(reflection, author, stage=Stage.OPEN)
        if _participant(reflection, author).is_ready:
            raise DomainError("You said you are ready, so your answers are locked. Withdraw to edit them.")
        values = _clean_answer(prompt, text=text, scale_value=scale_value, passed=passed)
        current = Answer.objects.filter(prompt=prompt, author=author).first()  # one at most (a constraint)
        if current and base_version is not None and current.version != base_version:
            raise AnswerConflict(version=current.version)
        emptied = not (values["passed"] or values["text"] or values["scale_value"] is not None)
        _count_answer(
            _participant(reflection, author),
            was=(current is not None, current is not None and current.passed),
            now=(not emptied, not emptied and values["passed"]),
        )
        if emptied:
            # An emptied answer is no answer: nothing is kept.
            if current:
                current.delete()
                live.progress_changed(reflection.pk, reflection.participants.all(), author_id=author.pk)
            return None
        if current is None:
            live.progress_changed(reflection.pk, reflection.participants.all(), author_id=author.pk)
            return Answer.objects.create(prompt=prompt, author=author, content=AnswerContent(**values))
        current.content = AnswerContent(**values)
        current.updated_at = timezone.now()
        current.version += 1
        current.save(update_fields=["content", "updated_at", "version"])
    return current


def readiness_set(*, reflection: Reflection, user: User) -> Reflection:
    """P3: being ready locks my answers. P2: when both partners are ready the
    reflection is revealed, exactly once. The row lock makes the second
    partner wait for the first, so a simultaneous click still sees both."""
    with transaction.atomic():
        reflection = _locked(reflection.pk)
        access = require_partner(reflection, user)
        if access.stage == Stage.REVEALED:
            return reflection  # a second click after the reveal changes nothing
        require_partner(reflection, user, stage=Stage.OPEN)
        participant = _participant(reflection, user)
        if participant.is_ready:
            return reflection
        missing = reflection.prompts.count() - participant.answered
        if missing:
            raise DomainError(f"Answer every prompt first ({missing} still open). A pass counts as an answer.")
        participant.ready_at = timezone.now()
        participant.save(update_fields=["ready_at"])
        ReflectionEvent.objects.create(reflection=reflection, kind=ReflectionEvent.Kind.READY, user=user)
        live.everyone_changed(reflection.pk, reflection.participants.all())  # ready, and maybe revealed
        if any(p.ready_at is None for p in reflection.participants.all()):
            partner_ready.send(sender=Reflection, reflection=reflection, user=user)
            return reflection
        # The conditional update is the "exactly once": only one caller can
        # move revealed_at from empty to set.
        revealed = Reflection.objects.filter(pk=reflection.pk, revealed_at__isnull=True).update(
            revealed_at=timezone.now()
        )
        reflection.refresh_from_db(fields=["revealed_at"])
        if revealed:
            ReflectionEvent.objects.create(reflection=reflection, kind=ReflectionEvent.Kind.REVEALED)
            transaction.on_commit(lambda: reflection_revealed.send(sender=Reflection, reflection=reflection))
    return reflection


def readiness_withdraw(*, reflection: Reflection, user: User) -> Reflection:
    """P3: until the reveal, being ready can be taken back to edit again."""
    with transaction.atomic():
        reflection = _locked(reflection.pk)
        require_partner(reflection, user, stage=Stage.OPEN)
        participant = _participant(reflection, user)
        if participant.is_ready:
            participant.ready_at = None
            participant.save(update_fields=["ready_at"])
            live.everyone_changed(reflection.pk, reflection.participants.all())
            ReflectionEvent.objects.create(reflection=reflection, kind=ReflectionEvent.Kind.WITHDREW, user=user)
    return reflection


def _coaching_by(reflection: Reflection, coach: User) -> CoachingLink:
    """The couple's active coaching link with `coach`: consents belong to it."""
    link = CoachingLink.objects.active().filter(coach=coach, couple=reflection.couple_id).first()
    if link is None:
        raise DomainError("You can only share with a coach who works with both of you.")
    return link


def reflection_share(*, reflection: Reflection, user: User, coach: User) -> ShareConsent:
    """P5: my consent to show our revealed reflection to our coach, on the
    coaching link we have with them now. The coach reads it once both
    partners have consented, and only while that link lasts."""
    with transaction.atomic():
        reflection = _locked(reflection.pk)
        require_partner(reflection, user, stage=Stage.REVEALED)
        link = _coaching_by(reflection, coach)
        consent, created = ShareConsent.objects.get_or_create(reflection=reflection, user=user, link=link)
        if created:
            ReflectionEvent.objects.create(
                reflection=reflection, kind=ReflectionEvent.Kind.SHARED, user=user, coach=coach
            )
    return consent


def reflection_unshare(*, reflection: Reflection, user: User, coach: User) -> None:
    """P5: either partner takes sharing back, at any time and in any stage;
    the coach loses access at once."""
    with transaction.atomic():
        reflection = _locked(reflection.pk)
        require_partner(reflection, user)
        deleted, _ = ShareConsent.objects.filter(reflection=reflection, user=user, link__coach=coach).delete()
        if deleted:
            ReflectionEvent.objects.create(
                reflection=reflection, kind=ReflectionEvent.Kind.UNSHARED, user=user, coach=coach
            )


def talked_toggle(*, prompt: ReflectionPrompt, user: User) -> bool:
    """Set or clear `user`'s own "we talked about this" mark on a prompt,
    never the partner's: the two partners, after the reveal, while linked.
    Returns whether `user`'s mark is set now."""
    with transaction.atomic():
        reflection = _locked(prompt.reflection_id)
        require_partner(reflection, user, stage=Stage.REVEALED)
        deleted, _ = TalkedMark.objects.filter(prompt=prompt, user=user).delete()
        if deleted:
            return False
        TalkedMark.objects.create(prompt=prompt, user=user)
        return True


FOLLOW_UP_PREFIX = "Follow-up: "


def follow_up_start(*, reflection: Reflection, user: User) -> tuple[Reflection, bool]:
    """A follow-up of a revealed reflection: a new reflection for the couple,
    on the same article, that asks again the prompts either partner wanted to
    talk about in person, once every prompt was talked about. It is answered
    alone and revealed by both being ready, like any other. One per
    reflection: asking again opens the one there is. Returns it, and whether
    it was made now. The partner hears about it as about a brought article."""
    with transaction.atomic():
        reflection = _locked(reflection.pk)
        require_partner(reflection, user, stage=Stage.REVEALED)
        existing = Reflection.objects.filter(follow_up_of=reflection).first()
        if existing is not None:
            return existing, False
        prompts = list(reflection.prompts.all())
        if not {p.pk for p in prompts} <= talked_about(reflection):
            raise DomainError("Talk about every question first; then you can follow up on the ones that need more.")
        wanted = Reaction.objects.filter(prompt__reflection=reflection, kind=Reaction.Kind.IN_PERSON)
        marked = set(wanted.values_list("prompt", flat=True))
        chosen = [p for p in prompts if p.pk in marked]
        if not chosen:
            raise DomainError(
                "A follow-up asks again the questions one of you wanted to talk about in person, "
                "and neither of you marked one."
            )
        title = FOLLOW_UP_PREFIX + reflection.title.removeprefix(FOLLOW_UP_PREFIX)
        follow_up = _new_reflection(
            prompts=chosen,
            user_ids=[p.user_id for p in reflection.participants.all()],
            couple=reflection.couple,
            article=reflection.article,
            title=title[: Reflection._meta.get_field("title").max_length],
            started_by=user,
            follow_up_of=reflection,
        )
        follow_up_started.send(sender=Reflection, reflection=follow_up, user=user)
    return follow_up, True


class NoteConflict(DomainError):
    """The note changed since the editor loaded it. Carries the newer note
    so that both versions can be shown and nothing is lost."""

    def __init__(self, note: JointNote):
        super().__init__(
            f"{note.updated_by.name if note.updated_by else 'Your partner'} saved this note while you were "
            "writing. Their version is shown, and yours is still in the box: combine them and save again."
        )
        self.note = note


def note_save(*, reflection: Reflection, user: User, kind: str, text: str, base_version: int) -> JointNote:
    """Save a joint note written from `base_version`: the two partners, after
    the reveal, while linked. A save from an older version raises
    NoteConflict instead of overwriting the newer words; one that says what
    is saved already overwrites nothing (an autosave and the Save button
    sent together), so it is no conflict."""
    if kind not in JointNote.Kind.values:
        raise DomainError("There is no such note.")
    text = _written(
        text, at_most=ANSWER_MAX_LENGTH, too_long="A note can be at most {most} characters; this one has {length}."
    )
    with transaction.atomic():
        reflection = _locked(reflection.pk)
        require_partner(reflection, user, stage=Stage.REVEALED)
        note, _ = JointNote.objects.select_related("updated_by").get_or_create(reflection=reflection, kind=kind)
        if note.version != base_version and note.text != text:
            raise NoteConflict(note)
        if note.text != text:
            note.text = text
            note.version += 1
            note.updated_by = user
            note.updated_at = timezone.now()
            note.save()
    return note


BROUGHT_QUESTIONS_MAX = 12


def article_bring(*, by: User, details: dict, note: str = "", questions: list[dict]) -> Reflection:
    """An article `by` found, for their couple alone: its link and details
    (never its text), a line of their own, and the questions they chose
    (PromptFields, already checked). The reflection starts at once and the
    partner hears who suggested it."""
    if not questions:
        raise DomainError("Choose at least one question to answer, from the bank or your own.")
    if len(questions) > BROUGHT_QUESTIONS_MAX:
        raise DomainError(f"Choose at most {BROUGHT_QUESTIONS_MAX} questions; you chose {len(questions)}.")
    with transaction.atomic():
        couple = linked_couple_for(by)
        if couple is None:
            raise DomainError("Link with your partner first: a reflection is something you do together.")
        article = Article.objects.create(
            # The slug is the article's address: a random part keeps it unguessable.
            slug=f"{slugify(details['title'])[:150] or 'article'}-{secrets.token_hex(4)}",
            title=details["title"],
            summary=details.get("description", ""),
            source_title=details["title"],
            source_name=details.get("site_name", ""),
            source_url=details.get("url", ""),
            source_author=details.get("author", ""),
            source_published=details.get("published"),
            image_url=details.get("image_url", ""),
            reading_minutes=details.get("reading_minutes") or 0,
            note=note,
            couple=couple,
            brought_by=by,
            status=Article.Status.PUBLISHED,
            visibility=Article.Visibility.COUPLE,
        )
        Prompt.objects.bulk_create(Prompt(article=article, order=n, **q) for n, q in enumerate(questions, 1))
        reflection = reflection_create(couple=couple, article=article, started_by=by)
        article_brought.send(sender=Reflection, reflection=reflection, user=by)
    return reflection


# The conversation after the reveal: the two partners, while linked (the
# joint notes' rules); each edits and deletes only their own replies.


def _reply_text(text: str) -> str:
    text = _written(
        text,
        strip=True,
        at_most=REPLY_MAX_LENGTH,
        too_long="A reply can be at most {most} characters; this one has {length}. "
        "Your text is still here: shorten it and send again.",
    )
    if not text:
        raise DomainError("Write something first: an empty reply is not sent.")
    return text


def reply_create(*, prompt: ReflectionPrompt, user: User, text: str) -> Reply:
    text = _reply_text(text)
    with transaction.atomic():
        reflection = _locked(prompt.reflection_id)
        require_partner(reflection, user, stage=Stage.REVEALED)
        reply = Reply.objects.create(prompt=prompt, author=user, text=text)
        partner_replied.send(sender=Reflection, reflection=reflection, user=user)
    return reply


def reply_edit(*, reply: Reply, user: User, text: str) -> Reply:
    text = _reply_text(text)
    with transaction.atomic():
        reflection = _locked(reply.prompt.reflection_id)
        require_partner(reflection, user, stage=Stage.REVEALED)
        if reply.author_id != user.pk:
            raise DomainError("You can only change your own replies.")
        reply.text, reply.updated_at = text, timezone.now()
        reply.save(update_fields=["text", "updated_at"])
    return reply


def reply_delete(*, reply: Reply, user: User) -> None:
    with transaction.atomic():
        reflection = _locked(reply.prompt.reflection_id)
        require_partner(reflection, user, stage=Stage.REVEALED)
        if reply.author_id != user.pk:
            raise DomainError("You can only delete your own replies.")
        reply.delete()


def reaction_set(*, prompt: ReflectionPrompt, user: User, kind: str) -> Reaction | None:
    """My reaction to my partner's answer to `prompt`: one of Reaction.Kind,
    replacing my earlier one; the same again (or "") takes it back."""
    if kind and kind not in Reaction.Kind.values:
        raise DomainError("Choose one of the reactions offered.")
    with transaction.atomic():
        reflection = _locked(prompt.reflection_id)
        require_partner(reflection, user, stage=Stage.REVEALED)
        current = Reaction.objects.filter(prompt=prompt, author=user).first()
        if current is not None:
            current.delete()
            if current.kind == kind:
                return None
        return Reaction.objects.create(prompt=prompt, author=user, kind=kind) if kind else None
