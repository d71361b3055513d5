"""Demo content for `make run`: the library, and two linked partners with a
reflection under way. Running it again changes nothing."""

from allauth.account.models import EmailAddress
from django.core.management.base import BaseCommand

from accounts.models import User
from accounts.selectors import linked_couple_for
from accounts.services import invitation_accept, invitation_create
from reflections.content import library_load
from reflections.services import answer_save, reflection_start

DEMO_PASSWORD = "twofold-demo"
DEMO_PEOPLE = [
    ("sam@example.com", "Sam"),
    ("robin@example.com", "Robin"),
    ("jordan@example.com", "Jordan"),
]
SAMS_ANSWERS = [
    {"text": "Our walk by the river last Sunday. I felt light for the rest of the day."},
    {"scale_value": 7},
    {"passed": True},
]


class Command(BaseCommand):
    help = "Load the library and demo accounts (idempotent)."

    def handle(self, *args, **options):
        articles = library_load()
        people = [self.person(email, name) for email, name in DEMO_PEOPLE]
        sam, robin, _ = people
        if not linked_couple_for(sam) and not linked_couple_for(robin):
            invitation_accept(invitation=invitation_create(inviter=sam), user=robin)
            reflection = reflection_start(article=articles[0], by=sam)
            for prompt, answer in zip(reflection.prompts.all(), SAMS_ANSWERS, strict=False):
                answer_save(prompt=prompt, author=sam, **answer)
        self.stdout.write(f"Demo logins (password for each: {DEMO_PASSWORD}):")
        self.stdout.write("  sam@example.com    linked with Robin, 3 answers given")
        self.stdout.write("  robin@example.com  linked with Sam, nothing answered yet")
        self.stdout.write("  jordan@example.com not linked: try inviting someone")

    def person(self, email, name):
        user, created = User.objects.get_or_create(email=email, defaults={"display_name": name})
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
        return user
