"""The ORM helpers the hot pages use: prebuilt querysets, precompiled
queries and rows left as if prefetched. None may hand out stale or shared
results, or another call's rows."""

import pytest
from django.db import transaction
from django.db.models import Count
from django.db.transaction import TransactionManagementError

from accounts.models import Membership, User
from accounts.querysets import prebuilt, precompiled, set_prefetched


def test_a_prebuilt_queryset_is_built_once_and_never_shares_its_results(make_user, alice):
    builds = []

    @prebuilt
    def people():
        builds.append("built")
        return User.objects.filter(email__endswith="@example.com")

    before = list(people())
    dana = make_user("Dana")
    after = list(people())

    assert builds == ["built"]
    assert dana not in before
    assert dana in after
    assert people() is not people()


def test_prebuilt_querysets_can_be_narrowed_per_call(make_user, alice, bob):
    @prebuilt
    def people():
        return User.objects.order_by("email")

    assert list(people().filter(pk=alice.pk)) == [alice]
    assert list(people().filter(pk=bob.pk)) == [bob]


def test_rows_set_as_prefetched_are_read_without_a_query_and_filtering_still_queries(
    couple, alice, django_assert_num_queries
):
    rows = list(Membership.objects.filter(couple=couple).select_related("user"))
    set_prefetched(couple, "memberships", rows)

    with django_assert_num_queries(0):
        assert list(couple.memberships.all()) == rows
        assert couple.partner_of(alice).name == "Bob"
    with django_assert_num_queries(1):
        assert list(couple.memberships.filter(user=alice)) == [m for m in rows if m.user_id == alice.pk]


def test_a_precompiled_query_is_built_once_and_runs_with_each_calls_numbers(make_user, alice, bob):
    builds = []

    @precompiled
    def person(*, user_pk):
        builds.append("built")
        return User.objects.filter(pk=user_pk)

    assert person(user_pk=alice.pk) == [alice]
    assert person(user_pk=bob.pk) == [bob]
    dana = make_user("Dana")
    assert person(user_pk=dana.pk) == [dana]
    assert builds == ["built"]


def test_a_precompiled_query_sees_rows_written_since_its_last_call(alice, bob, couple):
    @precompiled
    def memberships_of(*, user_pk):
        return Membership.objects.filter(user=user_pk)

    assert [m.couple_id for m in memberships_of(user_pk=alice.pk)] == [couple.pk]
    Membership.objects.filter(user=alice).delete()
    assert memberships_of(user_pk=alice.pk) == []


def test_precompiled_rows_are_loaded_as_the_queryset_would_load_them(alice, bob, couple, django_assert_num_queries):
    def build(*, couple_pk):
        return (
            Membership.objects.filter(couple=couple_pk)
            .select_related("user", "couple")
            .annotate(couples=Count("user__memberships"))
            .order_by("user__email")
        )

    with django_assert_num_queries(1):
        rows = precompiled(build)(couple_pk=couple.pk)
        assert [(m.user.name, m.couple.pk, m.couples) for m in rows] == [("Alice", couple.pk, 1), ("Bob", couple.pk, 1)]
    assert rows == list(build(couple_pk=couple.pk))


def test_each_argument_may_go_into_the_sql_more_than_once(alice, bob, couple):
    @precompiled
    def partners_of(*, user_pk):
        return Membership.objects.filter(couple__memberships__user=user_pk).exclude(user=user_pk)

    assert [m.user for m in partners_of(user_pk=alice.pk)] == [bob]
    assert [m.user for m in partners_of(user_pk=bob.pk)] == [alice]


@pytest.mark.parametrize(
    "values",
    [{"user_pk": "1"}, {"user_pk": True}, {"user_pk": None}, {"user_pk": 1.0}, {}, {"user_pk": 1, "other": 2}],
    ids=["text", "bool", "none", "float", "missing", "extra"],
)
def test_a_precompiled_query_takes_whole_numbers_by_its_own_names_only(db, values):
    @precompiled
    def person(*, user_pk):
        return User.objects.filter(pk=user_pk)

    with pytest.raises(TypeError):
        person(**values)


def test_a_number_beyond_any_key_matches_nothing_without_a_query(alice, django_assert_num_queries):
    @precompiled
    def person(*, user_pk):
        return User.objects.filter(pk=user_pk)

    with django_assert_num_queries(0):
        assert person(user_pk=2**63) == []
        assert person(user_pk=-(2**63) - 1) == []


def test_a_builder_whose_sql_would_change_with_the_number_is_refused(db):
    @precompiled
    def people_ending_in(*, user_pk):
        return User.objects.filter(email__endswith=str(user_pk))

    with pytest.raises(ValueError, match="not for @precompiled"):
        people_ending_in(user_pk=1)


@pytest.mark.django_db(transaction=True)
def test_a_precompiled_lock_is_refused_outside_a_transaction_on_every_call(alice):
    @precompiled
    def locked(*, user_pk):
        return User.objects.select_for_update().filter(pk=user_pk)

    with transaction.atomic():
        assert locked(user_pk=alice.pk) == [alice]
    with pytest.raises(TransactionManagementError):
        locked(user_pk=alice.pk)
