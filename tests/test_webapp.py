"""The site's icon and its web app manifest (config/webapp.py), so Twofold
has an icon in a tab and installs on a phone's home screen."""

import json
import struct

from django.contrib.staticfiles import finders
from django.urls import reverse


def static_file(url):
    """The file under static/ that a /static/ URL names."""
    path = finders.find(url.removeprefix("/static/"))
    assert path, f"{url} is not a static file"
    return open(path, "rb").read()


def test_favicon_ico_points_to_the_icon(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 302
    icon = static_file(response.url)
    assert icon[:4] == b"\0\0\1\0"  # an ICO
    count = struct.unpack("<H", icon[4:6])[0]
    assert count == 3


def test_the_manifest_names_twofold_with_its_colours_and_icons(client):
    response = client.get(reverse("manifest"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["name"] == manifest["short_name"] == "Twofold"
    assert manifest["start_url"] == "/" and manifest["display"] == "standalone"
    assert manifest["theme_color"] == "#6b2f5f" and manifest["background_color"] == "#faf6f1"
    sizes = {(icon["sizes"], icon.get("purpose", "any")) for icon in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
    for icon in manifest["icons"]:
        data = static_file(icon["src"])
        if icon["type"] == "image/png":
            assert data[:8] == b"\x89PNG\r\n\x1a\n"
            width, height = struct.unpack(">II", data[16:24])
            assert f"{width}x{height}" == icon["sizes"], icon["src"]


def test_every_page_declares_its_icons_and_the_manifest(client, alice):
    for body in (client.get("/").content.decode(), client.get("/accounts/login/").content.decode()):
        assert f'<link rel="manifest" href="{reverse("manifest")}">' in body
        assert 'rel="icon"' in body and 'rel="apple-touch-icon"' in body
        assert '<meta name="theme-color"' in body


def test_the_manifest_is_the_same_for_everyone(client, alice):
    anonymous = client.get(reverse("manifest")).content
    client.force_login(alice)

    assert client.get(reverse("manifest")).content == anonymous
