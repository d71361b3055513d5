"""State changes for the conversation after the reveal. Each runs on the
reflection's locked row (reflections.services.locked_reflection) and only
for its partners after the reveal, while linked (require_partner), and
raises DomainError with a message fit to show the user."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from core.errors import DomainError
from reflections import live
from reflections.access import Stage, require_partner
from reflections.models import ANSWER_MAX_LENGTH, Reflection, ReflectionPrompt
from reflections.services import locked_reflection, new_reflection, written_text

from .models import REPLY_MAX_LENGTH, JointNote, Reaction, Reply, TalkedMark
from .selectors import talked_about
from .signals import follow_up_started, partner_replied


def talked_toggle(*, prompt: ReflectionPrompt, user: User) -> bool:
    """Set or clear `user`'s own "we talked about this" mark on a prompt,
    never the partner's: the two partners, after the reveal, while linked.
    Returns whether `user`'s mark is set now."""
    with transaction.atomic():
        reflection = locked_reflection(prompt.reflection_id)
        require_partner(reflection, user, stage=Stage.REVEALED)
        live.conversation_changed(reflection, author_id=user.pk)
        deleted, _by_model = TalkedMark.objects.filter(prompt=prompt, user=user).delete()
        if deleted:
            return False
        TalkedMark.objects.create(prompt=prompt, user=user)
        return True


FOLLOW_UP_PREFIX = gettext_lazy("Follow-up: ")


def follow_up_titles(reflection: Reflection) -> tuple[str, dict]:
    """A follow-up's title, "Follow-up: " and the reflection's (never twice),
    and its translations: the follow-up keeps every language's, as the
    reflection it follows did."""
    longest = Reflection._meta.get_field("title").max_length

    def title_in(language):
        with translation.override(language):
            prefix = str(FOLLOW_UP_PREFIX)
            return (prefix + reflection.translated("title", language).removeprefix(prefix))[:longest]

    others = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
    return title_in(settings.LANGUAGE_CODE), {code: {"title": title_in(code)} for code in others}


def follow_up_start(*, reflection: Reflection, user: User) -> tuple[Reflection, bool]:
    """A follow-up of a revealed reflection: a new reflection for the couple,
    on the same article, that asks again the prompts either partner wanted to
    talk about in person, once every prompt was talked about. It is answered
    alone and revealed by both being ready, like any other. One per
    reflection: asking again opens the one there is. Returns it, and whether
    it was made now. The partner hears about it as about a brought article."""
    with transaction.atomic():
        reflection = locked_reflection(reflection.pk)
        require_partner(reflection, user, stage=Stage.REVEALED)
        existing = Reflection.objects.filter(follow_up_of=reflection).first()
        if existing is not None:
            return existing, False
        prompts = list(reflection.prompts.all())
        if not {p.pk for p in prompts} <= talked_about(reflection):
            raise DomainError(_("Talk about every question first; then you can follow up on the ones that need more."))
        wanted = Reaction.objects.filter(prompt__reflection=reflection, kind=Reaction.Kind.IN_PERSON)
        marked = set(wanted.values_list("prompt", flat=True))
        chosen = [p for p in prompts if p.pk in marked]
        if not chosen:
            raise DomainError(
                _(
                    "A follow-up asks again the questions one of you wanted to talk about in person, "
                    "and neither of you marked one."
                )
            )
        title, translations = follow_up_titles(reflection)
        follow_up = new_reflection(
            prompts=chosen,
            user_ids=[p.user_id for p in reflection.participants.order_by("pk")],
            couple=reflection.couple,
            article=reflection.article,
            title=title,
            translations=translations,
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
            _(
                "%(name)s saved this note while you were writing. Their version is shown, and yours is "
                "still in the box: combine them and save again."
            )
            % {"name": note.updated_by.name if note.updated_by else _("Your partner")}
        )
        self.note = note


def note_save(*, reflection: Reflection, user: User, kind: str, text: str, base_version: int) -> JointNote:
    """Save a joint note written from `base_version`: the two partners, after
    the reveal, while linked. A save from an older version raises
    NoteConflict instead of overwriting the newer words; one that says what
    is saved already overwrites nothing (an autosave and the Save button
    sent together), so it is no conflict."""
    if kind not in JointNote.Kind.values:
        raise DomainError(_("There is no such note."))
    text = written_text(
        text,
        at_most=ANSWER_MAX_LENGTH,
        # written_text fills in {most} and {length}.
        too_long=_("A note can be at most {most} characters; this one has {length}."),
    )
    with transaction.atomic():
        reflection = locked_reflection(reflection.pk)
        require_partner(reflection, user, stage=Stage.REVEALED)
        note, _created = JointNote.objects.select_related("updated_by").get_or_create(reflection=reflection, kind=kind)
        if note.version != base_version and note.text != text:
            raise NoteConflict(note)
        if note.text != text:
            note.text = text
            note.version += 1
            note.updated_by = user
            note.updated_at = timezone.now()
            note.save()
            live.conversation_changed(reflection, author_id=user.pk)
    return note


# The conversation after the reveal: the two partners, while linked (the
# joint notes' rules); each edits and deletes only their own replies.


def _reply_text(text: str) -> str:
    text = written_text(
        text,
        strip=True,
        at_most=REPLY_MAX_LENGTH,
        # written_text fills in {most} and {length}.
        too_long=_(
            "A reply can be at most {most} characters; this one has {length}. "
            "Your text is still here: shorten it and send again."
        ),
    )
    if not text:
        raise DomainError(_("Write something first: an empty reply is not sent."))
    return text


def reply_create(*, prompt: ReflectionPrompt, user: User, text: str) -> Reply:
    text = _reply_text(text)
    with transaction.atomic():
        reflection = locked_reflection(prompt.reflection_id)
        require_partner(reflection, user, stage=Stage.REVEALED)
        reply = Reply.objects.create(prompt=prompt, author=user, text=text)
        live.conversation_changed(reflection, author_id=user.pk)
        partner_replied.send(sender=Reflection, reflection=reflection, user=user)
    return reply


def reply_edit(*, reply: Reply, user: User, text: str) -> Reply:
    text = _reply_text(text)
    with transaction.atomic():
        reflection = locked_reflection(reply.prompt.reflection_id)
        require_partner(reflection, user, stage=Stage.REVEALED)
        if reply.author_id != user.pk:
            raise DomainError(_("You can only change your own replies."))
        reply.text, reply.updated_at = text, timezone.now()
        reply.save(update_fields=["text", "updated_at"])
        live.conversation_changed(reflection, author_id=user.pk)
    return reply


def reply_delete(*, reply: Reply, user: User) -> None:
    with transaction.atomic():
        reflection = locked_reflection(reply.prompt.reflection_id)
        require_partner(reflection, user, stage=Stage.REVEALED)
        if reply.author_id != user.pk:
            raise DomainError(_("You can only delete your own replies."))
        reply.delete()
        live.conversation_changed(reflection, author_id=user.pk)


def reaction_set(*, prompt: ReflectionPrompt, user: User, kind: str) -> Reaction | None:
    """My reaction to my partner's answer to `prompt`: one of Reaction.Kind,
    replacing my earlier one; the same again (or "") takes it back."""
    if kind and kind not in Reaction.Kind.values:
        raise DomainError(_("Choose one of the reactions offered."))
    with transaction.atomic():
        reflection = locked_reflection(prompt.reflection_id)
        require_partner(reflection, user, stage=Stage.REVEALED)
        live.conversation_changed(reflection, author_id=user.pk)
        current = Reaction.objects.filter(prompt=prompt, author=user).first()
        if current is not None:
            current.delete()
            if current.kind == kind:
                return None
        return Reaction.objects.create(prompt=prompt, author=user, kind=kind) if kind else None
