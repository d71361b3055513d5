"""Landing, home, library, article; starting a reflection; demo content."""

from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command
from django.urls import reverse
from django.utils.html import escape

from accounts.models import Couple, Invitation, Membership, User
from checkins.models import CheckIn, CheckInShare, Round
from conversation.models import Reaction, Reply, TalkedMark
from library.content import library_load
from library.models import Article, Prompt, PromptKind
from reflections.models import Answer, Participant, Reflection, ReflectionPrompt
from reflections.services import answer_save, readiness_set

from ..conftest import answer_all, make_article, reveal


def make_draft(**fields):
    article = make_article(**fields)
    Article.objects.filter(pk=article.pk).update(status=Article.Status.DRAFT)
    return article


@pytest.fixture
def demo_article(db):
    library_load()
    return Article.objects.get(slug="closeness-then-distance")


# Landing and home


def test_landing_page_names_the_privacy_promise(client, db):
    response = client.get(reverse("reflections:home"))

    body = response.content.decode()
    assert response.status_code == 200
    assert "Our privacy promise" in body
    assert "Before the reveal nobody else reads them" in body


def test_landing_page_invites_to_sign_up_and_log_in(client, db):
    body = client.get(reverse("reflections:home")).content.decode()

    assert f'href="{reverse("account_signup")}"' in body
    assert f'href="{reverse("account_login")}"' in body


def test_landing_page_shows_coaches_the_way_in(client, db):
    body = client.get(reverse("reflections:home")).content.decode()

    assert 'href="#for-coaches"' in body
    assert '<h2 id="for-coaches-heading">For coaches</h2>' in body
    assert f'href="{reverse("account_signup")}?next={reverse("coach:profile")}"' in body
    assert f'href="{reverse("account_login")}?next={reverse("coach:profile")}"' in body


def test_home_shows_who_my_partner_is(client, alice, couple):
    client.force_login(alice)

    body = client.get(reverse("reflections:home")).content.decode()

    assert "You are linked with <strong>Bob</strong>" in body
    assert "Invite your partner" not in body


def test_home_invites_my_partner_when_i_am_not_linked(client, carol):
    client.force_login(carol)

    body = client.get(reverse("reflections:home")).content.decode()

    assert "Invite your partner" in body
    assert f'href="{reverse("accounts:partner")}"' in body
    assert "You are linked with" not in body


def test_home_of_a_new_couple_points_to_the_library(client, alice, couple):
    client.force_login(alice)

    body = client.get(reverse("reflections:home")).content.decode()

    assert "No reflections yet" in body
    assert f'href="{reverse("library:index")}"' in body


# Library and article


def test_library_lists_the_demo_article(client, alice, demo_article):
    client.force_login(alice)

    body = client.get(reverse("library:index")).content.decode()

    assert "Closeness, then distance" in body
    assert f'href="{reverse("library:article", args=[demo_article.slug])}"' in body


def test_library_credits_the_source(client, alice, demo_article):
    client.force_login(alice)

    body = client.get(reverse("library:index")).content.decode()

    assert "Ecstatic Intimacy" in body


def test_library_links_to_the_source(client, alice, demo_article):
    client.force_login(alice)

    body = client.get(reverse("library:index")).content.decode()

    assert f'href="{demo_article.source_url}"' in body


def test_library_leaves_out_drafts(client, alice, demo_article):
    make_draft(title="Not ready yet")
    client.force_login(alice)

    body = client.get(reverse("library:index")).content.decode()

    assert "Not ready yet" not in body


def test_draft_article_page_is_not_found(client, alice):
    draft = make_draft()
    client.force_login(alice)

    response = client.get(reverse("library:article", args=[draft.slug]))

    assert response.status_code == 404


def test_article_page_credits_and_links_the_source(client, alice, demo_article):
    client.force_login(alice)

    body = client.get(reverse("library:article", args=[demo_article.slug])).content.decode()

    assert f'href="{demo_article.source_url}"' in body
    assert escape(demo_article.source_title) in body
    assert "Ecstatic Intimacy" in body


def test_demo_article_has_six_to_eight_prompts_mixing_text_and_scale(demo_article):
    kinds = list(demo_article.prompts.values_list("kind", flat=True))

    assert 6 <= len(kinds) <= 8
    assert {PromptKind.TEXT, PromptKind.SCALE} <= set(kinds)


def test_article_page_shows_every_prompt(client, alice, demo_article):
    client.force_login(alice)

    body = client.get(reverse("library:article", args=[demo_article.slug])).content.decode()

    for prompt in demo_article.prompts.all():
        assert escape(prompt.text) in body


def test_article_page_shows_the_labelled_ends_of_a_scale(client, alice, demo_article):
    client.force_login(alice)

    body = client.get(reverse("library:article", args=[demo_article.slug])).content.decode()

    assert "(1 = Hardly at all, 10 = Very strongly)" in body


def test_article_page_asks_an_unlinked_user_to_invite_their_partner(client, carol, demo_article):
    client.force_login(carol)

    body = client.get(reverse("library:article", args=[demo_article.slug])).content.decode()

    assert "Link with your partner to start a reflection" in body
    assert reverse("reflections:reflection_start", args=[demo_article.slug]) not in body


# Starting a reflection


def start(client, user, article):
    client.force_login(user)
    return client.post(reverse("reflections:reflection_start", args=[article.slug]))


def test_starting_a_reflection_opens_it(client, alice, couple, demo_article):
    response = start(client, alice, demo_article)

    reflection = Reflection.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("reflections:reflection", args=[reflection.pk])


def test_starting_a_reflection_belongs_to_the_couple(client, alice, couple, demo_article):
    start(client, alice, demo_article)

    reflection = Reflection.objects.get()
    assert reflection.couple == couple
    assert reflection.article == demo_article
    assert set(reflection.participants.values_list("user", flat=True)) == {m.user_id for m in couple.memberships.all()}


def test_starting_a_reflection_copies_the_prompts(client, alice, couple, demo_article):
    start(client, alice, demo_article)

    fields = ["order", "kind", "text", "scale_min_label", "scale_max_label", "choices"]
    copied = list(Reflection.objects.get().prompts.values_list(*fields))
    assert copied == list(demo_article.prompts.values_list(*fields))


@pytest.mark.parametrize("who", ["alice", "bob"])
def test_a_started_reflection_shows_on_both_home_pages(client, request, alice, couple, demo_article, who):
    start(client, alice, demo_article)
    reflection = Reflection.objects.get()
    client.force_login(request.getfixturevalue(who))

    body = client.get(reverse("reflections:home")).content.decode()

    assert f'href="{reverse("reflections:reflection", args=[reflection.pk])}"' in body
    assert "Closeness, then distance" in body
    assert "Waiting for you" in body


def test_starting_twice_gives_the_same_reflection(client, alice, bob, couple, demo_article):
    first = start(client, alice, demo_article)

    second = start(client, bob, demo_article)

    assert Reflection.objects.count() == 1
    assert second.url == first.url
    assert ReflectionPrompt.objects.count() == demo_article.prompts.count()
    assert Participant.objects.count() == 2


def test_starting_without_a_partner_is_refused(client, carol, demo_article):
    response = start(client, carol, demo_article)

    assert response.status_code == 302
    assert response.url == reverse("library:article", args=[demo_article.slug])
    assert not Reflection.objects.exists()


def test_starting_a_draft_is_not_found(client, alice, couple):
    draft = make_draft()

    response = start(client, alice, draft)

    assert response.status_code == 404
    assert not Reflection.objects.exists()


def test_editing_the_article_later_leaves_the_reflection_as_it_was(client, alice, couple, demo_article):
    start(client, alice, demo_article)
    reflection = Reflection.objects.get()
    before = list(reflection.prompts.values_list("kind", "text"))

    demo_article.prompts.update(text="Rewritten by the coach")
    demo_article.prompts.first().delete()
    Prompt.objects.create(article=demo_article, order=99, kind=PromptKind.TEXT, text="A brand new question")

    assert list(reflection.prompts.values_list("kind", "text")) == before


def test_reflection_page_shows_the_prompts_as_they_were(client, alice, couple, demo_article):
    start(client, alice, demo_article)
    reflection = Reflection.objects.get()
    original = escape(demo_article.prompts.first().text)
    demo_article.prompts.update(text="Rewritten by the coach")

    body = client.get(reverse("reflections:reflection", args=[reflection.pk])).content.decode()

    assert original in body
    assert "Rewritten by the coach" not in body


# Demo content


def row_counts():
    models = [
        User,
        EmailAddress,
        Couple,
        Membership,
        Invitation,
        Article,
        Prompt,
        Reflection,
        ReflectionPrompt,
        Participant,
        Answer,
        Reply,
        Reaction,
        TalkedMark,
        CheckIn,
        Round,
        CheckInShare,
    ]
    return {model.__name__: model.objects.count() for model in models}


@pytest.fixture
def development(settings):
    """The demo content is for development only (seed_demo refuses otherwise)."""
    settings.DEBUG = True


def test_seed_demo_creates_the_demo_content(db, development):
    call_command("seed_demo", stdout=StringIO())

    counts = row_counts()
    assert counts["User"] == 8  # three couples, someone single, and their coach
    assert counts["Couple"] == 3
    # Two guides revealed, one answering, a brought article, two assignments,
    # eight rounds of a weekly check-in, each of five questions, and a guide
    # revealed by a couple of two languages.
    assert counts["Reflection"] == 6 + 8 + 1
    assert (counts["CheckIn"], counts["Round"], counts["CheckInShare"]) == (1, 8, 2)
    second = Article.objects.get(slug="small-talk-that-isnt-small").prompts.count()
    bilingual = Article.objects.get(slug="thanks-that-lands").prompts.count()
    assert counts["Answer"] == 3 + 16 + 2 * second + 1 + 8 * 2 * 5 + 2 * bilingual
    assert set(
        User.objects.filter(email__in=["jamie@example.com", "lucia@example.com"]).values_list("language", flat=True)
    ) == {"en", "es"}
    assert Article.objects.filter(couple__isnull=False).count() == 1
    # The first revealed reflection has a conversation to show.
    assert (counts["Reply"], counts["Reaction"], counts["TalkedMark"]) == (2, 2, 1)


def test_seed_demo_is_idempotent(db, development):
    call_command("seed_demo", stdout=StringIO())
    first = row_counts()

    call_command("seed_demo", stdout=StringIO())

    assert row_counts() == first


def test_library_load_is_idempotent(db):
    library_load()
    first = row_counts()

    library_load()

    assert row_counts() == first


def test_the_shared_view_draws_every_scale_with_its_ten_ticks(client, alice, bob, reflection):
    reveal(reflection, alice, bob)
    client.force_login(alice)

    html = client.get(reverse("reflections:reflection", args=[reflection.pk])).content.decode()

    scales = reflection.prompts.filter(kind="scale").count()
    assert scales >= 1
    assert html.count('<line class="scale-tick"') == 10 * scales
    assert '<line class="scale-tick" x1="20.0" y1="33" x2="20.0" y2="43"></line>' in html
    assert '<text class="scale-tick-label" x="300.0" y="74" text-anchor="middle">10</text>' in html


def both_ready(reflection, *people):
    for person in people:
        readiness_set(reflection=reflection, user=person)


def test_the_shared_view_draws_both_numbers_on_a_scale_with_a_text_alternative(client, alice, bob, reflection):
    scale = reflection.prompts.get(kind="scale")
    scale.scale_min_label, scale.scale_max_label = "Far <apart>", "Close & warm"
    scale.save()
    bob.display_name = "Bob <b>"
    bob.save()
    answer_all(reflection, alice)
    answer_all(reflection, bob)
    answer_save(prompt=scale, author=alice, scale_value=4)
    answer_save(prompt=scale, author=bob, scale_value=10)
    both_ready(reflection, alice, bob)
    client.force_login(alice)

    html = client.get(reverse("reflections:reflection", args=[reflection.pk])).content.decode()

    assert (
        f'<title id="scale-title-{scale.pk}">You: 4. Bob &lt;b&gt;: 10.'
        " On a scale from 1 (Far &lt;apart&gt;) to 10 (Close &amp; warm).</title>"
    ) in html
    assert '<g class="marker marker-mine" data-value="4"><circle cx="113.3" cy="38" r="9"></circle>' in html
    assert 'transform="translate(300.0 38) rotate(45)"' in html
    assert '<text x="300.0" y="62" text-anchor="middle">Bob &lt;b&gt;</text>' in html
    assert "<apart>" not in html and "Bob <b>" not in html


def test_a_scale_nobody_answered_says_so_and_draws_no_marker(client, alice, bob, reflection):
    scale = reflection.prompts.get(kind="scale")
    answer_all(reflection, alice)
    answer_all(reflection, bob)
    answer_save(prompt=scale, author=alice, passed=True)
    answer_save(prompt=scale, author=bob, passed=True)
    both_ready(reflection, alice, bob)
    client.force_login(alice)

    html = client.get(reverse("reflections:reflection", args=[reflection.pk])).content.decode()

    assert f'<title id="scale-title-{scale.pk}">You: no number. Bob: no number.' in html
    assert "marker-mine" not in html and "marker-partner" not in html


def test_the_answering_form_offers_ten_numbers_on_a_scale_with_the_saved_one_chosen(client, alice, reflection):
    scale = reflection.prompts.get(kind="scale")
    scale.scale_min_label, scale.scale_max_label = "Far <apart>", "Close"
    scale.save()
    answer_save(prompt=scale, author=alice, scale_value=4)
    client.force_login(alice)

    html = client.get(reverse("reflections:reflection", args=[reflection.pk])).content.decode()

    assert html.count(f'name="p{scale.pk}-scale"') == 10
    assert html.count(" checked>") == 1
    assert f'<input type="radio" name="p{scale.pk}-scale" value="4" checked>' in html
    assert '<span>1<span class="visually-hidden"> (Far &lt;apart&gt;)</span></span>' in html
    assert '<span>10<span class="visually-hidden"> (Close)</span></span>' in html
    assert "<apart>" not in html
