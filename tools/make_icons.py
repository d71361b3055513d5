"""Make Twofold's PNG and ICO icons from its two SVGs, once; the results are
committed under static/icons/. Chromium draws the SVGs (through Playwright,
as in the browser tests), so no image library is needed.

    python -m tools.make_icons

- twofold.svg (rounded corners): the favicon (16, 32 and 48 px in one ICO)
  and the manifest's "any" icons (192 and 512 px);
- twofold-maskable.svg (full bleed, the rings inside the safe zone): the
  manifest's maskable icon (512 px) and Apple's touch icon (180 px, which
  iOS rounds itself).
"""

import base64
import os
import struct
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

ICONS = Path(__file__).resolve().parent.parent / "static" / "icons"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
PNGS = {
    "twofold.svg": {"icon-192.png": 192, "icon-512.png": 512},
    "twofold-maskable.svg": {"icon-maskable-512.png": 512, "apple-touch-icon.png": 180},
}
FAVICON_SIZES = (16, 32, 48)


def render(page, svg: Path, size: int) -> bytes:
    page.set_viewport_size({"width": size, "height": size})
    source = "data:image/svg+xml;base64," + base64.b64encode(svg.read_bytes()).decode()
    page.set_content(
        "<!doctype html><style>html,body{margin:0;background:transparent}img{display:block}</style>"
        f'<img width="{size}" height="{size}" src="{source}">'
    )
    page.wait_for_function("document.images[0].complete")
    return page.screenshot(omit_background=True, clip={"x": 0, "y": 0, "width": size, "height": size})


def ico(pngs: dict[int, bytes]) -> bytes:
    """An ICO holding PNG images (allowed since Windows Vista; every browser reads it)."""
    header = struct.pack("<HHH", 0, 1, len(pngs))
    offset = len(header) + 16 * len(pngs)
    entries, images = b"", b""
    for size, data in sorted(pngs.items()):
        entries += struct.pack("<BBBBHHII", size % 256, size % 256, 0, 0, 1, 32, len(data), offset + len(images))
        images += data
    return header + entries + images


def main():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page()
        for svg, outputs in PNGS.items():
            for name, size in outputs.items():
                (ICONS / name).write_bytes(render(page, ICONS / svg, size))
        favicon = {size: render(page, ICONS / "twofold.svg", size) for size in FAVICON_SIZES}
        (ICONS / "favicon.ico").write_bytes(ico(favicon))
        browser.close()
    print(f"icons written to {ICONS}", file=sys.stderr)


if __name__ == "__main__":
    main()
