"""The site's own links in the header, on every page."""

from django.urls import reverse

NAVIGATION = [
    "reflections:home",
    "library:index",
    "reflections:history",
    "accounts:partner",
    "account_email",
    "account_logout",
]
# The account's own pages, one place for each: Export and email settings live here.
ACCOUNT_NAVIGATION = [
    "account_email",
    "account_change_password",
    "mfa_index",
    "usersessions_list",
    "notifications:email_preferences",
    "conversation:answers_export",
    "accounts:account_delete",
]


def test_every_page_links_to_the_sites_own_pages(client, alice):
    client.force_login(alice)

    html = client.get(reverse("reflections:home")).content.decode()

    for name in NAVIGATION:
        assert f'href="{reverse(name)}"' in html or f'action="{reverse(name)}"' in html


def test_the_current_page_is_marked_in_the_navigation(client, alice):
    client.force_login(alice)

    html = client.get(reverse("library:index")).content.decode()

    assert f'href="{reverse("library:index")}" aria-current="page"' in html
    assert f'href="{reverse("reflections:home")}" aria-current="page"' not in html


def test_email_settings_have_one_place_under_account_not_the_main_navigation(client, alice):
    client.force_login(alice)

    html = client.get(reverse("reflections:home")).content.decode()

    assert f'href="{reverse("notifications:email_preferences")}"' not in html.split("</header>")[0]


def test_every_account_page_has_the_same_account_navigation(client, alice):
    client.force_login(alice)

    for current in ACCOUNT_NAVIGATION:
        html = client.get(reverse(current)).content.decode()
        subnav = html.split('aria-label="Account"')[1].split("</nav>")[0]
        for name in ACCOUNT_NAVIGATION:
            assert f'href="{reverse(name)}"' in subnav, (current, name)
        assert f'href="{reverse(current)}" aria-current="page"' in subnav
        # The main navigation's Account stays marked on all of them.
        header = html.split("</header>")[0]
        assert f'href="{reverse("account_email")}" aria-current=' in header, current


def test_the_account_has_an_export_page_with_both_downloads(client, alice):
    client.force_login(alice)

    response = client.get(reverse("conversation:answers_export"))

    assert response.status_code == 200
    body = response.content.decode()
    assert f'href="{reverse("conversation:answers_export_markdown")}"' in body
    assert f'href="{reverse("conversation:answers_export_json")}"' in body
