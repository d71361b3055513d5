"""A practice for the bench's coaches (bench/coaches.py): the coach's
dashboard shows each client couple's running programme as a row of steps
and who needs attention, so each coach has programmes of guides from the
bench's library, one of them running with most of their client couples,
and private notes on every client couple. Added once a coach: a coach who
has a programme already keeps their practice, so a second run writes
nothing.

Written in bulk, as the services would have left them: the programmes and
their steps (programme_save, step_save); the enrolment (programme_assign)
and each released step a reflection assigned by the coach with its due
date (release_due, reflection_create), every step before the last revealed,
since each step waits on the reveal of the one before it; the answers,
readiness and reveal as the seeding writes them (bench/seed.py); the
coach's notes (note_save)."""

import random
from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone

from accounts.models import CoachingLink, Membership, User
from library.models import Article
from practice.models import CoachNote, Enrolment, Programme, Step, StepRelease
from reflections.models import Answer, Participant, Reflection, ReflectionEvent, ReflectionPrompt
from reflections.services import SNAPSHOT_FIELDS

from .seed import ARTICLE_SLUG_PREFIX, SENTENCES, Seeder

PROGRAMMES = [
    ("Six steps back to each other", "For couples who feel they drifted apart."),
    ("Fighting fair", "How you disagree, one small step at a time."),
]
STEPS = 6
RUNNING_SHARE = 2 / 3  # of a coach's client couples, with the running programme
RELEASED_AT_MOST = 4
OVERDUE_SHARE = 0.2  # of those couples, the step they are on is past its due date
DUE_DAYS = 14
NOTES_EACH = 3  # the coach's notes on each client couple
BATCH = 2000
STEP_NOTES = ["", "Take your time with this one.", "Read it together if you can."]


def ensure_practice(coaches: list[User], *, out=print, seed=20261221) -> int:
    """Give each of `coaches` without a programme their practice. How many
    coaches were given one."""
    have = set(Programme.objects.filter(coach__in=coaches).values_list("coach", flat=True))
    missing = [coach for coach in coaches if coach.pk not in have]
    if not missing:
        return 0
    with transaction.atomic():
        PracticeWriter(random.Random(seed)).write(missing)
    if connection.vendor == "postgresql":
        # What autovacuum would do soon after: the planner's statistics for the new rows.
        tables = [model._meta.db_table for model in PracticeWriter.MODELS]
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE " + ", ".join(connection.ops.quote_name(table) for table in tables))
    out(f"Added a practice to {len(missing)} coaches: {len(PROGRAMMES)} programmes of {STEPS} steps, one running.")
    return len(missing)


class PracticeWriter:
    MODELS = [
        Programme,
        Step,
        Enrolment,
        StepRelease,
        Reflection,
        ReflectionPrompt,
        Participant,
        Answer,
        ReflectionEvent,
        CoachNote,
    ]

    def __init__(self, rng):
        self.rng = rng
        self.now = timezone.now()
        self.seeder = Seeder(rng, out=lambda *_: None)  # answers as the seeding writes them
        guides = Article.objects.filter(
            slug__startswith=ARTICLE_SLUG_PREFIX, owner__isnull=True, status=Article.Status.PUBLISHED
        )
        self.guides = list(guides.order_by("pk").prefetch_related("prompts"))

    def write(self, coaches):
        rng = self.rng
        links = list(CoachingLink.objects.active().filter(coach__in=coaches).order_by("pk"))
        couples = [link.couple_id for link in links]
        partners = {}
        members = Membership.objects.filter(couple__in=couples, active=True).select_related("user").order_by("pk")
        for membership in members:
            partners.setdefault(membership.couple_id, []).append(membership.user)
        # One reflection per guide for a couple: a step is a guide they have not had.
        had = {}
        theirs = Reflection.objects.filter(couple__in=couples, follow_up_of__isnull=True, article__isnull=False)
        for couple_id, article_id in theirs.values_list("couple", "article"):
            had.setdefault(couple_id, set()).add(article_id)

        programmes, steps, enrolled = [], [], []
        for coach in coaches:
            clients = [link for link in links if link.coach_id == coach.pk]
            chosen = rng.sample(clients, round(len(clients) * RUNNING_SHARE))
            used = set().union(*(had.get(link.couple_id, set()) for link in chosen))
            free = [guide for guide in self.guides if guide.pk not in used]
            for n, (title, summary) in enumerate(PROGRAMMES):
                programme = Programme(
                    coach=coach, title=title, summary=summary, created_at=self.now - timedelta(days=60 - n)
                )
                guides = rng.sample(free if n == 0 else self.guides, STEPS)
                programmes.append(programme)
                steps.append([self.step(programme, order, guide) for order, guide in enumerate(guides, 1)])
                if n == 0:  # the one running
                    enrolled += [(programme, steps[-1], link) for link in chosen]
        Programme.objects.bulk_create(programmes)
        Step.objects.bulk_create([step for each in steps for step in each])

        enrolments, releases = [], []
        for programme, its_steps, link in enrolled:
            enrolment, released = self.enrol(programme, link, its_steps)
            enrolments.append(enrolment)
            releases += released
        Enrolment.objects.bulk_create(enrolments, batch_size=BATCH)
        self.reflections([release.reflection for release in releases], partners)
        StepRelease.objects.bulk_create(releases, batch_size=BATCH)
        CoachNote.objects.bulk_create([note for link in links for note in self.notes(link)], batch_size=BATCH)

    def step(self, programme, order, guide):
        return Step(
            programme=programme,
            order=order,
            kind=Step.Kind.ARTICLE,
            article=guide,
            note=self.rng.choice(STEP_NOTES),
            release=Step.Release.AFTER_PREVIOUS,
            due_days=DUE_DAYS,
        )

    def enrol(self, programme, link, steps):
        """The enrolment and its released steps: each step released when
        the one before it was revealed; the last one in progress, a fifth
        of them past their due date."""
        rng, now = self.rng, self.now
        count = rng.randint(1, RELEASED_AT_MOST)
        overdue = rng.random() < OVERDUE_SHARE
        last = now - timedelta(days=rng.uniform(DUE_DAYS + 1, DUE_DAYS + 10) if overdue else rng.uniform(0.5, 12))
        begun = min(last, link.started_at + timedelta(hours=rng.uniform(1, 48)))
        middle = sorted(begun + (last - begun) * rng.random() for _ in range(count - 2))
        opened = [begun, *middle, last][-count:]
        enrolment = Enrolment(
            programme=programme, link=link, couple_id=link.couple_id, started_at=opened[0], released=count
        )
        releases = []
        for number, (step, at) in enumerate(zip(steps[:count], opened, strict=True), 1):
            revealed_at = opened[number] if number < count else None
            reflection = Reflection(
                couple_id=link.couple_id,
                article=step.article,
                title=step.article.title,
                assigned_by_id=link.coach_id,
                coach_note=step.note,
                due_date=timezone.localdate(at) + timedelta(days=step.due_days),
                created_at=at,
                revealed_at=revealed_at,
                prompt_total=len(step.article.prompts.all()),
            )
            releases.append(
                StepRelease(
                    enrolment=enrolment,
                    step=step,
                    number=number,
                    title=step.article.title,
                    reflection=reflection,
                    released_at=at,
                )
            )
        return enrolment, releases

    def reflections(self, reflections, partners):
        """What answer_save, readiness_set and the reveal leave behind."""
        rng = self.rng
        Reflection.objects.bulk_create(reflections, batch_size=BATCH)
        snapshots = [
            [
                ReflectionPrompt(reflection=reflection, **{f: getattr(p, f) for f in SNAPSHOT_FIELDS})
                for p in reflection.article.prompts.all()
            ]
            for reflection in reflections
        ]
        ReflectionPrompt.objects.bulk_create([p for snapshot in snapshots for p in snapshot], batch_size=BATCH)
        participants, answers, events = [], [], []
        ready_kind, revealed_kind = ReflectionEvent.Kind.READY, ReflectionEvent.Kind.REVEALED
        for reflection, prompts in zip(reflections, snapshots, strict=True):
            first, second = rng.sample(partners[reflection.couple_id], 2)
            if reflection.revealed_at:
                ready = {first: reflection.created_at + (reflection.revealed_at - reflection.created_at) * 0.5}
                ready[second] = reflection.revealed_at
            else:
                # The step they are on: often nobody ready yet, sometimes one is.
                since = reflection.created_at + (self.now - reflection.created_at) * rng.uniform(0.3, 0.9)
                ready = {first: since if rng.random() < 0.35 else None}
                ready[second] = None
            for user in partners[reflection.couple_id]:
                until = ready[user] or self.now
                answered = prompts if ready[user] else rng.sample(prompts, rng.randint(0, len(prompts)))
                given = [self.seeder.answer(prompt, user, reflection.created_at, until) for prompt in answered]
                answers += given
                participants.append(
                    Participant(
                        reflection=reflection,
                        user=user,
                        ready_at=ready[user],
                        answered=len(given),
                        passed=sum(answer.passed for answer in given),
                    )
                )
                if ready[user]:
                    events.append(ReflectionEvent(reflection=reflection, kind=ready_kind, user=user, at=ready[user]))
            if reflection.revealed_at:
                events.append(ReflectionEvent(reflection=reflection, kind=revealed_kind, at=reflection.revealed_at))
        Participant.objects.bulk_create(participants, batch_size=BATCH)
        Answer.objects.bulk_create(answers, batch_size=BATCH)
        ReflectionEvent.objects.bulk_create(events, batch_size=BATCH)

    def notes(self, link):
        rng = self.rng
        span = self.now - link.started_at
        return [
            CoachNote(
                coach_id=link.coach_id,
                couple_id=link.couple_id,
                text=" ".join(rng.sample(SENTENCES, rng.randint(1, 3))),
                written_on=timezone.localdate(link.started_at + span * rng.random()),
            )
            for _ in range(NOTES_EACH)
        ]
