"""Reads for check-ins: the couple's check-in page, home's line, and the
trend. P6: progress and readiness come from the rounds' participant rows
(counts, never what); numbers only through the answer gate."""

from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Q, Subquery
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import CoachingLink, Couple, User
from accounts.selectors import linked_partner_for
from library.models import PromptKind
from reflections.access import Stage
from reflections.models import Answer, Participant, Reflection, ReflectionPrompt
from reflections.selectors import ReflectionStatus, statuses_of

from .charts import Chart, Line, trend_chart
from .models import CheckIn, CheckInPrompt, CheckInShare, Round
from .sets import CheckInSet, checkin_sets

# How many revealed rounds the trend draws: half a year of weekly rounds.
TREND_ROUNDS = 26
# How many past rounds the check-in page lists; the rest are in History.
PAST_ROUNDS = 8


def live_checkin_for(couple: Couple | None) -> CheckIn | None:
    """The couple's check-in that is proposed, running or paused (at most one)."""
    if couple is None:
        return None
    latest_round = Round.objects.filter(checkin=OuterRef("pk")).order_by("-number").values("reflection")[:1]
    return (
        CheckIn.objects.live()
        .filter(couple=couple)
        .select_related("proposed_by__coach_profile", "proposed_through")
        .annotate(latest_reflection=Subquery(latest_round))
        .first()
    )


@dataclass(frozen=True)
class HomeLine:
    """Home's line about the check-in: its next day, and the open round's
    progress (which is also among home's reflections)."""

    checkin: CheckIn
    round: ReflectionStatus | None
    template: str = "checkins/_home.html"


def home_panel(user: User, page) -> HomeLine | None:
    """For reflections' home (settings.HOME_PANELS): one query, and the open
    round's status from the statuses home already read."""
    checkin = live_checkin_for(page.couple)
    if checkin is None:
        return None
    waiting = page.waiting_for_you + page.waiting_for_partner
    current = next((s for s in waiting if s.reflection.pk == checkin.latest_reflection), None)
    return HomeLine(checkin, current)


@dataclass(frozen=True)
class CoachSharing:
    link: CoachingLink
    mine: bool
    partners: bool


@dataclass(frozen=True)
class CheckInPage:
    partner: User | None
    checkin: CheckIn | None
    prompts: list[CheckInPrompt]
    current: ReflectionStatus | None
    past: list[ReflectionStatus]
    sets: list[CheckInSet]
    coaches: list[CoachSharing] = field(default_factory=list)
    has_trend: bool = False


def checkin_page(user: User) -> CheckInPage:
    linked = linked_partner_for(user)
    couple = linked.couple if linked else None
    checkin = live_checkin_for(couple)
    sets = list(checkin_sets().values())
    if checkin is None:
        return CheckInPage(linked.partner if linked else None, None, [], None, [], sets)
    rounds = Reflection.objects.filter(checkin_round__checkin=checkin).order_by("-checkin_round__number")
    statuses = statuses_of(user, rounds[: PAST_ROUNDS + 1])
    current = statuses[0] if statuses and statuses[0].stage == Stage.OPEN else None
    past = statuses[1:] if current else statuses[:PAST_ROUNDS]
    return CheckInPage(
        partner=linked.partner,
        checkin=checkin,
        prompts=list(checkin.prompts.all()),
        current=current,
        past=past,
        sets=sets,
        coaches=_coach_sharing(checkin, user),
        has_trend=any(s.stage == Stage.REVEALED for s in statuses),
    )


def _coach_sharing(checkin: CheckIn, user: User) -> list[CoachSharing]:
    links = list(CoachingLink.objects.active().filter(couple=checkin.couple).select_related("coach__coach_profile"))
    shares = set(CheckInShare.objects.filter(checkin=checkin, link__in=links).values_list("link", "user"))
    return [
        CoachSharing(link, (link.pk, user.pk) in shares, any(lk == link.pk and u != user.pk for lk, u in shares))
        for link in links
    ]


def checkin_of_partner(user: User, pk: int) -> CheckIn | None:
    """A check-in of a couple `user` is (or was) in; None for anyone else."""
    return CheckIn.objects.filter(pk=pk, couple__memberships__user=user).select_related("couple").first()


def checkin_shared_with(coach: User, pk: int) -> CheckIn | None:
    """P5: a check-in both partners share with `coach`, on a coaching link
    that is active now; None otherwise."""
    links = CoachingLink.objects.active().filter(coach=coach)
    checkin = CheckIn.objects.filter(pk=pk, couple__coaching_links__in=links).select_related("couple").first()
    if checkin is None:
        return None
    sharing = CheckInShare.objects.filter(checkin=checkin, link__in=links).values("user").distinct().count()
    return checkin if sharing == 2 else None


# The trend


@dataclass(frozen=True)
class RoundLink:
    reflection_id: int
    label: str


@dataclass(frozen=True)
class Trend:
    checkin: CheckIn
    charts: list[Chart]
    rounds: list[RoundLink]  # newest first: each round's open answers, a click away


def trend_of(checkin: CheckIn, viewer: User, *, as_coach: bool = False) -> Trend:
    """Both partners' numbers on each scale question across the latest
    revealed rounds (TREND_ROUNDS), oldest first. The numbers come through
    the gate, so a round not revealed shows nothing of anyone else (P6), a
    former partner's after an unlink nothing (P4), and a coach only rounds
    both partners share (P5). Three queries, however many rounds."""
    revealed = Reflection.objects.filter(checkin_round__checkin=checkin, revealed_at__isnull=False)
    if as_coach:
        revealed = revealed.filter(pk__in=Reflection.objects.shared_with(viewer).values("pk"))
    rounds = list(revealed.select_related("checkin_round").order_by("-checkin_round__number")[:TREND_ROUNDS])[::-1]
    if not rounds:
        return Trend(checkin, [], [])
    scales = list(ReflectionPrompt.objects.filter(reflection__in=rounds, kind=PromptKind.SCALE).order_by("order", "pk"))
    numbers = {
        (a.prompt_id, a.author_id): a.scale_value
        for a in Answer.objects.visible_to(viewer).filter(prompt__in=scales)
        if not a.passed
    }
    people = [p.user for p in Participant.objects.filter(reflection=rounds[-1]).select_related("user").order_by("pk")]
    index = {r.pk: n for n, r in enumerate(rounds)}
    # A question is the same question from round to round by its wording.
    questions: dict[str, list[ReflectionPrompt]] = {}
    for prompt in scales:
        questions.setdefault(prompt.text, []).append(prompt)
    labels = [date_format(r.checkin_round.opens_on, _("j M")) for r in rounds]
    charts = []
    for prompts in questions.values():
        lines = []
        for person in people:
            values = [None] * len(rounds)
            for prompt in prompts:
                values[index[prompt.reflection_id]] = numbers.get((prompt.pk, person.pk))
            if any(v is not None for v in values):
                lines.append(Line(person.name, tuple(values)))
        last = prompts[-1]
        charts.append(
            trend_chart(
                question=last.translated("text"),
                low_label=last.translated("scale_min_label"),
                high_label=last.translated("scale_max_label"),
                round_labels=labels,
                lines=lines,
            )
        )
    return Trend(checkin, charts, [RoundLink(r.pk, r.translated("title")) for r in reversed(rounds)])


@dataclass(frozen=True)
class RoundOf:
    """What a revealed check-in round's shared view adds: the way to the
    trend, and the check-in's own starters by question (by its wording as
    written; each starter in the reader's language where it has one)."""

    checkin_id: int
    starters: dict[str, str]


def round_of(reflection: Reflection) -> RoundOf | None:
    """None for a reflection that is no check-in round: one query for a
    round, none for any other (check-in rounds are the only reflections
    without an article: guides, coaches' articles, brought ones and
    follow-ups all have theirs)."""
    if reflection.article_id is not None:
        return None
    rows = list(
        CheckIn.objects.filter(rounds__reflection=reflection).values_list(
            "pk", "prompts__text", "prompts__starter", "prompts__translations"
        )
    )
    if not rows:
        return None
    language = translation.get_language() or ""
    return RoundOf(
        rows[0][0],
        {
            text: ((translations or {}).get(language, {}).get("starter") or starter)
            for _pk, text, starter, translations in rows
            if starter
        },
    )


@dataclass(frozen=True)
class CoachLine:
    """A client couple's check-in on the coach's dashboard: its state and
    days (the rounds' progress is in the dashboard's rows), and whether
    both partners share it with this coach, which opens the trend."""

    checkin: CheckIn
    trend_open: bool


def checkins_for_coach(coach: User, links: list[CoachingLink]) -> dict[int, CoachLine]:
    """By couple: each client couple's live check-in. One query, however many couples."""
    active = CoachingLink.objects.active().filter(coach=coach)
    checkins = (
        CheckIn.objects.live()
        .filter(couple__in=[link.couple_id for link in links])
        .annotate(sharing=Count("shares__user", filter=Q(shares__link__in=active), distinct=True))
    )
    return {c.couple_id: CoachLine(c, c.sharing == 2) for c in checkins}
