"""The two ORM helpers the hot pages use: prebuilt querysets and rows left
as if prefetched. Both must never hand out stale or shared results."""

from accounts.models import Membership, User
from accounts.querysets import prebuilt, set_prefetched


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
