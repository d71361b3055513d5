"""The library's and the conversation's models left reflections for apps of
their own (library 0001, conversation 0001, reflections 0016) with their
tables. A database as it was on the layout before, with a row in every
moved table, migrates to the new layout and every row is found where the
new models look, its links intact."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from conversation.models import JointNote, Reaction, Reply, TalkedMark
from library.models import Article, BankQuestion, Prompt, Theme
from reflections.encryption import AnswerContent
from reflections.models import Answer, Reflection

from .reflections.migrating import migrate, migrate_to_latest

BEFORE = [("reflections", "0015_participant_progress_counters"), ("library", None), ("conversation", None)]
MOVED = {
    "library": ["theme", "article", "bankquestion", "prompt"],
    "conversation": ["talkedmark", "jointnote", "reply", "reaction"],
}


def seed_the_layout_before(apps):
    """One row in every table that moves, linked as the app links them."""
    User, Couple = apps.get_model("accounts", "User"), apps.get_model("accounts", "Couple")
    old = {name: apps.get_model("reflections", name) for name in [*MOVED["library"], *MOVED["conversation"]]}
    ContentTypeThen = apps.get_model("contenttypes", "ContentType")
    for name in old:
        ContentTypeThen.objects.get_or_create(app_label="reflections", model=name)
    robin = User.objects.create(email="robin@example.com", display_name="Robin")
    theme = old["theme"].objects.create(slug="money", name="Money")
    article = old["article"].objects.create(
        title="Money talks", slug="money-talks", summary="In our words.", theme=theme
    )
    article.themes.add(theme)
    old["bankquestion"].objects.create(theme=theme, text="What does money mean to you?")
    old["prompt"].objects.create(article=article, text="Who pays?", order=1)
    reflection = apps.get_model("reflections", "Reflection").objects.create(
        couple=Couple.objects.create(), article=article, title="Money talks", created_at=timezone.now()
    )
    prompt = apps.get_model("reflections", "ReflectionPrompt").objects.create(
        reflection=reflection, text="Who pays?", order=1
    )
    apps.get_model("reflections", "Answer").objects.create(
        prompt=prompt, author=robin, content=AnswerContent(text="I do")
    )
    old["talkedmark"].objects.create(prompt=prompt, user=robin)
    old["jointnote"].objects.create(reflection=reflection, kind="try", text="A budget night", version=1)
    old["reply"].objects.create(prompt=prompt, author=robin, text="Let's split it")
    old["reaction"].objects.create(prompt=prompt, author=robin, kind="moved")
    return reflection.pk


@pytest.mark.django_db(transaction=True)
def test_a_database_of_the_layout_before_keeps_every_row_in_the_new_apps():
    try:
        reflection_pk = seed_the_layout_before(migrate(BEFORE))
        migrate_to_latest()

        reflection = Reflection.objects.get(pk=reflection_pk)
        article = Article.objects.get(slug="money-talks")
        assert reflection.article == article and article.theme == Theme.objects.get(slug="money")
        assert list(article.themes.all()) == [article.theme]
        assert BankQuestion.objects.get().theme == article.theme
        assert Prompt.objects.get().article == article
        prompt = reflection.prompts.get()
        assert Answer.objects.get().text == "I do"
        assert TalkedMark.objects.get().prompt == prompt
        assert JointNote.objects.get().text == "A budget night" and JointNote.objects.get().reflection == reflection
        assert Reply.objects.get().text == "Let's split it" and Reply.objects.get().prompt == prompt
        assert Reaction.objects.get().kind == "moved"
        for app, models in MOVED.items():
            moved = ContentType.objects.filter(model__in=models)
            assert sorted(moved.values_list("app_label", flat=True)) == [app] * len(models), "permissions follow"
    finally:
        migrate_to_latest()
