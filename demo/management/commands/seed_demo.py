"""Demo content for `make run`: the library, two couples and their coach at
different stages, one couple with a weekly check-in eight rounds old, and a
couple of two languages (demo/two_languages.py). Running it again changes
nothing."""

from dataclasses import asdict
from datetime import datetime, time, timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import CoachingLink, User
from accounts.selectors import linked_couple_for
from accounts.services import (
    coach_profile_save,
    coaching_accept,
    coaching_invite_create,
    invitation_accept,
    invitation_create,
)
from checkins.models import CheckIn
from checkins.services import checkin_accept, checkin_propose, checkin_share, round_open
from checkins.sets import checkin_set
from coaching.authoring import article_save, assignment_create, prompt_save
from conversation.models import Reaction
from conversation.services import reaction_set, reply_create, talked_toggle
from library.content import CONTENT_DIR, library_load, read_guide
from library.forms import PROMPT_FORM_FIELDS
from library.models import Article, BankQuestion, PromptKind
from notifications.models import Notification
from notifications.services import notices_recount
from practice.intake import intake_set
from practice.notes import note_save
from practice.programmes import programme_assign, programme_save, step_save
from reflections.models import Reflection
from reflections.services import answer_save, article_bring, readiness_set, reflection_share, reflection_start

from ...two_languages import seed_two_languages

DEMO_PASSWORD = "twofold-demo"
DEMO_PEOPLE = [
    ("sam@example.com", "Sam"),
    ("robin@example.com", "Robin"),
    ("alex@example.com", "Alex"),
    ("riley@example.com", "Riley"),
    ("jordan@example.com", "Jordan"),
    ("morgan@example.com", "Morgan"),
]
# The first article, which the demo couples have answered.
FIRST_GUIDE = read_guide(CONTENT_DIR / "guides" / "closeness-then-distance.md")
COACH_ARTICLE = {
    "title": "After closeness: what each of us needs",
    **FIRST_GUIDE.source,
    "summary": (
        "A follow-up to our session on closeness and distance. Before we meet again, note "
        "what helps each of you come back to each other after one of you has taken space."
    ),
    "visibility": Article.Visibility.CLIENTS,
}
COACH_PROMPTS = [
    {"kind": PromptKind.TEXT, "text": "What helps you come back after you have taken some space?"},
    {
        "kind": PromptKind.SCALE,
        "text": "How clearly do you say when you need time to yourself?",
        "scale_min_label": "Not at all",
        "scale_max_label": "Very clearly",
    },
    {
        "kind": PromptKind.CHOICE,
        "text": "Which would help most this week?",
        "choices": ["A short check-in each evening", "A signal that means 'I need an hour'", "A walk together"],
    },
]
SAMS_ANSWERS = [
    {"text": "Our walk by the river last Sunday. I felt light for the rest of the day."},
    {"scale_value": 7},
    {"passed": True},
]
REVEALED_ANSWERS = {
    "alex@example.com": [
        "The morning after our anniversary dinner. I wanted to hold on to it all day.",
        6,
        3,
        "When you make me tea without asking, and we read in the same room.",
        5,
        "That I am too much. I would like to hear that you are coming back.",
        "A word that says when you will be back",
        "Tell each other roughly how long we need.",
    ],
    "riley@example.com": [
        "That same dinner. Afterwards I went quiet, and I think you noticed.",
        8,
        6,
        "Cooking together with music on, nobody needing to talk.",
        4,
        "That I am letting you down. I would like you to know I am recharging, not leaving.",
        "Simply knowing it is not about me",
        "Say 'I need an hour' out loud instead of disappearing into my phone.",
    ],
}


# Alex and Riley's weekly check-in, eight rounds behind them: the numbers of
# each round's four scales (close, heard, time, fun), then the open answer;
# Alex's rounds first, then Riley's.
CHECKIN_SET = "connected"
CHECKIN_ROUNDS = (
    [
        ([6, 5, 4, 6], "A walk without our phones."),
        ([6, 6, 4, 5], "Dinner at the table, not on the sofa."),
        ([7, 6, 5, 7], "More of Saturday morning."),
        ([7, 7, 6, 7], "Keep the Sunday walk."),
        ([7, 6, 6, 7], "Ask me about work on Thursday, it is a big day."),
        ([6, 5, 4, 6], "An evening where we do nothing at all."),
        ([8, 7, 6, 8], "Cook together again."),
        ([8, 8, 7, 8], "The same as this week, honestly."),
    ],
    [
        ([5, 4, 3, 5], "Put the phones in the drawer after nine."),
        ([6, 5, 3, 6], "Ten minutes each evening to catch up."),
        ([6, 6, 4, 6], "A proper breakfast on Saturday."),
        ([7, 6, 6, 7], "The walk again, same route."),
        ([3, 2, 5, 4], "Hear me out about my sister without fixing it."),
        ([5, 5, 4, 5], "Cinema on Friday?"),
        ([7, 7, 6, 8], "Music while we cook."),
        ([8, 8, 7, 8], "Plan the weekend away."),
    ],
)

# Morgan's programme, running with Sam and Robin, and notes of Morgan's own.
PROGRAMME_SUMMARY = "For couples who swing between closeness and needing space."
PROGRAMME_STEPS = [
    {"kind": "article", "guide": "closeness-then-distance", "note": "Read it on a quiet evening, then answer alone."},
    {"kind": "article", "own": True, "note": "Before our next session."},
    {"kind": "checkin", "checkin_set_slug": "connected", "note": "Five minutes a week, to see how things move."},
    {"kind": "article", "guide": "small-talk-that-isnt-small", "release": "days", "days": 21},
]
COACH_NOTES = [
    ("sam", 12, "First session. Sam talks about the Sunday walks a lot; Robin quieter, warmer at the end."),
    ("sam", 5, "Check whether the programme pace suits Robin's shifts."),
    ("alex", 9, "They asked about the weekend away. Follow up after their next check-in."),
]

SECOND_GUIDE = "small-talk-that-isnt-small"
ALEX_WORDS = "When you send me a photo of something you know I would laugh at."
RILEY_WORDS = "When you ask about my day and then ask a second question."
# An article Sam brought: the link and its details only, as Twofold keeps it.
BROUGHT_ARTICLE = {
    "title": "The case for doing nothing together",
    "url": "https://example.com/doing-nothing-together",
    "site_name": "Example Magazine",
    "author": "A. Writer",
    "description": "Why unplanned time side by side can matter more than big plans.",
    "reading_minutes": 7,
}


class Command(BaseCommand):
    help = "Load the library, demo couples and their coach (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options):
        if not settings.DEBUG:
            # Every demo account has the same published password.
            raise CommandError("seed_demo makes accounts with a public password: it runs only with DEBUG on.")
        library_load()
        library_article = Article.objects.get(slug=FIRST_GUIDE.slug)
        people = {email: self.person(email, name) for email, name in DEMO_PEOPLE}
        sam, robin = people["sam@example.com"], people["robin@example.com"]
        alex, riley = people["alex@example.com"], people["riley@example.com"]
        morgan = people["morgan@example.com"]

        if not linked_couple_for(sam):
            invitation_accept(invitation=invitation_create(inviter=sam), user=robin)
            reflection = reflection_start(article=library_article, by=sam)
            for prompt, answer in zip(reflection.prompts.all(), SAMS_ANSWERS, strict=False):
                answer_save(prompt=prompt, author=sam, **answer)

        if not linked_couple_for(alex):
            invitation_accept(invitation=invitation_create(inviter=alex), user=riley)
            revealed = reflection_start(article=library_article, by=alex)
            for person in (alex, riley):
                for prompt, value in zip(revealed.prompts.all(), REVEALED_ANSWERS[person.email], strict=True):
                    field = "scale_value" if prompt.is_scale else "text"
                    answer_save(prompt=prompt, author=person, **{field: value})
                readiness_set(reflection=revealed, user=person)
            self.conversation(revealed, alex, riley)

        if not Reflection.objects.filter(couple=linked_couple_for(alex), article__slug=SECOND_GUIDE).exists():
            second = reflection_start(article=Article.objects.get(slug=SECOND_GUIDE), by=riley)
            for person, words in ((alex, ALEX_WORDS), (riley, RILEY_WORDS)):
                self.answer_all(second, person, words)
                readiness_set(reflection=second, user=person)

        if not Article.objects.filter(couple=linked_couple_for(sam)).exists():
            article_bring(
                by=sam,
                details=BROUGHT_ARTICLE,
                note="I read this on the train and thought of our Sunday walks.",
                questions=[
                    {**{f: getattr(q, f) for f in PROMPT_FORM_FIELDS}, "translations": q.translations}
                    for q in BankQuestion.objects.filter(theme__slug="time-together").order_by("order")[:4]
                ],
            )

        if not hasattr(morgan, "coach_profile"):
            self.coach(morgan, couples=[(sam, robin), (alex, riley)])

        if not CheckIn.objects.filter(couple=linked_couple_for(alex)).exists():
            self.checkin(alex, riley, coach=morgan)

        seed_two_languages(self.person)

        self.stdout.write(f"Demo logins (password for each: {DEMO_PASSWORD}):")
        self.stdout.write("  sam@example.com     linked with Robin; brought an article; 3 answers given; coached")
        self.stdout.write("  robin@example.com   linked with Sam; nothing answered yet")
        self.stdout.write(
            "  alex@example.com    linked with Riley; two revealed, one with replies, shared with Morgan;"
            " a weekly check-in with eight rounds (its trend)"
        )
        self.stdout.write("  riley@example.com   linked with Alex; an overdue assignment from Morgan")
        self.stdout.write("  jordan@example.com  not linked: try inviting someone")
        self.stdout.write("  jamie@example.com   reads in English; linked with Lucía (Spanish); one revealed")
        self.stdout.write("  lucia@example.com   reads in Spanish (Español), linked with Jamie")
        self.stdout.write(
            "  morgan@example.com  a coach with two client couples, a programme running with Sam and Robin, notes"
        )

    def coach(self, morgan, *, couples):
        coach_profile_save(
            user=morgan, name="Morgan Lee", practice="Lee Couples Practice", bio="Couples coach for ten years."
        )
        for a, b in couples:
            link = coaching_invite_create(coach=morgan)
            coaching_accept(link=link, user=a)
            coaching_accept(link=link, user=b)
        article = article_save(coach=morgan, **COACH_ARTICLE)
        for prompt in COACH_PROMPTS:
            prompt_save(article=article, **prompt)
        article = article_save(coach=morgan, article=article, status=Article.Status.PUBLISHED)

        (sam, robin), (alex, riley) = couples
        assignment_create(
            coach=morgan,
            article=article,
            couples=[linked_couple_for(sam)],
            note="Take your time with this before our next session.",
            due_date=timezone.localdate() + timedelta(days=7),
        )
        (late,) = assignment_create(
            coach=morgan,
            article=article,
            couples=[linked_couple_for(alex)],
            due_date=timezone.localdate() - timedelta(days=2),
        )
        answer_save(prompt=late.prompts.first(), author=alex, text="A quiet walk, then a hug.")
        revealed = Reflection.objects.get(couple=linked_couple_for(alex), article__slug=FIRST_GUIDE.slug)
        for person in (alex, riley):
            reflection_share(reflection=revealed, user=person, coach=morgan)
        assert CoachingLink.objects.active().filter(coach=morgan).count() == 2
        self.practice(morgan, article, sams=linked_couple_for(sam), alexs=linked_couple_for(alex))

    def practice(self, morgan, article, *, sams, alexs):
        """Morgan's practice: a programme running with Sam and Robin (its
        first step the guide they are answering), an intake for new
        couples, and private notes on both couples."""
        programme = programme_save(coach=morgan, title="Six weeks: closeness and distance", summary=PROGRAMME_SUMMARY)
        for step in PROGRAMME_STEPS:
            fields = dict(step)
            if "guide" in fields:
                fields["article"] = Article.objects.get(slug=fields.pop("guide"))
            elif fields.pop("own", False):
                fields["article"] = article
            step_save(programme=programme, **fields)
        programme_assign(coach=morgan, programme=programme, couple=sams)
        intake_set(coach=morgan, article=article)
        for couple, days_ago, text in COACH_NOTES:
            note_save(
                coach=morgan,
                couple=sams if couple == "sam" else alexs,
                text=text,
                written_on=timezone.localdate() - timedelta(days=days_ago),
            )

    def checkin(self, alex, riley, *, coach=None):
        """A weekly check-in with eight revealed rounds, the last one
        yesterday, shared with their coach (if any) by both. The README's
        screenshot of the trend draws it too."""
        chosen = checkin_set(CHECKIN_SET)
        yesterday = timezone.localdate() - timedelta(days=1)
        checkin = checkin_propose(
            by=riley,
            title=chosen.title,
            cadence=CheckIn.Cadence.WEEKLY,
            weekday=yesterday.weekday(),
            prompts=[asdict(p) | {"choices": []} for p in chosen.prompts],
            set_slug=chosen.slug,
        )
        checkin_accept(checkin=checkin, by=alex)
        rounds = len(CHECKIN_ROUNDS[0])
        day = yesterday - timedelta(weeks=rounds - 1)
        CheckIn.objects.filter(pk=checkin.pk).update(next_round_on=day)
        for number in range(rounds):
            reflection = round_open(checkin.pk, today=day).reflection
            for person, theirs in zip((alex, riley), CHECKIN_ROUNDS, strict=True):
                numbers, words = theirs[number]
                for prompt, value in zip(reflection.prompts.all(), [*numbers, words], strict=True):
                    field = "scale_value" if prompt.is_scale else "text"
                    answer_save(prompt=prompt, author=person, **{field: value})
                readiness_set(reflection=reflection, user=person)
            # As if it had happened on its day, in the evening.
            evening = timezone.make_aware(datetime.combine(day, time(20)))
            Reflection.objects.filter(pk=reflection.pk).update(created_at=evening, revealed_at=evening)
            day += timedelta(weeks=1)
        for person in (alex, riley) if coach else ():
            checkin_share(checkin=checkin, by=person, coach=coach)
        # The weeks are past: their "revealed" notices (written once the
        # reveals commit, just before this runs) were read and emailed long ago.
        transaction.on_commit(lambda: self.put_away(checkin, [alex, riley]))

    def put_away(self, checkin, people):
        now = timezone.now()
        Notification.objects.filter(reflection__checkin_round__checkin=checkin).update(read_at=now, emailed_at=now)
        notices_recount(people)

    def conversation(self, revealed, alex, riley):
        """After the reveal: a reply under the first question, a reaction, and
        the first question marked talked about by one of them."""
        first, second = revealed.prompts.all()[:2]
        reply_create(prompt=first, user=riley, text="I had no idea the weekend felt that way to you.")
        reply_create(prompt=first, user=alex, text="Neither did I, until I wrote it down.")
        reaction_set(prompt=first, user=alex, kind=Reaction.Kind.MOVED)
        reaction_set(prompt=second, user=riley, kind=Reaction.Kind.IN_PERSON)
        talked_toggle(prompt=first, user=riley)

    def person(self, email, name):
        user, created = User.objects.get_or_create(email=email, defaults={"display_name": name})
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
        return user

    def answer_all(self, reflection, person, words):
        """Every prompt answered: the words for text, a middle value, the first option."""
        for n, prompt in enumerate(reflection.prompts.all()):
            if prompt.is_scale:
                answer_save(prompt=prompt, author=person, scale_value=4 + (n + len(words)) % 5)
            elif prompt.is_choice:
                answer_save(prompt=prompt, author=person, text=prompt.choices[len(words) % len(prompt.choices)])
            else:
                answer_save(prompt=prompt, author=person, text=words)
