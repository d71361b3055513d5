"""State changes for check-ins. Each checks its rules inside its
transaction, with the check-in's row locked, and raises DomainError with a
message fit to show. A round is a reflection (reflections.services makes
it); everything after it opens, answering to the reveal, is the
reflection's."""

from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import CoachingLink, User
from accounts.selectors import linked_couple_for
from core import live
from core.errors import DomainError
from library.models import PromptKind
from reflections.models import Reflection, ShareConsent
from reflections.services import SNAPSHOT_FIELDS, new_reflection, titles_of

from .models import PROMPTS_PER_CHECKIN, CheckIn, CheckInPrompt, CheckInShare, Round
from .sets import checkin_set
from .signals import checkin_proposed, round_opened, round_reminder


def next_day(weekday: int, on_or_after: date) -> date:
    """The first `weekday` (0 is Monday) on or after `on_or_after`."""
    return on_or_after + timedelta(days=(weekday - on_or_after.weekday()) % 7)


def _first_round_on(checkin: CheckIn, today: date) -> date:
    """When the next round opens, from `today`: on the check-in's day, and
    never sooner than its cadence after the last round opened (a change of
    day never brings two rounds close together)."""
    last = checkin.rounds.order_by("-number").values_list("opens_on", flat=True).first()
    earliest = today if last is None else max(today, last + timedelta(days=checkin.cadence))
    return next_day(checkin.weekday, earliest)


def _clean_prompts(prompts: list[dict]) -> list[CheckInPrompt]:
    if len(prompts) not in PROMPTS_PER_CHECKIN:
        raise DomainError(
            _("A check-in asks %(low)s to %(high)s questions; you chose %(chosen)s.")
            % {"low": PROMPTS_PER_CHECKIN.start, "high": PROMPTS_PER_CHECKIN.stop - 1, "chosen": len(prompts)}
        )
    if not any(p.get("kind") == PromptKind.SCALE for p in prompts):
        raise DomainError(_("Choose at least one 1–10 question: those are what the trend shows."))
    cleaned = []
    for order, fields in enumerate(prompts):
        prompt = CheckInPrompt(order=order, **{f: fields.get(f, "") for f in SNAPSHOT_FIELDS if f != "order"})
        prompt.choices = fields.get("choices") or []
        prompt.translations = fields.get("translations") or {}
        prompt.starter = fields.get("starter", "")
        try:
            prompt.clean()
        except ValidationError as error:
            raise DomainError(" ".join(error.messages)) from None
        cleaned.append(prompt)
    return cleaned


def _set_prompts(checkin: CheckIn, prompts: list[CheckInPrompt]) -> None:
    checkin.prompts.all().delete()
    for prompt in prompts:
        prompt.checkin = checkin
    CheckInPrompt.objects.bulk_create(prompts)


# The title of a check-in proposed without one.
UNTITLED = gettext_lazy("Our check-in")


def _other_languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def _in(language: str, words) -> str:
    """Lazily translated `words` in `language`."""
    with translation.override(language):
        return str(words)


def _set_titles(set_slug: str, title: str) -> dict:
    """A set's title in its other languages, while the check-in keeps it;
    for one proposed without a title, UNTITLED in each."""
    if not title.strip():
        return {language: {"title": _in(language, UNTITLED)} for language in _other_languages()}
    chosen = checkin_set(set_slug) if set_slug else None
    if chosen is None or chosen.title != title.strip():
        return {}
    return titles_of(chosen)


def _propose(*, couple, by: User, link: CoachingLink | None, title: str, cadence: int, weekday: int, prompts, set_slug):
    cleaned = _clean_prompts(prompts)
    with transaction.atomic():
        try:
            with transaction.atomic():
                checkin = CheckIn.objects.create(
                    couple=couple,
                    title=title.strip()[:120] or _in(settings.LANGUAGE_CODE, UNTITLED),
                    translations=_set_titles(set_slug, title),
                    set_slug=set_slug,
                    cadence=cadence,
                    weekday=weekday,
                    proposed_by=by,
                    proposed_through=link,
                )
        except IntegrityError:
            raise DomainError(_("You already have a check-in: change it, or stop it first.")) from None
        _set_prompts(checkin, cleaned)
        checkin_proposed.send(sender=CheckIn, checkin=checkin, by=by)
    return checkin


def checkin_propose(*, by: User, title: str, cadence: int, weekday: int, prompts: list[dict], set_slug: str = ""):
    """`by` proposes a check-in to their partner; it starts once they accept."""
    couple = linked_couple_for(by)
    if couple is None:
        raise DomainError(_("Link with your partner first: a check-in is something you do together."))
    return _propose(
        couple=couple,
        by=by,
        link=None,
        title=title,
        cadence=cadence,
        weekday=weekday,
        prompts=prompts,
        set_slug=set_slug,
    )


def checkin_propose_as_coach(
    *, coach: User, link: CoachingLink, title: str, cadence: int, weekday: int, prompts: list[dict], set_slug: str = ""
):
    """A coach proposes a check-in to a client couple, who accept or decline it."""
    if not CoachingLink.objects.active().filter(pk=link.pk, coach=coach).exists():
        raise DomainError(_("You no longer coach this couple."))
    return _propose(
        couple=link.couple,
        by=coach,
        link=link,
        title=title,
        cadence=cadence,
        weekday=weekday,
        prompts=prompts,
        set_slug=set_slug,
    )


def _locked(checkin: CheckIn, by: User) -> CheckIn:
    """The check-in, row-locked, once `by` is a partner of its couple while linked."""
    locked = CheckIn.objects.select_for_update(of=("self",)).select_related("couple").get(pk=checkin.pk)
    if locked.couple.ended_at is not None or not locked.couple.memberships.filter(user=by, active=True).exists():
        raise DomainError(_("This check-in is not yours to change."))
    return locked


def _require(checkin: CheckIn, *statuses: str) -> None:
    if checkin.status not in statuses:
        raise DomainError(
            _("This check-in is %(status)s now; reload to see it.") % {"status": checkin.get_status_display().lower()}
        )


def _partners(checkin: CheckIn) -> list[int]:
    return list(checkin.couple.memberships.values_list("user_id", flat=True))


def checkin_accept(*, checkin: CheckIn, by: User) -> CheckIn:
    """The other partner (or, for a coach's proposal, either) says yes: the
    first round opens on the next of its days, today included."""
    with transaction.atomic():
        checkin = _locked(checkin, by)
        _require(checkin, CheckIn.Status.PROPOSED)
        if checkin.proposed_by_id == by.pk:
            raise DomainError(_("Your partner accepts it: a check-in starts once you both want it."))
        checkin.status = CheckIn.Status.ACTIVE
        checkin.started_at = timezone.now()
        checkin.next_round_on = _first_round_on(checkin, timezone.localdate())
        checkin.save(update_fields=["status", "started_at", "next_round_on"])
        live.changed(live.STATUS, _partners(checkin))
    return checkin


def _end(checkin: CheckIn, status: str) -> None:
    checkin.status = status
    checkin.ended_at = timezone.now()
    checkin.next_round_on = None
    checkin.save(update_fields=["status", "ended_at", "next_round_on"])
    live.changed(live.STATUS, _partners(checkin))


def checkin_decline(*, checkin: CheckIn, by: User) -> CheckIn:
    """Either partner says no to a proposal (the proposer withdraws it)."""
    with transaction.atomic():
        checkin = _locked(checkin, by)
        _require(checkin, CheckIn.Status.PROPOSED)
        _end(checkin, CheckIn.Status.DECLINED)
    return checkin


def checkin_stop(*, checkin: CheckIn, by: User) -> CheckIn:
    """No more rounds. A round already open stays open to finish."""
    with transaction.atomic():
        checkin = _locked(checkin, by)
        _require(checkin, CheckIn.Status.ACTIVE, CheckIn.Status.PAUSED)
        _end(checkin, CheckIn.Status.STOPPED)
    return checkin


def checkin_pause(*, checkin: CheckIn, by: User) -> CheckIn:
    with transaction.atomic():
        checkin = _locked(checkin, by)
        _require(checkin, CheckIn.Status.ACTIVE)
        checkin.status = CheckIn.Status.PAUSED
        checkin.next_round_on = None
        checkin.save(update_fields=["status", "next_round_on"])
        live.changed(live.STATUS, _partners(checkin))
    return checkin


def checkin_resume(*, checkin: CheckIn, by: User) -> CheckIn:
    with transaction.atomic():
        checkin = _locked(checkin, by)
        _require(checkin, CheckIn.Status.PAUSED)
        checkin.status = CheckIn.Status.ACTIVE
        checkin.next_round_on = _first_round_on(checkin, timezone.localdate())
        checkin.save(update_fields=["status", "next_round_on"])
        live.changed(live.STATUS, _partners(checkin))
    return checkin


def checkin_change(
    *, checkin: CheckIn, by: User, cadence: int, weekday: int, prompts: list[dict] | None = None, set_slug: str = ""
) -> CheckIn:
    """New days or questions, from the next round on: a round already open
    keeps the prompts it opened with."""
    cleaned = _clean_prompts(prompts) if prompts is not None else None
    with transaction.atomic():
        checkin = _locked(checkin, by)
        _require(checkin, *CheckIn.LIVE)
        checkin.cadence, checkin.weekday = cadence, weekday
        if cleaned is not None:
            _set_prompts(checkin, cleaned)
            checkin.set_slug = set_slug
        if checkin.status == CheckIn.Status.ACTIVE:
            checkin.next_round_on = _first_round_on(checkin, timezone.localdate())
        checkin.save(update_fields=["cadence", "weekday", "set_slug", "next_round_on"])
        live.changed(live.STATUS, _partners(checkin))
    return checkin


# The background worker's part (checkins/tasks.py runs these).


def round_titles(checkin: CheckIn, day: date) -> tuple[str, dict]:
    """A round's title, the check-in's and its day, and its translations:
    the round keeps every language's, as it keeps its prompts'."""

    def title_in(language):
        with translation.override(language):
            day_format = _("j M Y")  # a gettext call inside an f-string is not found by makemessages
            return f"{checkin.translated('title', language)} · {date_format(day, day_format)}"

    return title_in(settings.LANGUAGE_CODE), {code: {"title": title_in(code)} for code in _other_languages()}


def round_open(checkin_pk: int, *, today: date) -> Round | None:
    """Open the round of a running check-in that is due by `today`: close
    the last round quietly if nobody finished it, freeze the prompts into a
    new reflection, and set the next round's day. None when nothing is due
    (another worker opened it, or it stopped meanwhile)."""
    with transaction.atomic():
        checkin = CheckIn.objects.select_for_update(of=("self",)).select_related("couple").get(pk=checkin_pk)
        if checkin.status != CheckIn.Status.ACTIVE or not checkin.next_round_on or checkin.next_round_on > today:
            return None
        partners = [m.user_id for m in checkin.couple.memberships.order_by("pk")]
        # No streak and no count of missed weeks: an unfinished round simply
        # closes, and a page open on it says so.
        unfinished = Reflection.objects.filter(
            checkin_round__checkin=checkin, revealed_at__isnull=True, closed_at__isnull=True
        )
        for pk in list(unfinished.values_list("pk", flat=True)):
            live.changed(live.STATUS, partners, reflection_id=pk)
        unfinished.update(closed_at=timezone.now())
        coach = checkin.proposed_through.coach_id if checkin.proposed_through_id else None
        title, translations = round_titles(checkin, today)
        reflection = new_reflection(
            prompts=checkin.prompts.all(),
            user_ids=partners,
            couple=checkin.couple,
            title=title,
            translations=translations,
            started_by=None,
            assigned_by_id=coach,
        )
        checkin.rounds_opened += 1
        opened = Round.objects.create(
            checkin=checkin, reflection=reflection, number=checkin.rounds_opened, opens_on=today
        )
        # A worker that was down for weeks opens one round, not each missed one.
        checkin.next_round_on = next_day(checkin.weekday, today + timedelta(days=checkin.cadence - 6))
        checkin.save(update_fields=["rounds_opened", "next_round_on"])
        round_opened.send(sender=Round, round=opened)
        live.changed(live.STATUS, partners)
    return opened


def rounds_open_due(*, today: date | None = None) -> int:
    """Open every round due by `today`; how many opened."""
    today = today or timezone.localdate()
    due = CheckIn.objects.filter(status=CheckIn.Status.ACTIVE, next_round_on__lte=today).values_list("pk", flat=True)
    return sum(round_open(pk, today=today) is not None for pk in list(due))


def reminders_due(*, now: datetime | None = None) -> int:
    """The one gentle reminder: on a round's own day, from
    CHECKIN_REMINDER_HOUR, to each partner not ready yet. Never on a later
    day, and never twice. How many rounds reminded."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    if local.hour < settings.CHECKIN_REMINDER_HOUR:
        return 0
    reminded = 0
    due = Round.objects.filter(
        opens_on=local.date(),
        reminded_at__isnull=True,
        reflection__revealed_at__isnull=True,
        reflection__closed_at__isnull=True,
    ).values_list("pk", flat=True)
    for pk in list(due):
        with transaction.atomic():
            claimed = Round.objects.filter(pk=pk, reminded_at__isnull=True).update(reminded_at=now)
            if not claimed:
                continue
            opened = Round.objects.select_related("reflection").get(pk=pk)
            waiting = [p.user for p in opened.reflection.participants.select_related("user") if not p.is_ready]
            round_reminder.send(sender=Round, round=opened, users=waiting)
            reminded += 1
    return reminded


# Sharing with a coach (P5): a standing consent, kept as the rounds' own.


def _coaching_of(checkin: CheckIn, coach: User) -> CoachingLink:
    link = CoachingLink.objects.active().filter(couple=checkin.couple, coach=coach).first()
    if link is None:
        raise DomainError(_("You are not working with that coach."))
    return link


def checkin_share(*, checkin: CheckIn, by: User, coach: User) -> CheckInShare:
    """`by` shares this check-in's revealed rounds, now and to come, with
    `coach`; the coach reads them once both partners share."""
    with transaction.atomic():
        checkin = _locked(checkin, by)
        link = _coaching_of(checkin, coach)
        share, _created = CheckInShare.objects.get_or_create(checkin=checkin, user=by, link=link)
        consents_follow(share)
    return share


def consents_follow(share: CheckInShare) -> None:
    """The share's partner consents to every revealed round of its check-in."""
    revealed = Reflection.objects.filter(checkin_round__checkin=share.checkin_id, revealed_at__isnull=False)
    ShareConsent.objects.bulk_create(
        [
            ShareConsent(reflection_id=pk, user_id=share.user_id, link_id=share.link_id)
            for pk in revealed.values_list("pk", flat=True)
        ],
        ignore_conflicts=True,
    )


def checkin_unshare(*, checkin: CheckIn, by: User, coach: User) -> None:
    """Takes the share back, and with it `by`'s consent on every round."""
    with transaction.atomic():
        checkin = _locked(checkin, by)
        links = CheckInShare.objects.filter(checkin=checkin, user=by, link__coach=coach).values("link")
        ShareConsent.objects.filter(reflection__checkin_round__checkin=checkin, user=by, link__in=links).delete()
        CheckInShare.objects.filter(checkin=checkin, user=by, link__coach=coach).delete()
