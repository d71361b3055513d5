"""The benchmark's dataset: couples at every stage, in the shape the services
leave behind, written with bulk_create so that 10,000 couples take minutes.

Per couple: two verified users, the couple with its memberships and the used
invitation that linked them, and two or three reflections of the 50 library
articles, each with its prompt snapshot and both participants. Older
reflections are revealed (both ready, events, notices; a third of them with
joint notes, half with replies and reactions), the newest is in progress
(sometimes one partner is already ready). A few couples have unlinked since.
Each partner ends up with about 25 answers, so 10,000 couples hold about
500,000 answers, encrypted exactly as the app encrypts them
(EncryptedTextField.get_prep_value runs inside bulk_create).

Idempotent: a database that already holds the dataset of the asked size is
left alone. Call with Django set up on the bench database only: a different
size or `reseed` flushes that whole database first.
"""

import random
import time
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import override_settings
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import Couple, Invitation, Membership, User
from conversation.models import JointNote, Reaction, Reply
from core.encryption import PREFIX
from library.models import Article, Prompt, PromptKind
from notifications.models import Kind, Notification
from notifications.services import notices_recount
from reflections.models import Answer, Participant, Reflection, ReflectionEvent, ReflectionPrompt
from reflections.services import SNAPSHOT_FIELDS

EMAIL_DOMAIN = "bench.twofold.test"
PASSWORD = "bench-password-not-for-real-use"
ARTICLE_SLUG_PREFIX = "bench-"
ARTICLES = 50
CHUNK = 500  # couples per transaction
BATCH = 2000  # rows per INSERT

TOPICS = [
    "Listening without fixing",
    "Money and what it means to each of us",
    "Time apart, time together",
    "The chores nobody sees",
    "Apologies that land",
    "Saying no to family",
    "Touch outside the bedroom",
    "When one of us is stressed",
    "Phones at the table",
    "Friends we keep separately",
    "Planning the next five years",
    "Jealousy, named gently",
    "Rituals of connection",
    "Rest and doing nothing",
    "Fights about small things",
    "Gratitude we forget to say",
    "Different needs for sleep",
    "Holidays and whose turn it is",
    "Working from the same kitchen",
    "Being seen at our worst",
    "Repair after a hard week",
    "Curiosity about each other",
    "Parents getting older",
    "How we decide together",
    "Humour as a bridge",
    "Space for each other's grief",
    "Desire over the years",
    "Trust after a broken promise",
    "Making room for hobbies",
    "Health and habits",
    "Celebrating each other",
    "Moving house, moving lives",
    "Children, or not",
    "Silence that means different things",
    "Asking for help",
    "Old patterns from home",
    "Small daily kindnesses",
    "Feeling like a team",
    "Competing ambitions",
    "Weekends we both enjoy",
    "Saying what we need",
    "Slowing down together",
    "Loneliness inside a couple",
    "Affection in public",
    "Conflict styles",
    "Boundaries with work",
    "Shared values, different ways",
    "What home feels like",
    "The first years, remembered",
    "Hope for the next chapter",
]
assert len(TOPICS) == ARTICLES and len(set(TOPICS)) == ARTICLES

TEXT_PROMPTS = [
    "Think of a recent time when {t} came up between you. What happened, and how did the days afterwards feel?",
    "What would you like your partner to understand about how you experience {t}?",
    "What is one small thing you would like to try this month around {t}?",
    "What did the family you grew up in teach you about {t}?",
    "When does {t} feel easy between the two of you, and when does it feel hard?",
    "Describe a moment when your partner handled {t} in a way that touched you.",
    "What story do you tend to tell yourself when {t} goes badly between you?",
    "If {t} were going really well a year from now, what would be different?",
]
SCALE_PROMPTS = [
    ("How satisfied are you with {t} between you right now?", "Not at all", "Completely"),
    ("How often do the two of you talk openly about {t}?", "Never", "All the time"),
    ("How much does {t} matter to you at the moment?", "Hardly", "A great deal"),
    ("How well does your partner understand your needs around {t}?", "Not at all", "Very well"),
    ("How hopeful are you about {t} in the coming months?", "Not hopeful", "Very hopeful"),
    ("How safe do you feel bringing up {t} with your partner?", "Not safe", "Completely safe"),
    ("How much has {t} changed between you over the last year?", "Not at all", "Completely"),
]
CHOICE_PROMPTS = [
    (
        "What would help most with {t} this month?",
        ["A short check-in each week", "A long walk to talk it through", "Writing each other a note"],
    ),
    (
        "When {t} gets difficult, what do you usually do first?",
        ["Talk about it right away", "Take some time on my own", "Let it rest for a while"],
    ),
    (
        "Where would you most like to talk about {t}?",
        ["At home over dinner", "On a walk", "Somewhere new, away from routine"],
    ),
]
SENTENCES = [
    "I noticed it most on Sunday evening, when the week was about to start again.",
    "Honestly, I think I had been carrying it around for longer than I admitted.",
    "You made me tea without asking and that small thing changed the whole evening.",
    "I would like us to slow down before we answer each other.",
    "It felt lighter than I expected once we actually said it out loud.",
    "When I get quiet it is usually because I am tired, not because I am upset with you.",
    "I grew up in a house where nobody talked about this, so it still feels new to me.",
    "Maybe we could try a short walk after dinner, just the two of us.",
    "I felt proud of how we handled it, even if it took a while.",
    "Sometimes I want to be asked how I am, not what I did today.",
    "I think we both wanted the same thing and kept missing each other.",
    "It helps me when you tell me roughly how long you need.",
    "The trip last spring showed me how easy it can be when we are not rushed.",
    "I am not always good at saying it, but I notice what you do for us.",
    "My first reaction is to fix things, and I know that is not always what you want.",
    "I would love one evening a week with no screens at all.",
    "It still stings a little when I think about it.",
    "We laughed about it later, and that laugh did more than the long talk.",
    "I felt left out, and I did not know how to say it without sounding hurt.",
    "Writing this down helps me see it more clearly.",
    "Our friends seem to have it figured out, but I doubt they really do.",
    "I want us to keep choosing each other on the ordinary days too.",
    "When work gets loud, I forget to check in with you, and I am sorry for that.",
    "I liked that we decided it together instead of one of us giving in.",
    "It is easier for me to talk while we are doing something side by side.",
    "I am more anxious about it than I let on.",
    "The best part of my week was our slow breakfast on Saturday.",
    "I would like to hear more about what it was like for you back then.",
    "I think we are better at this than we were a year ago.",
    "Sometimes I need a day before I know what I actually feel.",
    "Thank you for not giving up on the conversation when I went quiet.",
    "Small rituals matter to me more than big gestures.",
    "I do not need a solution, I mostly need you to stay with me in it.",
    "I realised I had been keeping score, and I want to stop.",
    "It would help if we planned the busy weeks together on Sunday.",
    "I love how you remember the little things about my day.",
    "I was worried you would be disappointed, so I said nothing.",
    "It felt like we were on the same team again.",
    "I want to be more curious and less defensive when this comes up.",
    "Let us try it for a month and then talk about how it went.",
]
FIRST_NAMES = [
    "Alex", "Sam", "Robin", "Jordan", "Riley", "Morgan", "Casey", "Jamie", "Taylor", "Avery",
    "Charlie", "Drew", "Emery", "Finley", "Harper", "Jesse", "Kai", "Lee", "Logan", "Marlowe",
    "Noa", "Parker", "Quinn", "Reese", "Rowan", "Sage", "Skyler", "Toni", "Wren", "Yael",
    "Ana", "Ben", "Chloe", "David", "Elena", "Farid", "Grace", "Hugo", "Ines", "Jonas",
    "Katrin", "Luca", "Maya", "Nils", "Olivia", "Pia", "Rafael", "Sofia", "Tom", "Uma",
]  # fmt: skip


def dataset_present(couples):
    """Whether the bench database already holds the dataset for `couples`:
    users are written with their couple's data in one transaction, so a full
    count means every chunk finished."""
    # The partners only: bench/coaches.py adds its coaches beside them.
    users = User.objects.filter(email__endswith="@" + EMAIL_DOMAIN, coach_profile__isnull=True).count()
    articles = Article.objects.filter(slug__startswith=ARTICLE_SLUG_PREFIX).count()
    # Joint notes and the conversation came to the dataset later: one seeded
    # without them is not it.
    return users == 2 * couples and articles == ARTICLES and JointNote.objects.exists() and Reply.objects.exists()


def database_empty():
    return not (User.objects.exists() or Article.objects.exists())


def ensure_dataset(couples, *, reseed=False, out=print, seed=20240601):
    """Seed `couples` couples unless they are there already. Returns the
    seconds seeding took (0 when it was skipped)."""
    if not reseed and dataset_present(couples):
        out(f"Dataset for {couples:,} couples already present; not reseeding (--reseed forces it).")
        refresh_statistics()  # autosave runs changed rows since
        return 0.0
    started = time.monotonic()
    if not database_empty():
        out("Flushing the bench database (a different dataset, or --reseed) ...")
        call_command("flush", interactive=False, verbosity=0)
    # DEBUG is on in the seeding process (development settings, for the
    # development encryption key); keeping every multi-megabyte INSERT in
    # connection.queries would only cost memory.
    with override_settings(DEBUG=False):
        Seeder(random.Random(seed), out=out).run(couples)
        notices_recount()  # the notices were written in bulk, around notification_create
    verify_encryption()
    refresh_statistics()
    took = time.monotonic() - started
    out(f"Seeded {couples:,} couples in {took:.0f} s.")
    return took


def refresh_statistics():
    """PostgreSQL: what autovacuum does to a production database. Right after
    a bulk load the planner has no statistics for the new rows and picks
    sequential scans over 500,000 answers; a live database would not."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def verify_encryption():
    """The stored answer is ciphertext, and the ORM reads our words back."""
    answer = next(a for a in Answer.objects.order_by("pk")[:50] if a.text)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT content FROM {Answer._meta.db_table} WHERE id = %s", [answer.pk])
        (stored,) = cursor.fetchone()
    options = {option for _, choices in CHOICE_PROMPTS for option in choices}
    leftover = answer.text
    for sentence in SENTENCES:
        leftover = leftover.replace(sentence, "")
    readable = answer.text in options or not leftover.strip()
    if not stored.startswith(PREFIX) or answer.text in stored or not readable:
        raise RuntimeError(f"Answer {answer.pk} is not stored encrypted the way the app stores it")


def dataset_counts():
    bench_users = User.objects.filter(email__endswith="@" + EMAIL_DOMAIN)
    return {
        "users": bench_users.count(),
        "couples": Couple.objects.filter(memberships__user__in=bench_users).distinct().count(),
        "linked_couples": Couple.objects.linked().filter(memberships__user__in=bench_users).distinct().count(),
        "articles": Article.objects.count(),
        "prompts_per_article_avg": round(Prompt.objects.count() / max(Article.objects.count(), 1), 1),
        "reflections": Reflection.objects.count(),
        "reflections_revealed": Reflection.objects.filter(revealed_at__isnull=False).count(),
        "reflection_prompts": ReflectionPrompt.objects.count(),
        "answers": Answer.objects.count(),
        "notifications": Notification.objects.count(),
        "events": ReflectionEvent.objects.count(),
        "joint_notes": JointNote.objects.count(),
        "replies": Reply.objects.count(),
        "reactions": Reaction.objects.count(),
    }


class Seeder:
    def __init__(self, rng, *, out=print):
        self.rng = rng
        self.out = out
        self.now = timezone.now()
        self.answers = 0

    def run(self, couples):
        started = time.monotonic()
        self.articles = self.create_articles()
        self.password = make_password(PASSWORD)  # once: hashing is deliberately slow
        for first in range(0, couples, CHUNK):
            with transaction.atomic():
                self.chunk(first, min(CHUNK, couples - first))
            done = min(first + CHUNK, couples)
            self.out(
                f"  {done:>6,}/{couples:,} couples, {self.answers:>8,} answers, {time.monotonic() - started:5.0f} s"
            )

    # -- the library ----------------------------------------------------------

    def create_articles(self):
        rng = self.rng
        articles = []
        with transaction.atomic():
            for i, title in enumerate(TOPICS):
                slug = ARTICLE_SLUG_PREFIX + slugify(title)
                topic = title[0].lower() + title[1:]
                article = Article.objects.create(
                    title=title,
                    slug=slug,
                    source_title=f"{title}: notes for couples",
                    source_name=rng.choice(["The Couples Journal", "Relating Well", "Two of Us Magazine"]),
                    source_url=f"https://example.org/articles/{slug}",
                    summary=" ".join(rng.sample(SENTENCES, 6)),
                    status=Article.Status.PUBLISHED,
                    visibility=Article.Visibility.PUBLIC,
                    created_at=self.now - timedelta(days=800 - i),
                )
                Prompt.objects.bulk_create(
                    Prompt(article=article, order=order, **fields)
                    for order, fields in enumerate(self.article_prompts(topic), 1)
                )
                articles.append((article, list(article.prompts.all())))
        return articles

    def article_prompts(self, topic):
        """8 to 12 prompts, about half open text (at least two), the rest
        scales and now and then a single choice; the first is always text."""
        rng = self.rng
        count = rng.randint(8, 12)
        texts = max(2, round(count * 0.5))
        choices = rng.choice([0, 1, 1, 2])
        scales = count - texts - choices
        text_prompts = [{"kind": PromptKind.TEXT, "text": t.format(t=topic)} for t in rng.sample(TEXT_PROMPTS, texts)]
        scale_prompts = [
            {"kind": PromptKind.SCALE, "text": t.format(t=topic), "scale_min_label": lo, "scale_max_label": hi}
            for t, lo, hi in rng.sample(SCALE_PROMPTS, scales)
        ]
        choice_prompts = [
            {"kind": PromptKind.CHOICE, "text": t.format(t=topic), "choices": options}
            for t, options in rng.sample(CHOICE_PROMPTS, choices)
        ]
        rest = text_prompts[1:] + scale_prompts + choice_prompts
        rng.shuffle(rest)
        return [text_prompts[0], *rest]

    # -- couples ----------------------------------------------------------------

    def chunk(self, first, count):
        rng, now = self.rng, self.now
        users = []
        for n in range(2 * first, 2 * (first + count)):
            users.append(
                User(
                    email=f"user{n:06d}@{EMAIL_DOMAIN}",
                    display_name=rng.choice(FIRST_NAMES),
                    password=self.password,
                    date_joined=now - timedelta(days=rng.uniform(60, 720)),
                )
            )
        User.objects.bulk_create(users, batch_size=BATCH)
        EmailAddress.objects.bulk_create(
            [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users], batch_size=BATCH
        )

        pairs = [(users[2 * i], users[2 * i + 1]) for i in range(count)]
        couples = []
        for a, b in pairs:
            linked_at = max(a.date_joined, b.date_joined) + timedelta(hours=rng.uniform(1, 72))
            couples.append(Couple(created_at=linked_at))
        # A few couples have unlinked since (couple_unlink): the couple ended,
        # both memberships inactive, their reflections archived.
        for couple, (a, _) in zip(couples, pairs, strict=True):
            if rng.random() < 0.03:
                couple.ended_at = now - timedelta(days=rng.uniform(1, 30))
                couple.ended_by = a
        Couple.objects.bulk_create(couples, batch_size=BATCH)
        Membership.objects.bulk_create(
            [
                Membership(couple=c, user=u, active=c.ended_at is None)
                for c, pair in zip(couples, pairs, strict=True)
                for u in pair
            ],
            batch_size=BATCH,
        )
        # invitation_accept: the used invitation, and the inviter's notice.
        Invitation.objects.bulk_create(
            [
                Invitation(
                    inviter=a,
                    created_at=c.created_at - timedelta(hours=1),
                    expires_at=c.created_at + timedelta(days=7),
                    used_at=c.created_at,
                    used_by=b,
                )
                for c, (a, b) in zip(couples, pairs, strict=True)
            ],
            batch_size=BATCH,
        )
        notifications = [
            Notification(
                user=a,
                kind=Kind.PARTNER_JOINED,
                actor=b,
                created_at=c.created_at,
                read_at=c.created_at + timedelta(hours=2),
                emailed_at=c.created_at + timedelta(minutes=1),
            )
            for c, (a, b) in zip(couples, pairs, strict=True)
        ]

        plans = []
        for couple, pair in zip(couples, pairs, strict=True):
            plans.extend(self.plan_reflections(couple, pair))
        reflections = [plan["reflection"] for plan in plans]
        Reflection.objects.bulk_create(reflections, batch_size=BATCH)

        snapshot = []
        for plan in plans:
            plan["prompts"] = [
                ReflectionPrompt(reflection=plan["reflection"], **{f: getattr(p, f) for f in SNAPSHOT_FIELDS})
                for p in plan["article_prompts"]
            ]
            snapshot.extend(plan["prompts"])
        ReflectionPrompt.objects.bulk_create(snapshot, batch_size=BATCH)

        participants, answers, events, notes, replies, reactions = [], [], [], [], [], []
        for plan in plans:
            self.fill(plan, participants, answers, events, notifications)
            notes += self.notes(plan)
            self.conversation(plan, replies, reactions)
        Participant.objects.bulk_create(participants, batch_size=BATCH)
        Answer.objects.bulk_create(answers, batch_size=BATCH)
        ReflectionEvent.objects.bulk_create(events, batch_size=BATCH)
        JointNote.objects.bulk_create(notes, batch_size=BATCH)
        Reply.objects.bulk_create(replies, batch_size=BATCH)
        Reaction.objects.bulk_create(reactions, batch_size=BATCH)
        Notification.objects.bulk_create(notifications, batch_size=BATCH)
        self.answers += len(answers)

    def plan_reflections(self, couple, pair):
        """Two or three reflections: the older ones revealed, the newest in
        progress."""
        rng, now = self.rng, self.now
        count = 3 if rng.random() < 0.8 else 2
        chosen = rng.sample(self.articles, count)
        # Revealed ones happened between the link and a week ago.
        span = (now - timedelta(days=7) - couple.created_at).total_seconds()
        starts = sorted(couple.created_at + timedelta(seconds=rng.uniform(0, span)) for _ in range(count - 1))
        starts.append(now - timedelta(hours=rng.uniform(1, 20 * 24)))
        plans = []
        for i, ((article, prompts), created_at) in enumerate(zip(chosen, starts, strict=True)):
            revealed = i < count - 1
            first, second = rng.sample(pair, 2)  # who gets ready first
            plan = {
                "article_prompts": prompts,
                "pair": pair,
                "first": first,
                "second": second,
                "revealed": revealed,
                "latest_revealed": revealed and i == count - 2,
            }
            if revealed:
                plan["first_ready"] = created_at + timedelta(hours=rng.uniform(1, 5 * 24))
                plan["second_ready"] = plan["first_ready"] + timedelta(minutes=rng.uniform(10, 3 * 24 * 60))
            else:
                # In progress: often nobody is ready yet, sometimes one is.
                plan["first_ready"] = (
                    created_at + (now - created_at) * rng.uniform(0.3, 0.9) if rng.random() < 0.35 else None
                )
                plan["second_ready"] = None
            plan["reflection"] = Reflection(
                couple=couple,
                article=article,
                title=article.title,
                started_by=rng.choice(pair),
                created_at=created_at,
                revealed_at=plan["second_ready"],
                prompt_total=len(prompts),
            )
            plans.append(plan)
        return plans

    def fill(self, plan, participants, answers, events, notifications):
        """What answer_save, readiness_set and the reveal leave behind."""
        rng = self.rng
        reflection, prompts = plan["reflection"], plan["prompts"]
        first, second = plan["first"], plan["second"]
        ready = {first.pk: plan["first_ready"], second.pk: plan["second_ready"]}
        for user in plan["pair"]:
            until = ready[user.pk] or self.now
            # Being ready needs every prompt answered (a pass counts).
            answered = prompts if ready[user.pk] else rng.sample(prompts, rng.randint(0, len(prompts)))
            given = [self.answer(prompt, user, reflection.created_at, until) for prompt in answered]
            answers.extend(given)
            # The counts answer_save keeps beside the answers.
            participants.append(
                Participant(
                    reflection=reflection,
                    user=user,
                    ready_at=ready[user.pk],
                    answered=len(given),
                    passed=sum(answer.passed for answer in given),
                )
            )

        if plan["first_ready"]:
            events.append(
                ReflectionEvent(
                    reflection=reflection, kind=ReflectionEvent.Kind.READY, user=first, at=plan["first_ready"]
                )
            )
            # notify_partner_ready; put away by the reveal (notify_revealed).
            read_at = plan["second_ready"] or (plan["first_ready"] + timedelta(hours=3) if rng.random() < 0.3 else None)
            notifications.append(
                Notification(
                    user=second,
                    kind=Kind.PARTNER_READY,
                    reflection=reflection,
                    actor=first,
                    created_at=plan["first_ready"],
                    read_at=read_at,
                    emailed_at=plan["first_ready"] + timedelta(minutes=1),
                )
            )
        if plan["revealed"]:
            revealed_at = plan["second_ready"]
            events.append(
                ReflectionEvent(reflection=reflection, kind=ReflectionEvent.Kind.READY, user=second, at=revealed_at)
            )
            events.append(ReflectionEvent(reflection=reflection, kind=ReflectionEvent.Kind.REVEALED, at=revealed_at))
            for user, other in ((first, second), (second, first)):
                unread = plan["latest_revealed"] and rng.random() < 0.3
                notifications.append(
                    Notification(
                        user=user,
                        kind=Kind.REVEALED,
                        reflection=reflection,
                        actor=other,
                        created_at=revealed_at,
                        read_at=None if unread else revealed_at + timedelta(hours=rng.uniform(0.1, 48)),
                        emailed_at=revealed_at + timedelta(minutes=1),
                    )
                )

    def notes(self, plan):
        """A third of the revealed reflections: one or both joint notes,
        written by either partner after the reveal (note_save)."""
        rng = self.rng
        if not plan["revealed"] or rng.random() >= 1 / 3:
            return []
        kinds = rng.sample(JointNote.Kind.values, rng.randint(1, 2))
        return [
            JointNote(
                reflection=plan["reflection"],
                kind=kind,
                text=" ".join(rng.sample(SENTENCES, rng.randint(1, 2))),
                version=rng.randint(1, 3),
                updated_by=rng.choice(plan["pair"]),
                updated_at=plan["second_ready"] + timedelta(hours=rng.uniform(0.5, 72)),
            )
            for kind in kinds
        ]

    def conversation(self, plan, replies, reactions):
        """Half of the revealed reflections: replies under a few prompts
        (reply_create) and a reaction or two (reaction_set); a few threads
        run long, as a couple that lives in the shared view would make them."""
        rng = self.rng
        if not plan["revealed"] or rng.random() >= 0.5:
            return
        after = plan["second_ready"]
        for prompt in rng.sample(plan["prompts"], rng.randint(1, 4)):
            length = rng.randint(1, 4) if rng.random() < 0.95 else rng.randint(20, 60)
            for n in range(length):
                replies.append(
                    Reply(
                        prompt=prompt,
                        author=plan["pair"][n % 2],
                        text=" ".join(rng.sample(SENTENCES, rng.randint(1, 2))),
                        created_at=after + timedelta(hours=n + rng.uniform(0.1, 1)),
                    )
                )
            for user in rng.sample(plan["pair"], rng.randint(0, 2)):
                reactions.append(Reaction(prompt=prompt, author=user, kind=rng.choice(Reaction.Kind.values)))

    def answer(self, prompt, author, after, before):
        rng = self.rng
        updated_at = after + (before - after) * rng.uniform(0.05, 0.95)
        answer = Answer(prompt=prompt, author=author, updated_at=updated_at)
        if rng.random() < 0.04:
            answer.passed = True
            answer.version = rng.randint(1, 3)
        elif prompt.kind == PromptKind.SCALE:
            answer.scale_value = rng.randint(1, 10)
            answer.version = rng.randint(1, 3)
        elif prompt.kind == PromptKind.CHOICE:
            answer.text = rng.choice(prompt.choices)
            answer.version = rng.randint(1, 2)
        else:
            # Autosave bumps the version while someone types.
            answer.text = " ".join(rng.sample(SENTENCES, rng.randint(1, 3)))
            answer.version = rng.randint(1, 12)
        return answer
