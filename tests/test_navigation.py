"""The site's own links in the header, on every page."""

from django.urls import reverse

NAVIGATION = [
    "reflections:home",
    "reflections:library",
    "reflections:history",
    "accounts:partner",
    "account_email",
    "notifications:email_preferences",
    "account_logout",
]


def test_every_page_links_to_the_sites_own_pages(client, alice):
    client.force_login(alice)

    html = client.get(reverse("reflections:home")).content.decode()

    for name in NAVIGATION:
        assert f'href="{reverse(name)}"' in html or f'action="{reverse(name)}"' in html


def test_the_current_page_is_marked_in_the_navigation(client, alice):
    client.force_login(alice)

    html = client.get(reverse("reflections:library")).content.decode()

    assert f'href="{reverse("reflections:library")}" aria-current="page"' in html
    assert f'href="{reverse("reflections:home")}" aria-current="page"' not in html
