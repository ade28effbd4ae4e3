"""A save's link preview: the title and description of its OpenGraph/Twitter tags, and the
summary card (1200x630 PNG, drawn with Pillow) that is its og:image when no map can be
drawn (no EU4 analysis, no game data for it). One place decides the words: the save page's
head (templates/saves/show.html.jinja2) and the card both use ``Preview``."""

from __future__ import annotations

import hashlib
import io
from typing import Final, NamedTuple

from PIL import Image, ImageDraw, ImageFont

from app.analysis.render import GAME_NAMES
from app.saves.schemas import SaveSummary

WIDTH: Final = 1200
HEIGHT: Final = 630
# Part of the card's cache key: a change to the drawing below draws every card again.
CARD_VERSION: Final = "1"

GAMES: Final = GAME_NAMES
# The site's colours (app.css: --bg, --accent, --fg, --muted).
BACKGROUND: Final = (251, 248, 243)
BAND: Final = (122, 59, 18)
TEXT: Final = (29, 29, 31)
MUTED: Final = (102, 102, 102)


class Preview(NamedTuple):
    title: str  # "Castile, 1 March 1687, EU4 1.36.2" (the file's name when nothing is known)
    description: str
    country: str | None
    date: str | None
    patch: str | None
    game: str  # the game's full name
    site: str

    @property
    def card_key(self) -> str:
        """The card's cache key and ETag: it changes when anything drawn changes."""
        parts = (CARD_VERSION, self.country, self.date, self.patch, self.game, self.site)
        drawn = "\x1f".join(str(part) for part in parts)
        return "card-" + hashlib.blake2b(drawn.encode(), digest_size=12).hexdigest()


MONTHS: Final = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def game_name(game: str) -> str:
    return GAMES.get(game, "A Paradox game")


def readable_date(date: str | None) -> str | None:
    """The save's date (ISO, "1444-11-11") as players say it: "11 November 1444"."""
    if not date:
        return None
    year, _, rest = date.lstrip("-").partition("-")
    month, _, day = rest.partition("-")
    if not (year.isdigit() and month.isdigit() and day.isdigit()) or not 1 <= int(month) <= 12:
        return date
    sign = "-" if date.startswith("-") else ""
    return f"{int(day)} {MONTHS[int(month) - 1]} {sign}{int(year)}"


def readable_patch(patch: str | None) -> str | None:
    """The patch as the game's menu shows it: three parts ("1.36.2", not "1.36.2.0")."""
    return ".".join(patch.split(".")[:3]) if patch else None


def preview(save: SaveSummary, site: str) -> Preview:
    country = save.player_tag_name or save.player_tag
    short = "EU4" if save.game == "eu4" else game_name(save.game)
    version = readable_patch(save.patch)
    patch = f"{short} {version}" if version else None
    date = readable_date(save.date)
    facts = [part for part in (country, date, patch) if part]
    title = ", ".join(facts) if country else save.filename
    played = f"{country}'s campaign" if country else f"A {game_name(save.game)} save"
    if country and save.game != "eu4":
        played = f"{country}'s {game_name(save.game)} campaign"
    when = f", up to {date}" if date else ""
    by = f" shared by {save.user_name} on {site}"
    description = f"{played}{when}{by}: its countries, wars, charts and achievements."
    if save.game != "eu4":
        description = f"{played}{when}{by}."
    return Preview(
        title=title,
        description=description,
        country=country,
        date=date,
        patch=patch,
        game=game_name(save.game),
        site=site,
    )


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    # Pillow's bundled font (FreeType; Latin, Greek and Cyrillic letters): no font file to
    # install or ship.
    return ImageFont.load_default(size=size)


def _fit(draw: ImageDraw.ImageDraw, text: str, size: int, width: int) -> tuple[str, int]:
    """``text`` at the largest size up to ``size`` that fits ``width`` (down to half of it;
    cut with an ellipsis below that)."""
    smallest = size // 2
    while size > smallest and draw.textlength(text, font=_font(size)) > width:
        size -= 4
    while len(text) > 1 and draw.textlength(text, font=_font(size)) > width:
        text = text[:-2].rstrip() + "…"
    return text, size


def card_png(card: Preview) -> bytes:
    """The 1200x630 summary card: the country (or the game), the date and patch, the game
    and the site's name."""
    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, WIDTH, 18), fill=BAND)
    margin = 80
    room = WIDTH - 2 * margin
    headline, size = _fit(draw, card.country or card.game, 112, room)
    draw.text((margin, 260), headline, fill=TEXT, font=_font(size), anchor="ls")  # baseline
    facts = " · ".join(part for part in (card.date, card.patch) if part)
    if facts:
        line, size = _fit(draw, facts, 64, room)
        draw.text((margin, 320), line, fill=TEXT, font=_font(size))
    if card.country:
        line, size = _fit(draw, card.game, 44, room)
        draw.text((margin, 420), line, fill=MUTED, font=_font(size))
    line, size = _fit(draw, card.site, 36, room)
    draw.text((margin, HEIGHT - 100), line, fill=BAND, font=_font(size))
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
