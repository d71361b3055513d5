"""After the reveal: together mode, joint notes, history and exports."""

import json

import pytest
from django.urls import reverse

from accounts.services import couple_unlink
from core.errors import DomainError
from reflections.models import JointNote, TalkedMark
from reflections.services import NoteConflict, answer_save, note_save, readiness_set, talked_toggle

from ..conftest import answer_all


@pytest.fixture
def revealed(reflection, alice, bob):
    answer_all(reflection, alice, text="Alice's own words")
    answer_all(reflection, bob, text="Bob's own words")
    readiness_set(reflection=reflection, user=alice)
    readiness_set(reflection=reflection, user=bob)
    reflection.refresh_from_db()
    return reflection


def get(client, user, name, *args):
    client.force_login(user)
    return client.get(reverse(f"reflections:{name}", args=args))


def test_together_mode_shows_one_question_with_both_answers(client, alice, revealed):
    response = get(client, alice, "together", revealed.pk, 1)

    html = response.content.decode()
    assert "Question 1 of 3" in html
    assert "Alice&#x27;s own words" in html and "Bob&#x27;s own words" in html
    assert 'rel="next"' in html and 'rel="prev"' not in html


def test_together_mode_has_previous_and_next_links(client, alice, revealed):
    html = get(client, alice, "together", revealed.pk, 2).content.decode()

    assert reverse("reflections:together", args=[revealed.pk, 1]) in html
    assert reverse("reflections:together", args=[revealed.pk, 3]) in html


def test_together_mode_beyond_the_last_question_is_not_found(client, alice, revealed):
    assert get(client, alice, "together", revealed.pk, 4).status_code == 404
    assert get(client, alice, "together", revealed.pk, 0).status_code == 404


def test_together_mode_opens_only_after_the_reveal(client, alice, reflection):
    assert get(client, alice, "together", reflection.pk, 1).status_code == 404


def test_together_mode_is_not_for_strangers(client, carol, revealed):
    assert get(client, carol, "together", revealed.pk, 1).status_code == 404


def test_the_talked_mark_is_shared_by_both_partners(client, alice, bob, revealed):
    client.force_login(alice)
    response = client.post(reverse("reflections:talked_toggle", args=[revealed.pk, 2]))

    assert response.status_code == 302
    assert TalkedMark.objects.filter(prompt__reflection=revealed).count() == 1
    assert "You talked about this one." in get(client, bob, "together", revealed.pk, 2).content.decode()


def test_either_partner_can_clear_the_talked_mark(alice, bob, revealed):
    prompt = revealed.prompts.first()

    assert talked_toggle(prompt=prompt, user=alice) is True
    assert talked_toggle(prompt=prompt, user=bob) is False
    assert not TalkedMark.objects.exists()


def test_nobody_marks_talked_before_the_reveal(alice, reflection):
    with pytest.raises(DomainError):
        talked_toggle(prompt=reflection.prompts.first(), user=alice)


def test_both_partners_see_a_joint_note(client, alice, bob, revealed):
    client.force_login(alice)
    response = client.post(
        reverse("reflections:note_save", args=[revealed.pk]), {"kind": "remember", "text": "The walk", "version": "0"}
    )

    assert response.status_code == 302
    assert "The walk" in get(client, bob, "reflection", revealed.pk).content.decode()


def test_a_save_from_an_older_version_keeps_both_texts(client, alice, bob, revealed):
    note_save(reflection=revealed, user=alice, kind="try", text="Alice's plan", base_version=0)
    client.force_login(bob)

    response = client.post(
        reverse("reflections:note_save", args=[revealed.pk]), {"kind": "try", "text": "Bob's plan", "version": "0"}
    )

    html = response.content.decode()
    assert response.status_code == 409
    assert "Alice&#x27;s plan" in html and "Bob&#x27;s plan" in html
    assert JointNote.objects.get(kind="try").text == "Alice's plan"


def test_note_conflict_is_raised_by_the_service(alice, bob, revealed):
    note_save(reflection=revealed, user=alice, kind="try", text="one", base_version=0)

    with pytest.raises(NoteConflict):
        note_save(reflection=revealed, user=bob, kind="try", text="two", base_version=0)


def test_a_note_over_the_limit_is_refused_and_kept(client, alice, revealed):
    client.force_login(alice)
    text = "n" * 10_001

    response = client.post(
        reverse("reflections:note_save", args=[revealed.pk]), {"kind": "try", "text": text, "version": "0"}
    )

    assert response.status_code == 400
    assert "10,000" in response.content.decode() and text in response.content.decode()
    assert not JointNote.objects.exists()


@pytest.mark.parametrize("version", ["", "abc", "-1"])
def test_a_tampered_note_version_is_a_conflict_not_an_error(client, alice, revealed, version):
    note_save(reflection=revealed, user=alice, kind="try", text="kept", base_version=0)
    client.force_login(alice)

    response = client.post(
        reverse("reflections:note_save", args=[revealed.pk]), {"kind": "try", "text": "new", "version": version}
    )

    assert response.status_code == 409
    assert JointNote.objects.get(kind="try").text == "kept"


def test_an_unknown_note_kind_is_not_found(client, alice, revealed):
    client.force_login(alice)
    response = client.post(
        reverse("reflections:note_save", args=[revealed.pk]), {"kind": "x", "text": "a", "version": "0"}
    )
    assert response.status_code == 404


def test_unlinking_closes_notes_for_both(client, alice, bob, couple, revealed):
    note_save(reflection=revealed, user=alice, kind="remember", text="Shared memory", base_version=0)
    couple_unlink(couple=couple, by=bob)

    assert not JointNote.objects.visible_to(alice).exists()
    assert "Shared memory" not in get(client, alice, "reflection", revealed.pk).content.decode()


def test_history_lists_revealed_reflections_newest_first(client, alice, bob, couple, revealed, article):
    from reflections.services import reflection_start

    from ..conftest import make_article

    later = reflection_start(article=make_article(title="Later one"), by=bob)
    answer_all(later, alice)
    answer_all(later, bob)
    readiness_set(reflection=later, user=alice)
    readiness_set(reflection=later, user=bob)

    html = get(client, alice, "history").content.decode()

    assert html.index("Later one") < html.index(revealed.title)


def test_history_leaves_out_what_is_not_revealed(client, alice, reflection):
    assert reflection.title not in get(client, alice, "history").content.decode()


def test_a_revealed_reflection_exports_as_markdown_with_both_answers(client, alice, revealed):
    note_save(reflection=revealed, user=alice, kind="remember", text="A note to keep", base_version=0)

    response = get(client, alice, "reflection_export", revealed.pk)

    body = response.content.decode()
    assert response["Content-Type"].startswith("text/markdown")
    assert "attachment" in response["Content-Disposition"]
    assert "Alice's own words" in body and "Bob's own words" in body and "A note to keep" in body


def test_an_unrevealed_reflection_does_not_export(client, alice, reflection):
    assert get(client, alice, "reflection_export", reflection.pk).status_code == 404


def test_my_export_has_my_answers_in_any_state_and_never_my_partners(client, alice, bob, reflection):
    answer_save(prompt=reflection.prompts.first(), author=alice, text="Alice unrevealed draft")
    answer_save(prompt=reflection.prompts.first(), author=bob, text="Bob unrevealed draft")

    markdown = get(client, alice, "answers_export_markdown").content.decode()
    data = json.loads(get(client, alice, "answers_export_json").content)

    assert "Alice unrevealed draft" in markdown and "Bob unrevealed draft" not in markdown
    texts = [a["text"] for r in data["reflections"] for a in r["answers"]]
    assert texts == ["Alice unrevealed draft"]
    assert data["account"]["email"] == alice.email


def test_the_shared_view_sums_up_where_you_are_close_and_apart(client, alice, bob, reflection):
    answer_all(reflection, alice)
    answer_all(reflection, bob)
    scale = reflection.prompts.get(kind="scale")
    answer_save(prompt=scale, author=alice, scale_value=2)
    answer_save(prompt=scale, author=bob, scale_value=9)
    readiness_set(reflection=reflection, user=alice)
    readiness_set(reflection=reflection, user=bob)

    html = get(client, alice, "reflection", reflection.pk).content.decode()

    assert "Where you differ most" in html
    assert "(you 2, Bob 9)" in html
    assert "You: 2. Bob: 9." in html  # the drawing's text alternative


def test_my_export_includes_the_joint_notes_i_wrote(client, alice, bob, revealed):
    note_save(reflection=revealed, user=alice, kind="remember", text="Alice's note", base_version=0)
    note_save(reflection=revealed, user=bob, kind="try", text="Bob's note", base_version=0)

    markdown = get(client, alice, "answers_export_markdown").content.decode()
    data = json.loads(get(client, alice, "answers_export_json").content)

    assert "Alice's note" in markdown and "Bob's note" not in markdown
    assert [n["text"] for n in data["notes"]] == ["Alice's note"]
