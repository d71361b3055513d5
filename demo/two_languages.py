"""The demo's couple of two languages: Jamie reads and writes in English,
Lucía in Spanish. They answered the same guide, each in their own language,
and revealed it: each reads the prompts in theirs and the other's answers
as written, marked with their language."""

from accounts.models import User
from accounts.selectors import linked_couple_for
from accounts.services import invitation_accept, invitation_create
from library.models import Article
from reflections.services import answer_save, readiness_set, reflection_start

GUIDE = "thanks-that-lands"
PEOPLE = [("jamie@example.com", "Jamie", "en"), ("lucia@example.com", "Lucía", "es")]
# In the guide's order: text, choice (the option's place), choice, scale,
# text, scale, text.
ANSWERS = {
    "jamie@example.com": [
        "The note you left in my coat pocket before my interview. You named the exact thing I was afraid of.",
        0,
        0,
        4,
        "Sorting out the bills every month. Nobody sees it unless it goes wrong.",
        6,
        "You drove me to the airport at five in the morning. I want to cook you the dinner from our first trip.",
    ],
    "lucia@example.com": [
        "Cuando le contaste a tu hermana lo mucho que te había ayudado con la mudanza. "
        "Lo dijiste delante de mí y no me lo esperaba.",
        3,
        1,
        5,
        "Me acuerdo de los cumpleaños de toda tu familia. Me gustaría que alguna vez se notara.",
        7,
        "Que me escuches en inglés cuando me cuesta encontrar las palabras. Quiero decírtelo con calma, un domingo.",
    ],
}


def seed_two_languages(person) -> tuple[User, User]:
    """Jamie and Lucía, linked, with the guide revealed. `person(email,
    name)` makes a demo account. Running it again changes nothing."""
    jamie, lucia = (person(email, name) for email, name, _ in PEOPLE)
    for user, (_, _, language) in zip((jamie, lucia), PEOPLE, strict=True):
        if user.language != language:
            user.language = language
            user.save(update_fields=["language"])
    if linked_couple_for(jamie):
        return jamie, lucia
    invitation_accept(invitation=invitation_create(inviter=jamie), user=lucia)
    reflection = reflection_start(article=Article.objects.get(slug=GUIDE), by=lucia)
    for user in (jamie, lucia):
        for prompt, value in zip(reflection.prompts.all(), ANSWERS[user.email], strict=True):
            if prompt.is_scale:
                answer_save(prompt=prompt, author=user, scale_value=value)
            elif prompt.is_choice:
                answer_save(prompt=prompt, author=user, text=prompt.translated("choices", user.language)[value])
            else:
                answer_save(prompt=prompt, author=user, text=value)
        readiness_set(reflection=reflection, user=user)
    return jamie, lucia
