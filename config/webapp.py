"""What a browser asks of any site: its icon and, to install it on a phone's
home screen, its web app manifest. Both are public and hold nothing of anyone."""

from django.http import HttpResponseRedirect, JsonResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

# The brand's colours (static/css/twofold.css): warm paper behind the icon
# while the app opens, deep plum for the browser's bars.
BACKGROUND = "#faf6f1"
THEME = "#6b2f5f"


@require_safe
def favicon(request):
    """Browsers ask for /favicon.ico whatever a page declares; the icon
    itself is a static file with a hashed name, so this points there."""
    return HttpResponseRedirect(static("icons/favicon.ico"))


@require_safe
def manifest(request):
    icons = [
        {"src": static("icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
        {"src": static("icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
        {"src": static("icons/icon-maskable-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "maskable"},
        {"src": static("icons/twofold.svg"), "sizes": "any", "type": "image/svg+xml"},
    ]
    home = reverse("reflections:home")
    return JsonResponse(
        {
            "name": "Twofold",
            "short_name": "Twofold",
            "description": _("Read together. Answer alone. Reveal when you are both ready."),
            "id": home,
            "start_url": home,
            "scope": home,
            "display": "standalone",
            "background_color": BACKGROUND,
            "theme_color": THEME,
            "icons": icons,
        },
        content_type="application/manifest+json",
    )
