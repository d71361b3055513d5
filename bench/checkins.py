"""Check-ins for the bench: the trend page draws a couple's revealed rounds,
so the couples who send the requests each keep a weekly check-in of
Twofold's "connected" set with some rounds behind them, all revealed.
Added beside the couples' dataset (bench/seed.py), once a couple: a couple
that has a check-in already keeps it, so a second run writes nothing.

Written in bulk, as the services would have left them: the check-in and its
prompts (checkin_propose, checkin_accept); each round its reflection with
the prompts frozen, both participants and the Round (round_open, which
makes the reflection through new_reflection); both partners' answers to
every prompt with the counts answer_save keeps, both ready and the reveal
(readiness_set)."""

import random
from datetime import datetime, time, timedelta

from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Membership
from checkins.models import CheckIn, CheckInPrompt, Round
from checkins.services import next_day, round_titles
from checkins.sets import checkin_set
from library.models import PromptKind
from reflections.models import Answer, Participant, Reflection, ReflectionEvent, ReflectionPrompt
from reflections.services import SNAPSHOT_FIELDS

SET_SLUG = "connected"
ROUNDS = 12  # a quarter of weekly rounds
BATCH = 2000
# Answers to the open question: "one small thing that would help you feel
# closer before the next check-in".
SMALL_THINGS = [
    "A walk after dinner, phones at home.",
    "Cooking together on Saturday.",
    "Ten minutes on the sofa before we go to sleep.",
    "Asking how my day really was.",
    "Breakfast together once this week.",
    "A text in the afternoon, just to say hi.",
    "Finishing that film we started.",
    "Less planning, more doing nothing together.",
    "Going to bed at the same time.",
    "Telling me when something is on your mind.",
]


def ensure_checkins(couple_ids, *, rounds=ROUNDS, out=print, seed=20261220) -> dict[int, int]:
    """{couple: check-in} for `couple_ids`, each given a running weekly
    check-in with `rounds` revealed rounds unless it has a check-in already."""
    couple_ids = sorted(set(couple_ids))
    have = dict(
        CheckIn.objects.filter(couple__in=couple_ids).order_by("couple", "created_at").values_list("couple", "pk")
    )
    missing = [pk for pk in couple_ids if pk not in have]
    if not missing:
        return have
    partners = {}
    for couple_id, user_id in (
        Membership.objects.filter(couple__in=missing).order_by("pk").values_list("couple", "user")
    ):
        partners.setdefault(couple_id, []).append(user_id)
    with transaction.atomic():
        made = CheckInWriter(random.Random(seed), rounds).write(missing, partners)
    if connection.vendor == "postgresql":
        # What autovacuum would do soon after: the planner's statistics for the new rows.
        tables = [model._meta.db_table for model in CheckInWriter.MODELS]
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE " + ", ".join(connection.ops.quote_name(table) for table in tables))
    out(f"Added a weekly check-in with {rounds} revealed rounds to {len(made)} couples.")
    return have | made


class CheckInWriter:
    MODELS = [CheckIn, CheckInPrompt, Reflection, ReflectionPrompt, Participant, Answer, ReflectionEvent, Round]

    def __init__(self, rng, rounds):
        self.rng = rng
        self.rounds = rounds
        self.now = timezone.now()
        self.today = timezone.localdate(self.now)
        self.set = checkin_set(SET_SLUG)

    def write(self, couple_ids, partners) -> dict[int, int]:
        rng, weekly = self.rng, CheckIn.Cadence.WEEKLY
        checkins, days = [], {}
        for couple_id in couple_ids:
            weekday = rng.choice(CheckIn.Weekday.values)
            # The last round opened in the past week; the next opens within the coming one.
            last = next_day(weekday, self.today - timedelta(days=weekly))
            days[couple_id] = [last - timedelta(days=weekly * (self.rounds - n)) for n in range(1, self.rounds + 1)]
            started = self.at(days[couple_id][0]) - timedelta(days=rng.uniform(1, 6))
            checkins.append(
                CheckIn(
                    couple_id=couple_id,
                    title=self.set.title,
                    set_slug=self.set.slug,
                    cadence=weekly,
                    weekday=weekday,
                    status=CheckIn.Status.ACTIVE,
                    proposed_by_id=partners[couple_id][0],
                    created_at=started - timedelta(hours=rng.uniform(1, 48)),
                    started_at=started,
                    next_round_on=next_day(weekday, last + timedelta(days=1)),
                    rounds_opened=self.rounds,
                )
            )
        CheckIn.objects.bulk_create(checkins, batch_size=BATCH)
        prompts = {
            checkin.pk: [
                CheckInPrompt(
                    checkin=checkin,
                    order=order,
                    kind=prompt.kind,
                    text=prompt.text,
                    scale_min_label=prompt.scale_min_label,
                    scale_max_label=prompt.scale_max_label,
                    choices=[],
                    starter=prompt.starter,
                )
                for order, prompt in enumerate(self.set.prompts)
            ]
            for checkin in checkins
        }
        CheckInPrompt.objects.bulk_create([p for each in prompts.values() for p in each], batch_size=BATCH)

        rounds, ready = [], []
        for checkin in checkins:
            for number, day in enumerate(days[checkin.couple_id], 1):
                opened = self.at(day)
                until = min(self.now, opened + timedelta(days=3))
                first = opened + (until - opened) * rng.uniform(0.1, 0.6)
                second = first + (until - first) * rng.uniform(0.1, 0.9)
                title, translations = round_titles(checkin, day)
                reflection = Reflection(
                    couple_id=checkin.couple_id,
                    title=title,
                    translations=translations,
                    created_at=opened,
                    revealed_at=second,
                    prompt_total=len(self.set.prompts),
                )
                rounds.append(Round(checkin=checkin, reflection=reflection, number=number, opens_on=day))
                # Who was ready first, and when each was.
                ready.append(zip(rng.sample(partners[checkin.couple_id], 2), (first, second), strict=True))
        Reflection.objects.bulk_create([each.reflection for each in rounds], batch_size=BATCH)
        snapshots = [
            [
                ReflectionPrompt(reflection=each.reflection, **{f: getattr(p, f) for f in SNAPSHOT_FIELDS})
                for p in prompts[each.checkin.pk]
            ]
            for each in rounds
        ]
        ReflectionPrompt.objects.bulk_create([p for snapshot in snapshots for p in snapshot], batch_size=BATCH)

        participants, answers, events = [], [], []
        # Each partner has a level of their own that moves a little from round to round.
        levels = {user: rng.randint(3, 8) for users in partners.values() for user in users}
        for each, snapshot, readiness in zip(rounds, snapshots, ready, strict=True):
            reflection = each.reflection
            for user, ready_at in readiness:
                levels[user] = min(10, max(1, levels[user] + rng.choice((-1, 0, 0, 1))))
                answers += [self.answer(p, user, levels[user], reflection.created_at, ready_at) for p in snapshot]
                participants.append(
                    Participant(reflection=reflection, user_id=user, ready_at=ready_at, answered=len(snapshot))
                )
                events.append(
                    ReflectionEvent(reflection=reflection, kind=ReflectionEvent.Kind.READY, user_id=user, at=ready_at)
                )
            events.append(
                ReflectionEvent(reflection=reflection, kind=ReflectionEvent.Kind.REVEALED, at=reflection.revealed_at)
            )
        Participant.objects.bulk_create(participants, batch_size=BATCH)
        Answer.objects.bulk_create(answers, batch_size=BATCH)
        ReflectionEvent.objects.bulk_create(events, batch_size=BATCH)
        Round.objects.bulk_create(rounds, batch_size=BATCH)
        return {checkin.couple_id: checkin.pk for checkin in checkins}

    def at(self, day):
        """A round opens on its morning, when the worker's periodic run finds it due."""
        return timezone.make_aware(datetime.combine(day, time(7, self.rng.randint(0, 9))))

    def answer(self, prompt, author, level, after, before):
        rng = self.rng
        answer = Answer(prompt=prompt, author_id=author, updated_at=after + (before - after) * rng.uniform(0.2, 0.9))
        if prompt.kind == PromptKind.SCALE:
            answer.scale_value = min(10, max(1, level + rng.choice((-2, -1, 0, 0, 1, 2))))
            answer.version = rng.randint(1, 2)
        else:
            answer.text = rng.choice(SMALL_THINGS)
            answer.version = rng.randint(1, 6)
        return answer


def with_trends(users, out=print):
    """Each virtual user's trend_pk: their couple's check-in, made for the
    couples that have none yet."""
    couples = dict(
        Membership.objects.filter(user__email__in=[user.email for user in users], active=True).values_list(
            "user__email", "couple"
        )
    )
    checkins = ensure_checkins(couples.values(), out=out)
    for user in users:
        user.trend_pk = checkins[couples[user.email]]
    return users
