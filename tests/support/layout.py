"""What the browser tests measure a page's layout with (tests/app/browser)."""

from __future__ import annotations

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1440, "height": 900}
# How far the page reaches sideways, with every folded part (wars, battles, details)
# opened: what a player can scroll to.
PAGE_WIDTH = """() => {
    document.querySelectorAll("details").forEach((d) => { d.open = true; });
    return document.documentElement.scrollWidth;
}"""
# The luminance (0 dark .. 1 light) of the page's background.
BACKGROUND = """() => {
    const [r, g, b] = getComputedStyle(document.body).backgroundColor.match(/\\d+/g).map(Number);
    return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
}"""
