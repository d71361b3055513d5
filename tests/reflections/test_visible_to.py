"""The one gate to answer text: Answer.objects.visible_to(viewer) (P1–P4, P8)."""

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.services import couple_unlink
from reflections.models import Answer
from reflections.services import readiness_set, reflection_start

from ..conftest import answer_all, link, make_article


def visible_authors(viewer):
    return set(Answer.objects.visible_to(viewer).values_list("author__display_name", flat=True))


@pytest.fixture
def answered(reflection, alice, bob):
    answer_all(reflection, alice)
    answer_all(reflection, bob)
    return reflection


@pytest.fixture
def revealed(answered, alice, bob):
    readiness_set(reflection=answered, user=alice)
    readiness_set(reflection=answered, user=bob)
    answered.refresh_from_db()
    assert answered.is_revealed
    return answered


def test_my_answers_are_visible_to_me_before_the_reveal(answered, alice):
    assert set(Answer.objects.visible_to(alice)) == set(Answer.objects.filter(author=alice))


def test_my_answers_are_visible_to_me_while_i_am_ready(answered, alice):
    readiness_set(reflection=answered, user=alice)

    assert set(Answer.objects.visible_to(alice)) == set(Answer.objects.filter(author=alice))


def test_partners_answers_are_hidden_before_the_reveal(answered, alice):
    assert visible_authors(alice) == {"Alice"}


def test_partners_answers_are_hidden_when_only_they_are_ready(answered, alice, bob):
    readiness_set(reflection=answered, user=bob)

    assert visible_authors(alice) == {"Alice"}


def test_partners_answers_are_visible_after_the_reveal(revealed, alice, bob):
    assert visible_authors(alice) == {"Alice", "Bob"}
    assert visible_authors(bob) == {"Alice", "Bob"}


def test_reveal_of_one_reflection_leaves_another_hidden(revealed, alice, bob):
    other = reflection_start(article=make_article(), by=alice)
    answer_all(other, bob)

    visible = Answer.objects.visible_to(alice).filter(author=bob)

    assert visible.exists()
    assert not visible.filter(prompt__reflection=other).exists()


def test_partners_answers_are_hidden_again_after_unlinking(revealed, alice, bob):
    couple_unlink(couple=revealed.couple, by=bob)

    assert visible_authors(alice) == {"Alice"}
    assert visible_authors(bob) == {"Bob"}


def test_my_answers_stay_visible_to_me_after_unlinking(revealed, alice):
    couple_unlink(couple=revealed.couple, by=alice)

    assert Answer.objects.visible_to(alice).count() == Answer.objects.filter(author=alice).count() > 0


def test_a_new_partner_never_reads_the_old_couples_answers(revealed, alice, carol):
    couple_unlink(couple=revealed.couple, by=alice)
    link(alice, carol)

    assert visible_authors(carol) == set()
    assert visible_authors(alice) == {"Alice"}


def test_a_stranger_reads_nothing(revealed, carol):
    assert not Answer.objects.visible_to(carol).exists()


def test_another_couple_reads_nothing_of_ours(revealed, make_user, alice):
    dan, erin = make_user("Dan"), make_user("Erin")
    link(dan, erin)
    theirs = reflection_start(article=make_article(), by=dan)
    answer_all(theirs, dan)
    answer_all(theirs, erin)
    readiness_set(reflection=theirs, user=dan)
    readiness_set(reflection=theirs, user=erin)

    assert visible_authors(dan) == {"Dan", "Erin"}
    assert visible_authors(alice) == {"Alice", "Bob"}


def test_staff_reads_nothing_of_others(revealed, staff):
    assert not Answer.objects.visible_to(staff).exists()


def test_staff_reads_only_their_own(revealed, staff, carol):
    link(staff, carol)
    theirs = reflection_start(article=make_article(), by=staff)
    answer_all(theirs, staff)
    answer_all(theirs, carol)

    assert visible_authors(staff) == {"Staff"}


def test_anonymous_reads_nothing(revealed):
    assert not Answer.objects.visible_to(AnonymousUser()).exists()


def test_the_gate_composes_with_other_filters(revealed, alice, bob):
    bobs = Answer.objects.filter(author=bob).visible_to(alice)

    assert bobs.count() == Answer.objects.filter(author=bob).count() > 0


def test_own_only_is_the_first_rule_alone_and_only_narrows(revealed, alice, bob):
    """A page that shows nobody else's answers asks for the first rule alone:
    after the reveal too it gives my own and never my partner's, and an
    anonymous visitor still reads nothing."""
    assert visible_authors(alice) == {"Alice", "Bob"}

    own = set(Answer.objects.visible_to(alice, own_only=True))

    assert own == set(Answer.objects.filter(author=alice)) and own
    assert not Answer.objects.visible_to(AnonymousUser(), own_only=True).exists()
