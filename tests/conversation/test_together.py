"""After the reveal: together mode, joint notes, history and exports."""

import json

import pytest
from django.urls import reverse

from accounts.services import couple_unlink
from conversation.models import JointNote, TalkedMark
from conversation.selectors import talked_about
from conversation.services import NoteConflict, note_save, talked_toggle
from core.errors import DomainError
from reflections.services import answer_save, readiness_set, reflection_share

from ..conftest import answer_all, coach_link


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
    return client.get(reverse(name, args=args))


def test_together_mode_shows_one_question_with_both_answers(client, alice, revealed):
    response = get(client, alice, "conversation:together", revealed.pk, 1)

    html = response.content.decode()
    assert "Question 1 of 3" in html
    assert "Alice&#x27;s own words" in html and "Bob&#x27;s own words" in html
    assert 'rel="next"' in html and 'rel="prev"' not in html


def test_together_mode_has_previous_and_next_links(client, alice, revealed):
    html = get(client, alice, "conversation:together", revealed.pk, 2).content.decode()

    assert reverse("conversation:together", args=[revealed.pk, 1]) in html
    assert reverse("conversation:together", args=[revealed.pk, 3]) in html


def test_together_mode_beyond_the_last_question_is_not_found(client, alice, revealed):
    assert get(client, alice, "conversation:together", revealed.pk, 4).status_code == 404
    assert get(client, alice, "conversation:together", revealed.pk, 0).status_code == 404


def test_together_mode_opens_only_after_the_reveal(client, alice, reflection):
    assert get(client, alice, "conversation:together", reflection.pk, 1).status_code == 404


def test_together_mode_is_not_for_strangers(client, carol, revealed):
    assert get(client, carol, "conversation:together", revealed.pk, 1).status_code == 404


def mark(revealed, *people, number=1):
    prompt = list(revealed.prompts.all())[number - 1]
    for person in people:
        talked_toggle(prompt=prompt, user=person)


# (who marked question 1, who looks) -> what they read, and the button they get.
MARK_WORDING = [
    ((), "alice", None, "We talked about this"),
    ((), "bob", None, "We talked about this"),
    (("alice",), "alice", "You marked this as talked about.", "Remove my mark"),
    (("alice",), "bob", "Alice marked this as talked about.", "Mark it too"),
    (("bob",), "alice", "Bob marked this as talked about.", "Mark it too"),
    (("bob",), "bob", "You marked this as talked about.", "Remove my mark"),
    (("alice", "bob"), "alice", "You both talked about this.", "Remove my mark"),
    (("alice", "bob"), "bob", "You both talked about this.", "Remove my mark"),
]
ALL_SENTENCES = ("talked about this.", "marked this as talked about.")
ALL_BUTTONS = ("We talked about this</button>", "Remove my mark</button>", "Mark it too</button>")


def talked_form(html, revealed, number):
    """The "we talked about this" form of question `number` in a page."""
    action = reverse("conversation:talked_toggle", args=[revealed.pk, number])
    start = html.index(f'action="{action}"')
    return html[start : html.index("</form>", start)]


@pytest.mark.parametrize("page", ["conversation:together", "reflections:reflection"])
@pytest.mark.parametrize("marked_by, viewer, sentence, button", MARK_WORDING)
def test_the_talked_mark_says_who_marked_it(client, request, revealed, page, marked_by, viewer, sentence, button):
    mark(revealed, *(request.getfixturevalue(name) for name in marked_by))
    args = (revealed.pk, 1) if page == "conversation:together" else (revealed.pk,)

    form = talked_form(get(client, request.getfixturevalue(viewer), page, *args).content.decode(), revealed, 1)

    assert f"{button}</button>" in form
    assert [b for b in ALL_BUTTONS if b in form] == [f"{button}</button>"]
    if sentence is None:
        assert not any(s in form for s in ALL_SENTENCES)
    else:
        assert sentence in form
        assert "You talked about this one." not in form


def test_a_prompt_either_partner_marked_counts_as_talked_about(client, alice, bob, revealed):
    mark(revealed, alice, number=1)
    mark(revealed, bob, number=2)
    mark(revealed, alice, bob, number=3)

    assert talked_about(revealed) == {p.pk for p in revealed.prompts.all()}
    assert "Talked about 3 of 3" in get(client, alice, "conversation:together", revealed.pk, 1).content.decode()


def test_marking_sets_only_my_own_mark(client, alice, bob, revealed):
    mark(revealed, bob)
    client.force_login(alice)

    response = client.post(reverse("conversation:talked_toggle", args=[revealed.pk, 1]))

    assert response.status_code == 302
    assert response["Location"] == reverse("conversation:together", args=[revealed.pk, 1])
    assert set(TalkedMark.objects.values_list("user__display_name", flat=True)) == {"Alice", "Bob"}


def test_unmarking_clears_only_my_own_mark(alice, bob, revealed):
    prompt = revealed.prompts.first()
    mark(revealed, alice, bob)

    assert talked_toggle(prompt=prompt, user=alice) is False
    assert list(TalkedMark.objects.values_list("user", flat=True)) == [bob.pk]
    assert talked_toggle(prompt=prompt, user=alice) is True
    assert TalkedMark.objects.count() == 2


def test_marking_from_the_shared_view_comes_back_to_its_question(client, alice, revealed):
    client.force_login(alice)
    prompt = list(revealed.prompts.all())[1]

    response = client.post(reverse("conversation:talked_toggle", args=[revealed.pk, 2]), {"back": "shared"})

    assert response["Location"] == reverse("reflections:reflection", args=[revealed.pk]) + f"#q-{prompt.pk}"
    assert TalkedMark.objects.get().prompt == prompt


def test_a_coach_reads_who_talked_about_a_shared_reflection(client, alice, bob, coach, revealed):
    coach_link(coach, alice, bob)
    for person in (alice, bob):
        reflection_share(reflection=revealed, user=person, coach=coach)
    mark(revealed, alice, bob, number=1)
    mark(revealed, bob, number=2)
    client.force_login(coach)

    html = client.get(reverse("coach:shared_reflection", args=[revealed.pk])).content.decode()

    both = " and ".join(p.user.name for p in revealed.participants.order_by("pk"))  # the columns' order
    assert f"{both} talked about this." in html
    assert "Bob marked this as talked about." in html
    assert reverse("conversation:talked_toggle", args=[revealed.pk, 1]) not in html  # read-only


def test_nobody_marks_talked_before_the_reveal(alice, reflection):
    with pytest.raises(DomainError):
        talked_toggle(prompt=reflection.prompts.first(), user=alice)


def test_both_partners_see_a_joint_note(client, alice, bob, revealed):
    client.force_login(alice)
    response = client.post(
        reverse("conversation:note_save", args=[revealed.pk]), {"kind": "remember", "text": "The walk", "version": "0"}
    )

    assert response.status_code == 302
    assert "The walk" in get(client, bob, "reflections:reflection", revealed.pk).content.decode()


def test_a_save_from_an_older_version_keeps_both_texts(client, alice, bob, revealed):
    note_save(reflection=revealed, user=alice, kind="try", text="Alice's plan", base_version=0)
    client.force_login(bob)

    response = client.post(
        reverse("conversation:note_save", args=[revealed.pk]), {"kind": "try", "text": "Bob's plan", "version": "0"}
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
        reverse("conversation:note_save", args=[revealed.pk]), {"kind": "try", "text": text, "version": "0"}
    )

    assert response.status_code == 400
    assert "10,000" in response.content.decode() and text in response.content.decode()
    assert not JointNote.objects.exists()


@pytest.mark.parametrize("version", ["", "abc", "-1"])
def test_a_tampered_note_version_is_a_conflict_not_an_error(client, alice, revealed, version):
    note_save(reflection=revealed, user=alice, kind="try", text="kept", base_version=0)
    client.force_login(alice)

    response = client.post(
        reverse("conversation:note_save", args=[revealed.pk]), {"kind": "try", "text": "new", "version": version}
    )

    assert response.status_code == 409
    assert JointNote.objects.get(kind="try").text == "kept"


def test_an_unknown_note_kind_is_not_found(client, alice, revealed):
    client.force_login(alice)
    response = client.post(
        reverse("conversation:note_save", args=[revealed.pk]), {"kind": "x", "text": "a", "version": "0"}
    )
    assert response.status_code == 404


def save_note(client, user, revealed, *, htmx=False, **fields):
    client.force_login(user)
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(reverse("conversation:note_save", args=[revealed.pk]), fields, headers=headers)


def test_both_notes_are_on_every_together_page(client, alice, revealed):
    note_save(reflection=revealed, user=alice, kind="try", text="A walk on Sundays", base_version=0)

    for number in (1, 3):
        html = get(client, alice, "conversation:together", revealed.pk, number).content.decode()
        assert html.count('class="card note-form"') == 2
        assert "What we want to remember" in html and "A walk on Sundays" in html
        assert f'<input type="hidden" name="number" value="{number}">' in html
        assert 'hx-trigger="input delay:800ms"' in html


def test_the_last_together_page_leads_to_its_own_notes(client, alice, revealed):
    html = get(client, alice, "conversation:together", revealed.pk, 3).content.decode()

    assert '<a class="button" href="#notes">Write your notes</a>' in html and 'id="notes"' in html


def test_a_note_autosaves_from_together_mode_with_its_new_version(client, alice, revealed):
    first = save_note(client, alice, revealed, htmx=True, kind="remember", text="The", version="0", number="2")
    second = save_note(client, alice, revealed, htmx=True, kind="remember", text="The walk", version="1", number="2")

    for response, version in ((first, 1), (second, 2)):
        html = response.content.decode()
        assert response.status_code == 200
        assert "Saved." in html
        assert f'id="note-version-remember" name="version" value="{version}" hx-swap-oob="true"' in html
        assert 'id="note-remember"' not in html  # the box is never swapped: typing goes on
    note = JointNote.objects.get(kind="remember")
    assert (note.text, note.version) == ("The walk", 2)


def test_an_autosave_from_an_older_version_shows_the_partners_beside_mine(client, alice, bob, revealed):
    note_save(reflection=revealed, user=alice, kind="try", text="Alice's plan", base_version=0)

    response = save_note(client, bob, revealed, htmx=True, kind="try", text="Bob's plan", version="0", number="1")

    html = response.content.decode()
    assert response.status_code == 409
    assert 'class="field-error"' in html and "saved this note while you were writing" in html
    assert "The version saved by Alice" in html and "Alice&#x27;s plan" in html
    # Bob's words stay in his box, and his next save is made knowing Alice's.
    assert 'id="note-try"' not in html
    assert 'id="note-version-try" name="version" value="1" hx-swap-oob="true"' in html
    assert JointNote.objects.get(kind="try").text == "Alice's plan"


def test_a_note_autosave_over_the_limit_says_why_and_keeps_the_box(client, alice, revealed):
    response = save_note(client, alice, revealed, htmx=True, kind="try", text="n" * 10_001, version="0", number="1")

    assert response.status_code == 422  # swapped in by htmx, as the answers' autosave errors are
    assert "10,000" in response.content.decode() and 'class="field-error"' in response.content.decode()
    assert not JointNote.objects.exists()


def test_the_note_button_in_together_mode_comes_back_to_the_same_question(client, alice, revealed):
    response = save_note(client, alice, revealed, kind="remember", text="The walk", version="0", number="2")

    assert response.status_code == 302
    assert response["Location"] == reverse("conversation:together", args=[revealed.pk, 2]) + "#notes"
    assert JointNote.objects.get(kind="remember").text == "The walk"


@pytest.mark.parametrize("number", ["", "0", "4", "two", "-1", "²", "1" * 30])
def test_a_note_from_no_question_of_this_reflection_goes_to_the_shared_view(client, alice, revealed, number):
    response = save_note(client, alice, revealed, kind="remember", text="Kept", version="0", number=number)

    assert response.status_code == 302
    assert response["Location"] == reverse("reflections:reflection", args=[revealed.pk]) + "#notes"
    assert JointNote.objects.get(kind="remember").text == "Kept"


def test_a_stale_note_from_together_mode_comes_back_there_with_both_versions(client, alice, bob, revealed):
    note_save(reflection=revealed, user=alice, kind="try", text="Alice's plan", base_version=0)

    response = save_note(client, bob, revealed, kind="try", text="Bob's plan", version="0", number="2")

    html = response.content.decode()
    assert response.status_code == 409
    assert "Question 2 of 3" in html
    assert "Alice&#x27;s plan" in html and "Bob&#x27;s plan" in html
    assert '<input type="hidden" id="note-version-try" name="version" value="1">' in html


def test_a_long_note_from_together_mode_comes_back_there_with_what_was_typed(client, alice, revealed):
    text = "n" * 10_001

    response = save_note(client, alice, revealed, kind="try", text=text, version="0", number="3")

    assert response.status_code == 400
    assert "Question 3 of 3" in response.content.decode() and text in response.content.decode()


def test_saving_what_is_saved_already_is_no_conflict(alice, bob, revealed):
    """The autosave and the button sent at once: the second one, from the
    older version, says what the first saved and overwrites nothing."""
    note_save(reflection=revealed, user=alice, kind="try", text="Same words", base_version=0)

    note = note_save(reflection=revealed, user=alice, kind="try", text="Same words", base_version=0)

    assert (note.text, note.version) == ("Same words", 1)


def test_unlinking_closes_notes_for_both(client, alice, bob, couple, revealed):
    note_save(reflection=revealed, user=alice, kind="remember", text="Shared memory", base_version=0)
    couple_unlink(couple=couple, by=bob)

    assert not JointNote.objects.visible_to(alice).exists()
    assert "Shared memory" not in get(client, alice, "reflections:reflection", revealed.pk).content.decode()


def test_history_lists_revealed_reflections_newest_first(client, alice, bob, couple, revealed, article):
    from reflections.services import reflection_start

    from ..conftest import make_article

    later = reflection_start(article=make_article(title="Later one"), by=bob)
    answer_all(later, alice)
    answer_all(later, bob)
    readiness_set(reflection=later, user=alice)
    readiness_set(reflection=later, user=bob)

    html = get(client, alice, "reflections:history").content.decode()

    assert html.index("Later one") < html.index(revealed.title)


def test_history_leaves_out_what_is_not_revealed(client, alice, reflection):
    assert reflection.title not in get(client, alice, "reflections:history").content.decode()


def test_a_revealed_reflection_exports_as_markdown_with_both_answers(client, alice, revealed):
    note_save(reflection=revealed, user=alice, kind="remember", text="A note to keep", base_version=0)

    response = get(client, alice, "conversation:reflection_export", revealed.pk)

    body = response.content.decode()
    assert response["Content-Type"].startswith("text/markdown")
    assert "attachment" in response["Content-Disposition"]
    assert "Alice's own words" in body and "Bob's own words" in body and "A note to keep" in body


def test_an_unrevealed_reflection_does_not_export(client, alice, reflection):
    assert get(client, alice, "conversation:reflection_export", reflection.pk).status_code == 404


def test_my_export_has_my_answers_in_any_state_and_never_my_partners(client, alice, bob, reflection):
    answer_save(prompt=reflection.prompts.first(), author=alice, text="Alice unrevealed draft")
    answer_save(prompt=reflection.prompts.first(), author=bob, text="Bob unrevealed draft")

    markdown = get(client, alice, "conversation:answers_export_markdown").content.decode()
    data = json.loads(get(client, alice, "conversation:answers_export_json").content)

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

    html = get(client, alice, "reflections:reflection", reflection.pk).content.decode()

    assert "Where you differ most" in html
    assert "(you 2, Bob 9)" in html
    assert "You: 2. Bob: 9." in html  # the drawing's text alternative


def test_my_export_includes_the_joint_notes_i_wrote(client, alice, bob, revealed):
    note_save(reflection=revealed, user=alice, kind="remember", text="Alice's note", base_version=0)
    note_save(reflection=revealed, user=bob, kind="try", text="Bob's note", base_version=0)

    markdown = get(client, alice, "conversation:answers_export_markdown").content.decode()
    data = json.loads(get(client, alice, "conversation:answers_export_json").content)

    assert "Alice's note" in markdown and "Bob's note" not in markdown
    assert [n["text"] for n in data["notes"]] == ["Alice's note"]
