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
