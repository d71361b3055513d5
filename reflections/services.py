"""State changes for reflections. Each checks its rules inside its
transaction, with the reflection's row locked where a rule depends on its
stage, and raises DomainError with a message fit to show the user."""

import secrets
from collections import Counter
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import CoachingLink, Couple, User
from accounts.selectors import linked_couple_for
from core.errors import DomainError
from library.models import Article, Prompt, PromptKind, off_the_scale, on_the_scale

from . import live
from .access import Stage, require_partner
from .encryption import AnswerContent
from .models import ANSWER_MAX_LENGTH, Answer, Participant, Reflection, ReflectionEvent, ReflectionPrompt, ShareConsent
from .signals import article_brought, partner_ready, reflection_revealed

# Every language's words too: each partner reads the prompts in their own.
SNAPSHOT_FIELDS = ["order", "kind", "text", "scale_min_label", "scale_max_label", "choices", "translations"]


def reflection_start(*, article: Article, by: User) -> Reflection:
    """Start `article` for the couple `by` is linked in, copying its prompts
    as they are now. Starting it again opens the one already started."""
    try:
        with transaction.atomic():
            couple = linked_couple_for(by)
            if couple is None:
                raise DomainError(_("Link with your partner first: a reflection is something you do together."))
            if not Article.objects.available_to(by).filter(pk=article.pk).exists():
                raise DomainError(_("This article is not open for reflections."))
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
        raise DomainError(_("“%(title)s” has no questions yet.") % {"title": article.translated("title")})
    return new_reflection(
        prompts=prompts,
        user_ids=[m.user_id for m in couple.memberships.order_by("pk")],  # the inviter first, always
        couple=couple,
        article=article,
        title=article.title,
        translations=titles_of(article),
        started_by=started_by,
        **assignment,
    )


def titles_of(content) -> dict:
    """The title in every language it has: a reflection keeps them, as it keeps its prompts."""
    return {
        language: {"title": words["title"]} for language, words in content.translations.items() if words.get("title")
    }


def new_reflection(*, prompts: list, user_ids: list[int], **fields) -> Reflection:
    """A new reflection (`fields`) with a snapshot of `prompts` as they are
    now, an article's or another reflection's, and `user_ids` taking part."""
    prompts = list(prompts)
    reflection = Reflection.objects.create(prompt_total=len(prompts), **fields)
    ReflectionPrompt.objects.bulk_create(
        ReflectionPrompt(reflection=reflection, **{f: getattr(p, f) for f in SNAPSHOT_FIELDS}) for p in prompts
    )
    Participant.objects.bulk_create(Participant(reflection=reflection, user_id=pk) for pk in user_ids)
    return reflection


def locked_reflection(reflection_pk: int) -> Reflection:
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
    """`user`'s side of a reflection from locked_reflection (require_partner said they have one)."""
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


def written_text(text: str | None, *, at_most: int, too_long: str, strip: bool = False) -> str:
    """What someone wrote, as it can be kept: without NUL (PostgreSQL cannot
    store one, and nobody means to type one), stripped if asked, and at most
    `at_most` characters, else DomainError(`too_long`, in the reader's
    language, its {most} and {length} filled in as numbers are written there)."""
    text = (text or "").replace("\x00", "")
    if strip:
        text = text.strip()
    if len(text) > at_most:
        most, length = (number_format(n, force_grouping=True) for n in (at_most, len(text)))
        raise DomainError(too_long.format(most=most, length=length))
    return text


def _clean_answer(prompt: ReflectionPrompt, *, text: str, scale_value: int | None, passed: bool) -> dict:
    """The answer as it will be stored, or DomainError naming what is wrong."""
    if passed:
        return {"text": "", "scale_value": None, "passed": True}
    text = written_text(
        text,
        at_most=ANSWER_MAX_LENGTH,
        too_long=_(
            "Answers can be at most {most} characters; this one has {length}. "
            "Your text is still here: shorten it and save again."
        ),
    )
    if prompt.kind == PromptKind.SCALE:
        if scale_value is not None and not on_the_scale(scale_value):
            raise DomainError(off_the_scale())
        return {"text": "", "scale_value": scale_value, "passed": False}
    if prompt.kind == PromptKind.CHOICE and text and not prompt.is_option(text):
        raise DomainError(_("Choose one of the listed options."))
    return {"text": text if text.strip() else "", "scale_value": None, "passed": False}


class AnswerConflict(DomainError):
    """The answer was saved elsewhere (another tab or device) since this
    editor loaded it. Carries the saved version's number; the page reads the
    saved answer itself through the gate to show both."""

    def __init__(self, *, version: int):
        super().__init__(
            _(
                "You changed this answer in another tab or window. The saved version is shown; what you typed "
                "here is still in the box. Save again to keep this one."
            )
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
        reflection = locked_reflection(prompt.reflection_id)
        require_partner(reflection, author, stage=Stage.OPEN)
        if _participant(reflection, author).is_ready:
            raise DomainError(_("You said you are ready, so your answers are locked. Withdraw to edit them."))
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
            return Answer.objects.create(
                prompt=prompt, author=author, content=AnswerContent(**values), language=author.language
            )
        current.content = AnswerContent(**values)
        current.updated_at = timezone.now()
        current.version += 1
        current.language = author.language
        current.save(update_fields=["content", "updated_at", "version", "language"])
    return current


def readiness_set(*, reflection: Reflection, user: User) -> Reflection:
    """P3: being ready locks my answers. P2: when both partners are ready the
    reflection is revealed, exactly once. The row lock makes the second
    partner wait for the first, so a simultaneous click still sees both."""
    with transaction.atomic():
        reflection = locked_reflection(reflection.pk)
        access = require_partner(reflection, user)
        if access.stage == Stage.REVEALED:
            return reflection  # a second click after the reveal changes nothing
        require_partner(reflection, user, stage=Stage.OPEN)
        participant = _participant(reflection, user)
        if participant.is_ready:
            return reflection
        missing = reflection.prompts.count() - participant.answered
        if missing:
            raise DomainError(
                ngettext(
                    "Answer every prompt first (%(count)s still open). A pass counts as an answer.",
                    "Answer every prompt first (%(count)s still open). A pass counts as an answer.",
                    missing,
                )
                % {"count": missing}
            )
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
        reflection = locked_reflection(reflection.pk)
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
        raise DomainError(_("You can only share with a coach who works with both of you."))
    return link


def reflection_share(*, reflection: Reflection, user: User, coach: User) -> ShareConsent:
    """P5: my consent to show our revealed reflection to our coach, on the
    coaching link we have with them now. The coach reads it once both
    partners have consented, and only while that link lasts."""
    with transaction.atomic():
        reflection = locked_reflection(reflection.pk)
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
        reflection = locked_reflection(reflection.pk)
        require_partner(reflection, user)
        deleted, _ = ShareConsent.objects.filter(reflection=reflection, user=user, link__coach=coach).delete()
        if deleted:
            ReflectionEvent.objects.create(
                reflection=reflection, kind=ReflectionEvent.Kind.UNSHARED, user=user, coach=coach
            )


BROUGHT_QUESTIONS_MAX = 12


def article_bring(*, by: User, details: dict, note: str = "", questions: list[dict]) -> Reflection:
    """An article `by` found, for their couple alone: its link and details
    (never its text), a line of their own, and the questions they chose
    (PromptFields, already checked). The reflection starts at once and the
    partner hears who suggested it."""
    if not questions:
        raise DomainError(_("Choose at least one question to answer, from the bank or your own."))
    if len(questions) > BROUGHT_QUESTIONS_MAX:
        raise DomainError(
            _("Choose at most %(most)s questions; you chose %(count)s.")
            % {"most": BROUGHT_QUESTIONS_MAX, "count": len(questions)}
        )
    with transaction.atomic():
        couple = linked_couple_for(by)
        if couple is None:
            raise DomainError(_("Link with your partner first: a reflection is something you do together."))
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
            language=by.language,
            status=Article.Status.PUBLISHED,
            visibility=Article.Visibility.COUPLE,
        )
        Prompt.objects.bulk_create(Prompt(article=article, order=n, **q) for n, q in enumerate(questions, 1))
        reflection = reflection_create(couple=couple, article=article, started_by=by)
        article_brought.send(sender=Reflection, reflection=reflection, user=by)
    return reflection
