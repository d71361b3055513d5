"""`{% link %}` (config/navigation.py): the site's own links, reversed once
per process, must be what `{% url %}` would give, under any URL prefix."""

from django.template import engines
from django.urls import reverse, set_script_prefix


def render(source):
    return engines["django"].from_string("{% load navigation %}" + source).render({})


def test_a_link_is_what_url_gives():
    assert render("{% link 'library' %}") == reverse("library") == "/library/"


def test_a_link_follows_the_url_prefix_it_is_served_under():
    try:
        set_script_prefix("/twofold/")
        assert render("{% link 'library' %}") == "/twofold/library/"
    finally:
        set_script_prefix("/")
    assert render("{% link 'library' %}") == "/library/"


def test_every_page_links_to_the_sites_own_pages(client, alice):
    client.force_login(alice)

    html = client.get(reverse("home")).content.decode()

    for name in ["home", "library", "history", "partner", "account_email", "notification_settings", "account_logout"]:
        assert f'href="{reverse(name)}"' in html or f'action="{reverse(name)}"' in html
