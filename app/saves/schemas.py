"""Inputs and outputs of the saves feature (msgspec Structs; the OpenAPI document is
generated from them)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

import msgspec
from litestar.datastructures import UploadFile

from kernel.eu4.types import Budget, CountryDetails, CountryRow, LedgerPoint, Losses, WarParticipant


class UploadForm(msgspec.Struct, kw_only=True):
    """multipart/form-data of ``POST /api/saves`` and the upload form."""

    file: UploadFile
    filename: str | None = None
    aar: str | None = None


class SaveCreated(msgspec.Struct, kw_only=True):
    save_id: str


class DuplicateSaveBody(msgspec.Struct, kw_only=True):
    status_code: int
    detail: str
    save_id: str


class SavePatch(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """``PATCH /api/saves/{id}``: absent or null fields stay as they are; an empty ``aar``
    clears it. ``leaderboard_qualified`` is for admins."""

    filename: str | None = None
    aar: str | None = None
    leaderboard_qualified: bool | None = None


class EditForm(msgspec.Struct, kw_only=True):
    """The owner's edit form on the save page."""

    filename: str
    aar: str = ""


class QualificationForm(msgspec.Struct, kw_only=True):
    """The admin's leaderboard switch on the save page: "yes" qualifies, "no" disqualifies."""

    qualified: Literal["yes", "no"]


class SaveSummary(msgspec.Struct, kw_only=True):
    id: str
    upload_time: datetime
    user_id: int
    user_name: str
    filename: str
    game: str
    container: str
    encoding: str
    size: int
    date: str | None
    days: int | None
    score_days: int | None
    player_tag: str | None
    player_tag_name: str | None
    player_start_tag: str | None
    player_start_tag_name: str | None
    patch: str | None
    game_difficulty: str | None
    achievements: list[int]
    players: list[str]
    playthrough_id: str | None
    leaderboard_qualified: bool
    kernel_version: str


class SaveDetail(SaveSummary, kw_only=True):
    aar: str | None
    file_sha256: str
    analysis: dict[str, Any] | None
    # The game data's names of the keys the analysis uses ({category: {key: name}}; the
    # categories: country and those of kernel.gamedata.CATEGORIES), in the reader's
    # language; {} without game data for this save.
    names: dict[str, dict[str, str]] = {}
    gamedata: str | None = None  # which data named it: "EU4 1.31.6 data"


class SavePage(msgspec.Struct, kw_only=True):
    saves: list[SaveSummary]
    cursor: str | None  # pass as ?cursor= for the next (older) page; null on the last


class CountryWar(msgspec.Struct, kw_only=True):
    """A war the country took part in, and its part in it."""

    name: str
    active: bool
    start: str | None
    end: str | None
    participation: WarParticipant


class SaveCountry(msgspec.Struct, kw_only=True):
    """One country of a save's EU4 analysis: what its page shows (slices of the analysis
    payload, kernel.eu4.types). ``row``, ``details``, ``budget`` are null for a country the
    analysis has none of (``details`` for saves analysed before every country had one)."""

    save_id: str
    tag: str
    name: str  # the save's name of it, else the game data's, else the tag
    row: CountryRow | None
    details: CountryDetails | None
    budget: Budget | None
    casualties: Losses | None
    wars: list[CountryWar]
    ledgers: dict[str, list[LedgerPoint]]  # income, nation_size, score, inflation


# --- comparing two saves, and a playthrough's saves (app.saves.compare) --------------------


class SaveRef(msgspec.Struct, kw_only=True):
    """One save of a comparison."""

    id: str
    filename: str
    user_name: str
    date: str | None  # the game date
    patch: str | None
    player_tag: str | None
    playthrough_id: str | None


class ProvinceRef(msgspec.Struct, kw_only=True):
    id: int
    name: str


class CountryComparison(msgspec.Struct, kw_only=True):
    """One country of either save: its values before and after (null where the save's
    table of countries, those owning a province, lacks it) and what changed."""

    tag: str
    name: str  # the save's own name, else the game data's, else the tag
    player: bool  # a player's country in either save
    status: Literal["kept", "appeared", "disappeared"]
    development_before: float | None
    development_after: float | None
    development_change: float
    income_before: float | None  # estimated monthly income
    income_after: float | None
    income_change: float
    provinces_before: int | None
    provinces_after: int | None
    provinces_change: int
    # Rank by great-power score among the countries with one (1: the first great power).
    great_power_rank_before: int | None
    great_power_rank_after: int | None
    great_power_score_change: float
    # Wars that ended after the earlier save's date, up to the later one's, by the side
    # the country was on and the war's outcome (kernel.eu4.types.War.outcome).
    wars_won: int
    wars_lost: int
    wars_white_peace: int
    # Provinces whose owner changed between the two saves' province tables.
    provinces_gained: list[ProvinceRef]
    provinces_lost: list[ProvinceRef]


class EndedWar(msgspec.Struct, kw_only=True):
    name: str
    end: str | None
    outcome: Literal["white_peace", "attacker", "defender"]
    attackers: list[str]
    defenders: list[str]


class SaveComparison(msgspec.Struct, kw_only=True):
    """``GET /api/saves/{a}/compare/{b}``: ``before`` is the save with the earlier game
    date, whatever the order in the URL."""

    before: SaveRef
    after: SaveRef
    # Both saves have the same playthrough id (kernel/src/kernel/eu4/_playthrough.py);
    # false when they differ or one has none: the comparison is shown all the same.
    same_playthrough: bool
    countries: list[CountryComparison]  # players first, then by development change
    wars: list[EndedWar]  # the wars of ``wars_won`` and the rest, in the later save's order


class TimelineSave(msgspec.Struct, kw_only=True):
    """One save of a playthrough with the player's country's values in it (null where
    the analysis has no row for ``save.player_tag``)."""

    save: SaveSummary
    development: float | None
    monthly_income: float | None
    provinces: int | None


class Playthrough(msgspec.Struct, kw_only=True):
    """``GET /api/playthroughs/{id}``: every shared save of a playthrough by game date."""

    playthrough_id: str
    saves: list[TimelineSave]
