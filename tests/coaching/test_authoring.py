"""A coach writes article entries and their questions: add, edit, reorder,
delete, preview, publish for clients or the public library. Couples who
already started an article never see its questions shift under them."""

import pytest
from django.urls import reverse

from accounts.services import coaching_accept, coaching_end, coaching_invite_create
from coaching.authoring import prompt_save
from library.models import Article, Prompt, PromptKind
from reflections.models import Answer, Reflection
from reflections.services import answer_save, reflection_start

from ..conftest import COACH_NAME, answer_all, coach_link, make_coach_article

HTMX = {"HX-Request": "true"}

ARTICLE_FORM = {
    "title": "Repair after a fight",
    "source_title": "How couples repair",
    "source_name": "A research blog",
    "source_url": "https://example.com/repair",
    "summary": "In our words: small repairs matter more than grand gestures.",
    "visibility": Article.Visibility.CLIENTS,
    "status": Article.Status.DRAFT,
}


def article_form(article, **changes):
    data = {name: getattr(article, name) for name in ARTICLE_FORM}
    return {**data, **changes}


def question(kind="text", text="", scale_min_label="", scale_max_label="", choices=""):
    return {
        "kind": kind,
        "text": text,
        "scale_min_label": scale_min_label,
        "scale_max_label": scale_max_label,
        "choices": choices,
    }


def texts(article):
    return list(article.prompts.values_list("text", flat=True))


def snapshot(reflection):
    """Everything a couple sees of their reflection's questions and answers."""
    prompts = list(
        reflection.prompts.values_list("order", "kind", "text", "scale_min_label", "scale_max_label", "choices")
    )
    answers = sorted(
        (a.prompt.text, a.author_id, a.text, a.scale_value, a.passed)
        for a in Answer.objects.filter(prompt__reflection=reflection).select_related("prompt")
    )
    return prompts, answers


@pytest.fixture
def as_coach(client, coach):
    client.force_login(coach)
    return client


@pytest.fixture
def draft(coach):
    return make_coach_article(coach, status=Article.Status.DRAFT, prompts=[{"kind": "text", "text": "First?"}])


@pytest.fixture
def three(coach):
    """A published article with three questions: First, Second, Third."""
    return make_coach_article(
        coach,
        prompts=[
            {"kind": "text", "text": "First?"},
            {"kind": "text", "text": "Second?"},
            {"kind": "text", "text": "Third?"},
        ],
    )


@pytest.fixture
def clients_only(coach):
    return make_coach_article(coach, title="For my clients only")


@pytest.fixture
def started(coach, alice, bob, coached, clients_only):
    """Alice and Bob started the coach's article and both answered."""
    reflection = reflection_start(article=clients_only, by=alice)
    answer_all(reflection, alice, text="Alice answered this")
    answer_all(reflection, bob, text="Bob answered this")
    return reflection


# Article entries


def test_coach_creates_an_article_entry_as_a_draft(as_coach, coach):
    response = as_coach.post(reverse("coach:article_new"), ARTICLE_FORM)

    article = Article.objects.get(owner=coach)
    assert response.status_code == 302
    assert response.url == reverse("coach:article", args=[article.pk])
    assert article.title == "Repair after a fight"
    assert article.status == Article.Status.DRAFT
    assert article.visibility == Article.Visibility.CLIENTS
    assert article.slug == "repair-after-a-fight"


def test_two_articles_with_one_title_get_different_slugs(as_coach, coach):
    as_coach.post(reverse("coach:article_new"), ARTICLE_FORM)
    as_coach.post(reverse("coach:article_new"), ARTICLE_FORM)

    slugs = set(Article.objects.filter(owner=coach).values_list("slug", flat=True))
    assert len(slugs) == 2


def test_article_entry_needs_a_source_link(as_coach, coach):
    response = as_coach.post(reverse("coach:article_new"), {**ARTICLE_FORM, "source_url": ""})

    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert not Article.objects.filter(owner=coach).exists()


def test_publishing_a_new_article_without_questions_is_refused(as_coach, coach):
    response = as_coach.post(reverse("coach:article_new"), {**ARTICLE_FORM, "status": Article.Status.PUBLISHED})

    assert response.status_code == 400
    assert "Add at least one question before publishing." in response.content.decode()
    assert not Article.objects.filter(owner=coach).exists()


def test_publishing_an_article_without_questions_is_refused(as_coach, coach):
    article = make_coach_article(coach, status=Article.Status.DRAFT, prompts=[{"kind": "text", "text": "Gone?"}])
    Prompt.objects.filter(article=article).delete()

    response = as_coach.post(
        reverse("coach:article", args=[article.pk]), article_form(article, status=Article.Status.PUBLISHED)
    )

    article.refresh_from_db()
    assert response.status_code == 400
    assert "Add at least one question before publishing." in response.content.decode()
    assert article.status == Article.Status.DRAFT


def test_publishing_an_article_with_a_question_succeeds(as_coach, draft):
    response = as_coach.post(
        reverse("coach:article", args=[draft.pk]), article_form(draft, status=Article.Status.PUBLISHED)
    )

    draft.refresh_from_db()
    assert response.status_code == 302
    assert draft.status == Article.Status.PUBLISHED


def test_coach_edits_an_article_entry(as_coach, draft):
    as_coach.post(reverse("coach:article", args=[draft.pk]), article_form(draft, title="A better title"))

    draft.refresh_from_db()
    assert draft.title == "A better title"


def test_coach_can_move_an_article_to_the_public_library(as_coach, three):
    as_coach.post(reverse("coach:article", args=[three.pk]), article_form(three, visibility=Article.Visibility.PUBLIC))

    three.refresh_from_db()
    assert three.visibility == Article.Visibility.PUBLIC


def test_article_list_shows_my_articles_only(as_coach, coach, other_coach):
    make_coach_article(coach, title="Mine to edit")
    make_coach_article(other_coach, title="Someone else's draft", status=Article.Status.DRAFT)

    body = as_coach.get(reverse("coach:articles")).content.decode()

    assert "Mine to edit" in body
    assert "Someone else" not in body


# Questions


def test_coach_adds_a_text_question(as_coach, draft):
    response = as_coach.post(reverse("coach:prompt_new", args=[draft.pk]), question(text="What did you feel?"))

    prompt = draft.prompts.last()
    assert response.status_code == 302
    assert response.url == reverse("coach:article", args=[draft.pk])
    assert (prompt.kind, prompt.text) == (PromptKind.TEXT, "What did you feel?")


def test_coach_adds_a_scale_question_with_labelled_ends(as_coach, draft):
    as_coach.post(
        reverse("coach:prompt_new", args=[draft.pk]),
        question("scale", "How heard do you feel?", scale_min_label="Not at all", scale_max_label="Completely"),
    )

    prompt = draft.prompts.last()
    assert (prompt.kind, prompt.text) == (PromptKind.SCALE, "How heard do you feel?")
    assert (prompt.scale_min_label, prompt.scale_max_label) == ("Not at all", "Completely")


def test_coach_adds_a_single_choice_question_one_option_per_line(as_coach, draft):
    as_coach.post(
        reverse("coach:prompt_new", args=[draft.pk]),
        question("choice", "Which comes first?", choices="  Talking \n\nSpace\r\nA walk\n"),
    )

    prompt = draft.prompts.last()
    assert prompt.kind == PromptKind.CHOICE
    assert prompt.choices == ["Talking", "Space", "A walk"]


def test_new_question_goes_to_the_end(as_coach, three):
    as_coach.post(reverse("coach:prompt_new", args=[three.pk]), question(text="Fourth?"))

    assert texts(three) == ["First?", "Second?", "Third?", "Fourth?"]


def test_article_page_lists_its_questions_in_order(as_coach, three):
    body = as_coach.get(reverse("coach:article", args=[three.pk])).content.decode()

    assert body.index("First?") < body.index("Second?") < body.index("Third?")


def test_empty_question_is_refused_with_a_message(as_coach, draft):
    response = as_coach.post(reverse("coach:prompt_new", args=[draft.pk]), question(text="   "))

    assert response.status_code == 400
    assert "Write the question." in response.content.decode()
    assert texts(draft) == ["First?"]


@pytest.mark.parametrize(
    ("low", "high", "message"),
    [("", "", "Say what 1 means."), ("", "Always", "Say what 1 means."), ("Never", " ", "Say what 10 means.")],
)
def test_scale_without_its_labels_is_refused_with_a_message(as_coach, draft, low, high, message):
    response = as_coach.post(
        reverse("coach:prompt_new", args=[draft.pk]),
        question("scale", "How often?", scale_min_label=low, scale_max_label=high),
    )

    assert response.status_code == 400
    assert message in response.content.decode()
    assert texts(draft) == ["First?"]


@pytest.mark.parametrize("choices", ["", "Only one", "Same\nSame", " \n \n"])
def test_choice_with_fewer_than_two_options_is_refused_with_a_message(as_coach, draft, choices):
    response = as_coach.post(
        reverse("coach:prompt_new", args=[draft.pk]), question("choice", "Pick one", choices=choices)
    )

    assert response.status_code == 400
    assert "Give at least two different options, one per line." in response.content.decode()
    assert texts(draft) == ["First?"]


def test_refused_question_keeps_what_the_coach_typed(as_coach, draft):
    response = as_coach.post(
        reverse("coach:prompt_new", args=[draft.pk]),
        question("scale", "How rested do you feel lately?", scale_min_label="Exhausted"),
    )

    body = response.content.decode()
    assert "How rested do you feel lately?" in body
    assert 'value="Exhausted"' in body


def test_question_page_shows_the_question_to_edit(as_coach, three):
    prompt = three.prompts.get(text="Second?")

    response = as_coach.get(reverse("coach:prompt", args=[prompt.pk]))

    assert response.status_code == 200
    assert "Second?</textarea>" in response.content.decode()


def test_coach_edits_a_question(as_coach, three):
    prompt = three.prompts.get(text="Second?")

    response = as_coach.post(reverse("coach:prompt", args=[prompt.pk]), question(text="Second, reworded?"))

    assert response.status_code == 302
    assert response.url == reverse("coach:article", args=[three.pk])
    assert texts(three) == ["First?", "Second, reworded?", "Third?"]


def test_changing_a_choice_question_to_text_drops_its_options(as_coach, draft):
    prompt = prompt_save(article=draft, kind="choice", text="Pick", choices=["A", "B"])

    as_coach.post(reverse("coach:prompt", args=[prompt.pk]), question(text="Now in your words", choices="A\nB"))

    prompt.refresh_from_db()
    assert (prompt.kind, prompt.choices) == (PromptKind.TEXT, [])


def test_emptying_a_question_is_refused_and_keeps_the_old_one(as_coach, three):
    prompt = three.prompts.get(text="Second?")

    response = as_coach.post(reverse("coach:prompt", args=[prompt.pk]), question(text=""))

    assert response.status_code == 400
    assert "Write the question." in response.content.decode()
    assert texts(three) == ["First?", "Second?", "Third?"]


def test_turning_a_question_into_a_scale_without_labels_is_refused(as_coach, three):
    prompt = three.prompts.get(text="Second?")

    response = as_coach.post(reverse("coach:prompt", args=[prompt.pk]), question("scale", "Second?"))

    prompt.refresh_from_db()
    assert response.status_code == 400
    assert "Say what 1 means." in response.content.decode()
    assert prompt.kind == PromptKind.TEXT


# Reordering


def move(client, prompt, direction, **headers):
    return client.post(reverse("coach:prompt_move", args=[prompt.pk]), {"direction": direction}, headers=headers)


def test_moving_a_question_up_swaps_it_with_the_one_above(as_coach, three):
    move(as_coach, three.prompts.get(text="Third?"), "up")

    assert texts(three) == ["First?", "Third?", "Second?"]


def test_moving_a_question_down_swaps_it_with_the_one_below(as_coach, three):
    move(as_coach, three.prompts.get(text="First?"), "down")

    assert texts(three) == ["Second?", "First?", "Third?"]


def test_moving_the_first_question_up_changes_nothing(as_coach, three):
    move(as_coach, three.prompts.get(text="First?"), "up")

    assert texts(three) == ["First?", "Second?", "Third?"]


def test_moving_the_last_question_down_changes_nothing(as_coach, three):
    move(as_coach, three.prompts.get(text="Third?"), "down")

    assert texts(three) == ["First?", "Second?", "Third?"]


def test_moving_a_question_sideways_changes_nothing(as_coach, three):
    move(as_coach, three.prompts.get(text="Second?"), "sideways")

    assert texts(three) == ["First?", "Second?", "Third?"]


def test_plain_reorder_redirects_to_the_article_page(as_coach, three):
    response = move(as_coach, three.prompts.get(text="Second?"), "up")

    assert response.status_code == 302
    assert response.url == reverse("coach:article", args=[three.pk])


def test_htmx_reorder_returns_the_question_list_in_its_new_order(as_coach, three):
    response = move(as_coach, three.prompts.get(text="Second?"), "up", **HTMX)

    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<ol id="prompt-list"')
    assert "<html" not in body
    assert body.index("Second?") < body.index("First?") < body.index("Third?")


def test_reorder_keeps_a_working_form_without_javascript(as_coach, three):
    prompt = three.prompts.get(text="Second?")

    body = as_coach.get(reverse("coach:article", args=[three.pk])).content.decode()

    url = reverse("coach:prompt_move", args=[prompt.pk])
    assert f'method="post" action="{url}" hx-post="{url}"' in body


def test_reorder_needs_a_post(as_coach, three):
    response = as_coach.get(reverse("coach:prompt_move", args=[three.prompts.first().pk]))

    assert response.status_code == 405


# Deleting


def test_deleting_a_question_asks_for_confirmation_first(as_coach, three):
    prompt = three.prompts.get(text="Second?")

    response = as_coach.get(reverse("coach:prompt_delete", args=[prompt.pk]))

    assert response.status_code == 200
    assert "Delete this question?" in response.content.decode()
    assert texts(three) == ["First?", "Second?", "Third?"]


def test_coach_deletes_a_question(as_coach, three):
    prompt = three.prompts.get(text="Second?")

    response = as_coach.post(reverse("coach:prompt_delete", args=[prompt.pk]))

    assert response.status_code == 302
    assert response.url == reverse("coach:article", args=[three.pk])
    assert texts(three) == ["First?", "Third?"]


def test_deleting_a_question_renumbers_the_rest(as_coach, three):
    as_coach.post(reverse("coach:prompt_delete", args=[three.prompts.get(text="First?").pk]))

    assert list(three.prompts.values_list("order", flat=True)) == [1, 2]


def test_deleting_the_last_question_of_a_published_article_is_refused(as_coach, coach):
    article = make_coach_article(coach, prompts=[{"kind": "text", "text": "Only one?"}])
    prompt = article.prompts.get()

    response = as_coach.post(reverse("coach:prompt_delete", args=[prompt.pk]), follow=True)

    assert "A published article needs at least one question. Unpublish it first." in response.content.decode()
    assert texts(article) == ["Only one?"]


def test_deleting_the_last_question_of_a_draft_is_allowed(as_coach, draft):
    as_coach.post(reverse("coach:prompt_delete", args=[draft.prompts.get().pk]))

    assert texts(draft) == []


def test_deleting_an_article_asks_for_confirmation_first(as_coach, three):
    response = as_coach.get(reverse("coach:article_delete", args=[three.pk]))

    assert response.status_code == 200
    assert f"Delete “{three.title}”?" in response.content.decode()
    assert Article.objects.filter(pk=three.pk).exists()


def test_delete_confirmation_says_couples_who_started_keep_their_answers(as_coach, clients_only, started):
    body = as_coach.get(reverse("coach:article_delete", args=[clients_only.pk])).content.decode()

    assert "1 couple started it. They keep their reflection" in body


def test_coach_deletes_an_article(as_coach, three):
    response = as_coach.post(reverse("coach:article_delete", args=[three.pk]))

    assert response.status_code == 302
    assert response.url == reverse("coach:articles")
    assert not Article.objects.filter(pk=three.pk).exists()
    assert not Prompt.objects.filter(article_id=three.pk).exists()


# Preview


def test_preview_says_nothing_there_is_saved(as_coach, clients_only):
    response = as_coach.get(reverse("coach:article_preview", args=[clients_only.pk]))

    assert response.status_code == 200
    assert "This is a preview" in response.content.decode()


def test_preview_shows_the_summary_and_credit(as_coach, clients_only):
    body = as_coach.get(reverse("coach:article_preview", args=[clients_only.pk])).content.decode()

    assert "The coach&#x27;s own words." in body
    assert 'href="https://example.com/source"' in body


def test_preview_credits_the_coach_and_the_source_not_twofold(as_coach, clients_only):
    body = as_coach.get(reverse("coach:article_preview", args=[clients_only.pk])).content.decode()

    assert f"The summary and questions are by {COACH_NAME}, your coach" in body
    assert "Twofold’s own" not in body and "Somewhere" in body


def test_the_couples_article_page_credits_their_coach(client, alice, coached, clients_only):
    client.force_login(alice)

    body = client.get(reverse("library:article", args=[clients_only.slug])).content.decode()

    assert f"The summary and questions are by {COACH_NAME}, your coach" in body
    assert "Twofold’s own" not in body


def test_a_coach_article_without_a_source_is_written_by_the_coach(as_coach, coach):
    article = make_coach_article(coach)
    Article.objects.filter(pk=article.pk).update(source_title="", source_name="", source_url="")

    body = as_coach.get(reverse("coach:article_preview", args=[article.pk])).content.decode()

    assert f"Written by {COACH_NAME}, your coach" in body


def test_preview_shows_a_text_question_as_a_partner_sees_it(as_coach, clients_only):
    prompt = clients_only.prompts.get(kind="text")

    body = as_coach.get(reverse("coach:article_preview", args=[clients_only.pk])).content.decode()

    assert "What stayed with you?" in body
    assert f'<textarea id="answer-{prompt.pk}" name="p{prompt.pk}-text"' in body


def test_preview_shows_a_scale_with_its_labelled_ends(as_coach, clients_only):
    prompt = clients_only.prompts.get(kind="scale")

    body = as_coach.get(reverse("coach:article_preview", args=[clients_only.pk])).content.decode()

    assert "1 = Not at all" in body
    assert "10 = Fully" in body
    assert all(f'name="p{prompt.pk}-scale" value="{n}"' in body for n in range(1, 11))


def test_preview_shows_each_option_of_a_choice(as_coach, clients_only):
    prompt = clients_only.prompts.get(kind="choice")

    body = as_coach.get(reverse("coach:article_preview", args=[clients_only.pk])).content.decode()

    assert f'name="p{prompt.pk}-text" value="Near"' in body
    assert f'name="p{prompt.pk}-text" value="Far"' in body


def test_preview_shows_the_questions_in_order(as_coach, three):
    move_up = three.prompts.get(text="Third?")
    move(as_coach, move_up, "up")

    body = as_coach.get(reverse("coach:article_preview", args=[three.pk])).content.decode()

    assert body.index("First?") < body.index("Third?") < body.index("Second?")


def test_preview_of_a_draft_works(as_coach, draft):
    response = as_coach.get(reverse("coach:article_preview", args=[draft.pk]))

    assert response.status_code == 200
    assert "First?" in response.content.decode()


def test_preview_saves_no_answer(as_coach, clients_only):
    prompt = clients_only.prompts.get(kind="text")

    as_coach.get(reverse("coach:article_preview", args=[clients_only.pk]), {f"p{prompt.pk}-text": "typed"})

    assert not Answer.objects.exists()


# Who sees an article


def test_clients_only_article_shows_in_the_library_of_my_client_couples(client, alice, coached, clients_only):
    client.force_login(alice)

    body = client.get(reverse("library:index")).content.decode()

    assert "For my clients only" in body


@pytest.mark.parametrize("who", ["carol", "dan", "coach"])
def test_clients_only_article_is_absent_from_other_libraries(client, request, coached, clients_only, who):
    """Carol is alone, Dan is coached by another coach, and the coach is not
    their own client."""
    request.getfixturevalue("other_couple")
    coach_link(request.getfixturevalue("other_coach"), request.getfixturevalue("dan"), request.getfixturevalue("erin"))
    client.force_login(request.getfixturevalue(who))

    body = client.get(reverse("library:index")).content.decode()

    assert "For my clients only" not in body


@pytest.mark.parametrize("who", ["carol", "dan"])
def test_clients_only_article_page_is_not_found_for_others(client, request, coached, clients_only, other_couple, who):
    client.force_login(request.getfixturevalue(who))

    response = client.get(reverse("library:article", args=[clients_only.slug]))

    assert response.status_code == 404


def test_clients_only_article_page_opens_for_a_client(client, alice, coached, clients_only):
    client.force_login(alice)

    response = client.get(reverse("library:article", args=[clients_only.slug]))

    assert response.status_code == 200


def test_clients_only_article_cannot_be_started_by_others(client, dan, other_couple, clients_only):
    client.force_login(dan)

    response = client.post(reverse("reflections:reflection_start", args=[clients_only.slug]))

    assert response.status_code == 404
    assert not Reflection.objects.exists()


def test_clients_only_article_stays_hidden_while_only_one_partner_accepted(client, coach, alice, couple, clients_only):
    coaching_accept(link=coaching_invite_create(coach=coach), user=alice)
    client.force_login(alice)

    response = client.get(reverse("library:article", args=[clients_only.slug]))

    assert response.status_code == 404


def test_clients_only_article_is_hidden_again_once_coaching_ends(client, alice, coached, clients_only):
    coaching_end(link=coached, by=alice)
    client.force_login(alice)

    response = client.get(reverse("library:article", args=[clients_only.slug]))

    assert response.status_code == 404


def test_draft_is_hidden_even_from_my_clients(client, alice, coached, coach):
    article = make_coach_article(coach, title="Still a draft", status=Article.Status.DRAFT)
    client.force_login(alice)

    assert "Still a draft" not in client.get(reverse("library:index")).content.decode()
    assert client.get(reverse("library:article", args=[article.slug])).status_code == 404


def test_public_article_of_a_coach_shows_in_everyones_library(client, carol, coach):
    make_coach_article(coach, title="For everyone", visibility=Article.Visibility.PUBLIC)
    client.force_login(carol)

    assert "For everyone" in client.get(reverse("library:index")).content.decode()


# Another coach's articles are not there


def other_coach_urls(article):
    prompt = article.prompts.first()
    return [
        ("get", reverse("coach:article", args=[article.pk]), {}),
        ("get", reverse("coach:article_preview", args=[article.pk]), {}),
        ("get", reverse("coach:article_delete", args=[article.pk]), {}),
        ("get", reverse("coach:prompt", args=[prompt.pk]), {}),
        ("get", reverse("coach:prompt_delete", args=[prompt.pk]), {}),
        ("post", reverse("coach:article", args=[article.pk]), article_form(article, title="Hijacked")),
        ("post", reverse("coach:article_delete", args=[article.pk]), {}),
        ("post", reverse("coach:prompt_new", args=[article.pk]), question(text="Hijacked?")),
        ("post", reverse("coach:prompt", args=[prompt.pk]), question(text="Hijacked?")),
        ("post", reverse("coach:prompt_delete", args=[prompt.pk]), {}),
        ("post", reverse("coach:prompt_move", args=[prompt.pk]), {"direction": "down"}),
    ]


@pytest.mark.parametrize("index", range(11))
def test_another_coachs_article_and_questions_are_not_found(client, other_coach, three, index):
    method, url, data = other_coach_urls(three)[index]
    client.force_login(other_coach)

    response = getattr(client, method)(url, data)

    three.refresh_from_db()
    assert response.status_code == 404
    assert three.title != "Hijacked"
    assert texts(three) == ["First?", "Second?", "Third?"]


def test_account_without_coach_profile_is_sent_to_create_one_instead_of_an_article(client, carol, three):
    client.force_login(carol)

    response = client.get(reverse("coach:article", args=[three.pk]))

    assert response.status_code == 302
    assert response.url == reverse("coach:profile")


# Questions never shift under answers


def test_editing_a_question_leaves_a_started_reflection_unchanged(as_coach, clients_only, started):
    before = snapshot(started)
    prompt = clients_only.prompts.get(kind="text")

    as_coach.post(reverse("coach:prompt", args=[prompt.pk]), question(text="A different question"))

    assert clients_only.prompts.get(pk=prompt.pk).text == "A different question"
    assert snapshot(started) == before


def test_changing_a_questions_kind_leaves_a_started_reflection_unchanged(as_coach, clients_only, started):
    before = snapshot(started)
    prompt = clients_only.prompts.get(kind="choice")

    as_coach.post(
        reverse("coach:prompt", args=[prompt.pk]),
        question("scale", "Now a scale", scale_min_label="Low", scale_max_label="High"),
    )

    assert snapshot(started) == before


def test_reordering_questions_leaves_a_started_reflection_unchanged(as_coach, clients_only, started):
    before = snapshot(started)

    move(as_coach, clients_only.prompts.get(kind="choice"), "up")

    assert list(clients_only.prompts.values_list("kind", flat=True)) == ["text", "choice", "scale"]
    assert snapshot(started) == before


def test_deleting_a_question_leaves_a_started_reflection_and_its_answers_unchanged(as_coach, clients_only, started):
    before = snapshot(started)

    as_coach.post(reverse("coach:prompt_delete", args=[clients_only.prompts.get(kind="text").pk]))

    assert clients_only.prompts.count() == 2
    assert snapshot(started) == before


def test_adding_a_question_leaves_a_started_reflection_unchanged(as_coach, clients_only, started):
    before = snapshot(started)

    as_coach.post(reverse("coach:prompt_new", args=[clients_only.pk]), question(text="One more?"))

    assert snapshot(started) == before


def test_deleting_the_article_keeps_the_reflection_its_questions_and_answers(as_coach, clients_only, started):
    before = snapshot(started)

    as_coach.post(reverse("coach:article_delete", args=[clients_only.pk]))

    started.refresh_from_db()
    assert started.article is None
    assert started.title == "For my clients only"
    assert snapshot(started) == before


def test_reflection_still_opens_with_my_answers_after_its_article_was_deleted(
    client, coach, alice, clients_only, started
):
    client.force_login(coach)
    client.post(reverse("coach:article_delete", args=[clients_only.pk]))
    client.force_login(alice)

    response = client.get(reverse("reflections:reflection", args=[started.pk]))

    body = response.content.decode()
    assert response.status_code == 200
    assert "For my clients only" in body
    assert "Alice answered this" in body
    assert "Bob answered this" not in body


def test_partner_can_still_answer_after_the_article_was_deleted(client, coach, bob, clients_only, started):
    client.force_login(coach)
    client.post(reverse("coach:article_delete", args=[clients_only.pk]))
    prompt = started.prompts.get(kind="text")

    answer_save(prompt=prompt, author=bob, text="Changed my mind")

    assert Answer.objects.get(prompt=prompt, author=bob).text == "Changed my mind"


def test_a_question_keeps_only_the_fields_of_its_kind(as_coach, clients_only):
    as_coach.post(
        reverse("coach:prompt_new", args=[clients_only.pk]),
        {"kind": "text", "text": "Only words?", "scale_min_label": "Low", "choices": "A\nB"},
    )

    prompt = clients_only.prompts.get(text="Only words?")
    assert (prompt.scale_min_label, prompt.choices) == ("", [])
