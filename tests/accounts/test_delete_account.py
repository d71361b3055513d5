"""Deleting an account: the page says what happens, then does exactly that."""

from django.urls import reverse

from accounts.models import Couple, User
from reflections.models import Answer
from reflections.services import readiness_set

from ..conftest import PASSWORD, answer_all


def test_the_page_says_what_happens_and_deletes_nothing(client, alice, couple):
    client.force_login(alice)

    response = client.get(reverse("accounts:account_delete"))

    html = response.content.decode()
    assert "Every answer you wrote is deleted" in html
    assert "Bob’s own answers stay theirs" in html
    assert User.objects.filter(pk=alice.pk).exists()


def test_a_wrong_password_deletes_nothing(client, alice):
    client.force_login(alice)

    response = client.post(reverse("accounts:account_delete"), {"password": "not it"})

    assert response.status_code == 400
    assert "Nothing was deleted" in response.content.decode()
    assert User.objects.filter(pk=alice.pk).exists()


def test_deleting_removes_my_answers_everywhere_and_keeps_my_partners(client, alice, bob, couple, reflection):
    answer_all(reflection, alice, text="Alice's words")
    answer_all(reflection, bob, text="Bob's words")
    readiness_set(reflection=reflection, user=alice)
    readiness_set(reflection=reflection, user=bob)
    client.force_login(alice)

    response = client.post(reverse("accounts:account_delete"), {"password": PASSWORD})

    assert response.status_code == 302
    assert not User.objects.filter(pk=alice.pk).exists()
    assert Answer.objects.filter(author=bob).count() == 3
    assert Answer.objects.count() == 3
    assert Couple.objects.get(pk=couple.pk).ended_at is not None
    client.force_login(bob)
    page = client.get(reverse("reflections:reflection", args=[reflection.pk])).content.decode()
    assert "Bob&#x27;s words" in page and "Alice&#x27;s words" not in page


def test_deleting_logs_me_out(client, alice):
    client.force_login(alice)
    client.post(reverse("accounts:account_delete"), {"password": PASSWORD})

    assert client.get(reverse("accounts:partner")).status_code == 302
