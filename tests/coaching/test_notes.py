"""A coach's private notes on a client couple (P9): read by that coach
alone, through CoachNote.objects.of; encrypted at rest; kept after coaching
ends; never in a notice, an email or a log line. And the couple page they
sit on, which shows progress, never text (P5)."""

import logging
import uuid
from datetime import date, timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.services import coaching_end
from notifications.models import Notification
from practice.models import NOTE_MAX_LENGTH, CoachNote
from practice.notes import note_save
from practice.programmes import programme_assign, programme_save, step_save
from reflections.services import answer_save, reflection_start

from ..conftest import coach_link, make_coach_article, reveal

MARKER = f"Private note {uuid.uuid4().hex}"


@pytest.fixture
def note(coach, coached):
    return note_save(coach=coach, couple=coached.couple, text=MARKER, written_on=date(2025, 3, 14))


@pytest.fixture
def as_coach(client, coach):
    client.force_login(coach)
    return client


def couple_url(couple):
    return reverse("coach:couple", args=[couple.pk])


def body_of(response):
    return response.content.decode()


# The couple page


def test_the_couple_page_shows_my_note_with_its_date(as_coach, coached, note):
    body = body_of(as_coach.get(couple_url(coached.couple)))

    assert MARKER in body
    assert "14 March 2025" in body
    assert reverse("coach:note", args=[note.pk]) in body
    assert reverse("coach:note_delete", args=[note.pk]) in body


def test_the_couple_page_names_the_couple_and_says_coaching_is_active(as_coach, coached):
    response = as_coach.get(couple_url(coached.couple))

    assert response.status_code == 200
    assert "Alice &amp; Bob" in body_of(response)
    assert "Client since" in body_of(response)


def test_the_couple_page_shows_notes_newest_first(as_coach, coach, coached):
    for day, text in [(1, "Oldest note"), (20, "Newest note"), (10, "Middle note")]:
        note_save(coach=coach, couple=coached.couple, text=text, written_on=date(2025, 3, day))

    body = body_of(as_coach.get(couple_url(coached.couple)))

    assert body.index("Newest note") < body.index("Middle note") < body.index("Oldest note")


def test_the_note_form_is_dated_today(as_coach, coached):
    body = body_of(as_coach.get(couple_url(coached.couple)))

    assert f'value="{timezone.localdate():%Y-%m-%d}"' in body


def test_the_couple_page_shows_the_programme_as_counts_never_text(as_coach, coach, alice, coached):
    mine = make_coach_article(coach, title="First steps together")
    programme = programme_save(coach=coach, title="Six weeks closer")
    step_save(programme=programme, kind="article", article=mine)
    step_save(programme=programme, kind="article", article=make_coach_article(coach, title="Second look"))
    programme_assign(coach=coach, programme=programme, couple=coached.couple)
    released = coached.couple.reflections.get(article=mine)
    answer_save(prompt=released.prompts.get(kind="text"), author=alice, text=f"Secret answer {MARKER}")

    body = body_of(as_coach.get(couple_url(coached.couple)))

    assert "Six weeks closer" in body
    assert "First steps together" in body and "Alice: 1 of 3" in body and "Bob: 0 of 3" in body
    assert "Second look" in body  # waiting to be released
    assert "Secret answer" not in body


def test_the_couple_page_asks_as_many_queries_however_many_steps_and_notes(as_coach, coach, coached):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert as_coach.get(couple_url(coached.couple)).status_code == 200
        return len(captured)

    programme = programme_save(coach=coach, title="Six weeks closer")
    step_save(programme=programme, kind="article", article=make_coach_article(coach))
    step_save(programme=programme, kind="article", article=make_coach_article(coach))
    programme_assign(coach=coach, programme=programme, couple=coached.couple)
    note_save(coach=coach, couple=coached.couple, text="One", written_on=date(2025, 1, 1))
    queries()  # the first request of a session records the device
    few = queries()
    for day in range(2, 7):
        step_save(programme=programme, kind="article", article=make_coach_article(coach))
        note_save(coach=coach, couple=coached.couple, text="More", written_on=date(2025, 1, day))

    assert queries() == few


def test_the_dashboard_links_each_couple_page(as_coach, coached):
    body = body_of(as_coach.get(reverse("coach:dashboard")))

    assert couple_url(coached.couple) in body
    assert "Notes and programme" in body


# Adding, editing and deleting


def test_a_note_is_added_from_the_couple_page(as_coach, coach, coached):
    response = as_coach.post(
        reverse("coach:note_new", args=[coached.couple.pk]), {"text": MARKER, "written_on": "2025-04-02"}
    )

    assert response.status_code == 302
    assert response.url == f"{couple_url(coached.couple)}#notes"
    saved = CoachNote.objects.of(coach).get()
    assert (saved.text, saved.written_on, saved.couple_id) == (MARKER, date(2025, 4, 2), coached.couple.pk)


def test_an_empty_note_comes_back_saying_so(as_coach, coached):
    response = as_coach.post(
        reverse("coach:note_new", args=[coached.couple.pk]), {"text": "   ", "written_on": "2025-04-02"}
    )

    assert response.status_code == 400
    assert "an empty note is not kept" in body_of(response)
    assert not CoachNote.objects.exists()


def test_a_too_long_note_comes_back_with_what_was_typed(as_coach, coached):
    typed = f"{MARKER} {'x' * NOTE_MAX_LENGTH}"

    response = as_coach.post(reverse("coach:note_new", args=[coached.couple.pk]), {"text": typed, "written_on": ""})

    assert response.status_code == 400
    assert MARKER in body_of(response)
    assert 'class="field-error"' in body_of(response)
    assert not CoachNote.objects.exists()


def test_a_too_long_note_says_how_long_a_note_may_be(as_coach, coached):
    typed = "x" * (NOTE_MAX_LENGTH + 1)

    response = as_coach.post(
        reverse("coach:note_new", args=[coached.couple.pk]), {"text": typed, "written_on": "2025-04-02"}
    )

    assert response.status_code == 400
    assert "at most 10,000 characters" in body_of(response)


@pytest.mark.parametrize("written_on", ["2025-02-30", "yesterday", ""])
def test_a_bad_date_comes_back_with_the_text_kept(as_coach, coached, written_on):
    response = as_coach.post(
        reverse("coach:note_new", args=[coached.couple.pk]), {"text": MARKER, "written_on": written_on}
    )

    assert response.status_code == 400
    assert MARKER in body_of(response)
    assert 'class="field-error"' in body_of(response)
    assert not CoachNote.objects.exists()


def test_the_edit_page_shows_my_note(as_coach, note):
    response = as_coach.get(reverse("coach:note", args=[note.pk]))

    assert response.status_code == 200
    assert MARKER in body_of(response)
    assert 'value="2025-03-14"' in body_of(response)


def test_a_note_is_edited(as_coach, note):
    response = as_coach.post(reverse("coach:note", args=[note.pk]), {"text": "Rewritten", "written_on": "2025-03-15"})

    assert response.status_code == 302
    note.refresh_from_db()
    assert (note.text, note.written_on) == ("Rewritten", date(2025, 3, 15))


def test_an_edit_too_long_comes_back_and_keeps_the_note_as_it_was(as_coach, note):
    typed = f"Edited {uuid.uuid4().hex} {'x' * NOTE_MAX_LENGTH}"

    response = as_coach.post(reverse("coach:note", args=[note.pk]), {"text": typed, "written_on": "2025-03-15"})

    assert response.status_code == 400
    assert typed[:40] in body_of(response)
    note.refresh_from_db()
    assert note.text == MARKER


def test_deleting_asks_first(as_coach, note):
    response = as_coach.get(reverse("coach:note_delete", args=[note.pk]))

    assert response.status_code == 200
    assert "Delete the note" in body_of(response)
    assert CoachNote.objects.filter(pk=note.pk).exists()


def test_a_note_is_deleted(as_coach, coached, note):
    response = as_coach.post(reverse("coach:note_delete", args=[note.pk]))

    assert response.status_code == 302
    assert response.url == f"{couple_url(coached.couple)}#notes"
    assert not CoachNote.objects.exists()


# After coaching ends


def test_after_coaching_ends_the_coach_still_reads_the_note(as_coach, coach, coached, note):
    coaching_end(link=coached, by=coach)

    response = as_coach.get(couple_url(coached.couple))

    assert response.status_code == 200
    assert MARKER in body_of(response)
    assert "Coaching has ended" in body_of(response)


def test_after_coaching_ends_the_coach_still_edits_and_adds_notes(as_coach, alice, coached, note):
    coaching_end(link=coached, by=alice)

    edited = as_coach.post(reverse("coach:note", args=[note.pk]), {"text": "Edited later", "written_on": "2025-05-01"})
    added = as_coach.post(
        reverse("coach:note_new", args=[coached.couple.pk]), {"text": "Added later", "written_on": "2025-05-02"}
    )

    assert (edited.status_code, added.status_code) == (302, 302)
    body = body_of(as_coach.get(couple_url(coached.couple)))
    assert "Edited later" in body and "Added later" in body


def test_after_coaching_ends_the_couple_page_shows_no_progress(as_coach, coach, coached):
    programme = programme_save(coach=coach, title="Six weeks closer")
    step_save(programme=programme, kind="article", article=make_coach_article(coach))
    programme_assign(coach=coach, programme=programme, couple=coached.couple)
    coaching_end(link=coached, by=coach)

    assert "Six weeks closer" not in body_of(as_coach.get(couple_url(coached.couple)))


# Nobody else


def test_another_coach_gets_404_on_the_couple_page(client, other_coach, coached, note):
    client.force_login(other_coach)

    assert client.get(couple_url(coached.couple)).status_code == 404
    response = client.post(
        reverse("coach:note_new", args=[coached.couple.pk]), {"text": "Mine", "written_on": "2025-01-01"}
    )
    assert response.status_code == 404
    assert CoachNote.objects.count() == 1


def test_another_coach_gets_404_on_my_note(client, other_coach, note):
    client.force_login(other_coach)
    edit, delete = reverse("coach:note", args=[note.pk]), reverse("coach:note_delete", args=[note.pk])

    assert client.get(edit).status_code == 404
    assert client.post(edit, {"text": "Taken over", "written_on": "2025-01-01"}).status_code == 404
    assert client.get(delete).status_code == 404
    assert client.post(delete).status_code == 404
    note.refresh_from_db()
    assert note.text == MARKER


def test_another_coach_with_the_same_couple_later_sees_none_of_my_notes(
    client, coach, other_coach, alice, bob, coached, note
):
    coaching_end(link=coached, by=alice)
    coach_link(other_coach, alice, bob)
    client.force_login(other_coach)

    response = client.get(couple_url(coached.couple))

    assert response.status_code == 200
    assert MARKER not in body_of(response)


def test_a_couple_i_never_coached_is_404(as_coach, dan, erin, other_couple):
    assert as_coach.get(couple_url(other_couple)).status_code == 404


def test_a_couple_that_has_not_both_accepted_is_404(as_coach, coach, alice, couple):
    coach_link(coach, alice)  # Bob has not accepted: coaching has not started

    assert as_coach.get(couple_url(couple)).status_code == 404


def test_a_tampered_couple_id_is_404(as_coach, coached):
    assert as_coach.get("/coach/couples/100000000000000000000/").status_code == 404


@pytest.mark.parametrize("partner", ["alice", "bob"])
def test_the_couple_is_sent_to_the_coach_profile_from_every_note_url(client, request, coached, note, partner):
    client.force_login(request.getfixturevalue(partner))
    profile = reverse("coach:profile")

    for url in [
        couple_url(coached.couple),
        reverse("coach:note", args=[note.pk]),
        reverse("coach:note_delete", args=[note.pk]),
    ]:
        get = client.get(url)
        assert (get.status_code, get.url) == (302, profile)
        posted = client.post(url, {"text": "x", "written_on": "2025-01-01"})
        assert (posted.status_code, posted.url) == (302, profile)
    posted = client.post(reverse("coach:note_new", args=[coached.couple.pk]), {"text": "x", "written_on": "2025-01-01"})
    assert (posted.status_code, posted.url) == (302, profile)
    note.refresh_from_db()
    assert note.text == MARKER


def test_a_visitor_is_sent_to_log_in(client, coached, note):
    for url in [couple_url(coached.couple), reverse("coach:note", args=[note.pk])]:
        response = client.get(url)
        assert response.status_code == 302 and "login" in response.url


def test_no_partner_page_shows_the_note(client, alice, bob, coach, coached, note, article):
    reflection = reveal(reflection_start(article=article, by=alice), alice, bob)
    open_one = reflection_start(article=make_coach_article(coach), by=bob)
    pages = [
        reverse("reflections:home"),
        reverse("reflections:history"),
        reverse("accounts:partner"),
        reverse("reflections:reflection", args=[reflection.pk]),
        reverse("reflections:reflection", args=[open_one.pk]),
        reverse("conversation:together_start", args=[reflection.pk]),
        reverse("conversation:reflection_export", args=[reflection.pk]),
        reverse("conversation:answers_export"),
        reverse("conversation:answers_export_markdown"),
        reverse("conversation:answers_export_json"),
        reverse("coach:profile"),
    ]
    for partner in (alice, bob):
        client.force_login(partner)
        for url in pages:
            response = client.get(url, follow=True)
            assert response.status_code == 200, url
            assert MARKER not in response.content.decode(), url


# At rest, and nowhere else


def test_the_note_is_stored_encrypted(note):
    with connection.cursor() as cursor:
        cursor.execute("SELECT text FROM practice_coachnote WHERE id = %s", [note.pk])
        (raw,) = cursor.fetchone()

    assert raw and MARKER not in raw
    assert "Private note" not in raw


def test_the_note_is_read_back_as_written(coach, note):
    assert CoachNote.objects.of(coach).get().text == MARKER


def test_saving_a_note_sends_no_notice_and_no_email(as_coach, coached):
    notices = Notification.objects.count()

    as_coach.post(reverse("coach:note_new", args=[coached.couple.pk]), {"text": MARKER, "written_on": "2025-04-02"})

    assert Notification.objects.count() == notices
    assert not mail.outbox


def test_no_log_line_holds_the_note(as_coach, coached, caplog):
    caplog.set_level(logging.DEBUG)
    new = reverse("coach:note_new", args=[coached.couple.pk])

    as_coach.post(new, {"text": MARKER, "written_on": "2025-04-02"})
    as_coach.post(new, {"text": f"{MARKER} {'x' * NOTE_MAX_LENGTH}", "written_on": "2025-04-02"})
    note = CoachNote.objects.get()
    as_coach.post(reverse("coach:note", args=[note.pk]), {"text": f"{MARKER} again", "written_on": "bad"})
    as_coach.get(couple_url(coached.couple))
    as_coach.post(reverse("coach:note_delete", args=[note.pk]))

    assert caplog.records  # the request log did run
    assert "Private note" not in caplog.text


def test_a_note_dated_in_the_future_is_kept_as_dated(as_coach, coach, coached):
    tomorrow = timezone.localdate() + timedelta(days=1)

    as_coach.post(reverse("coach:note_new", args=[coached.couple.pk]), {"text": "Plan", "written_on": f"{tomorrow}"})

    assert CoachNote.objects.of(coach).get().written_on == tomorrow
