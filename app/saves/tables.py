"""Uploaded saves: the columns pdx.tools keeps for listings and leaderboards, plus what the
server needs to re-serve and re-analyse the file. Column sizes here are the only ones:
app.saves.services cuts text from the file to fit them."""

from __future__ import annotations

from enum import StrEnum

from piccolo.columns import (
    JSONB,
    Array,
    BigInt,
    Boolean,
    ForeignKey,
    Integer,
    SmallInt,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.indexes import IndexMethod
from piccolo.table import Table

from app.accounts.tables import User


class GameDifficulty(StrEnum):
    very_easy = "very_easy"
    easy = "easy"
    normal = "normal"
    hard = "hard"
    very_hard = "very_hard"


class Save(Table, tablename="saves"):
    """One uploaded file. Fields the kernel cannot read yet (binary saves without a token
    table, non-EU4 games, fragments) are NULL; "reprocess" fills them in later."""

    # 12 url-safe characters, random: share links cannot be enumerated.
    id = Varchar(length=16, primary_key=True)
    created_on = Timestamptz(default=TimestamptzNow(), index=True)
    # Deleting a user who still has saves is refused (their files must go first).
    user_id = ForeignKey(User, on_delete=OnDelete.restrict, null=False, index=True)
    filename = Varchar(length=255)
    aar = Text(null=True, default=None)
    # Content hash from the kernel (over the decompressed entries): de-duplication.
    hash = Varchar(length=64, unique=True)
    # What the kernel saw.
    game = Varchar(length=16)
    container = Varchar(length=16)
    encoding = Varchar(length=16)
    # The file as stored.
    size = BigInt()
    storage_key = Varchar(length=255, unique=True)
    file_sha256 = Varchar(length=64)  # of the bytes as uploaded: the download's ETag
    # Save facts (EU4; NULL where unknown).
    date = Varchar(length=16, null=True, default=None)
    days = Integer(null=True, default=None)
    score_days = Integer(null=True, default=None)
    player_tag = Varchar(length=8, null=True, default=None)
    player_tag_name = Varchar(length=100, null=True, default=None)
    player_start_tag = Varchar(length=8, null=True, default=None)
    player_start_tag_name = Varchar(length=100, null=True, default=None)
    save_version_first = SmallInt(null=True, default=None)
    save_version_second = SmallInt(null=True, default=None)
    save_version_third = SmallInt(null=True, default=None)
    save_version_fourth = SmallInt(null=True, default=None)
    # Completed achievements; leaderboards ask `achieve_ids @> ARRAY[id]`: a GIN index.
    achieve_ids = Array(Integer(), index=True, index_method=IndexMethod.gin)
    players = Array(Text(), index=True, index_method=IndexMethod.gin)
    playthrough_id = Varchar(length=64, null=True, default=None, index=True)
    game_difficulty = Varchar(length=16, choices=GameDifficulty, null=True, default=None)
    leaderboard_qualified = Boolean(default=True)
    # The analysis payload and the kernel version that computed it ("reprocess" updates both).
    analysis = JSONB(null=True, default=None)
    kernel_version = Varchar(length=32)
    analyzed_on = Timestamptz(default=TimestamptzNow())


class PatchWeight(Table, tablename="patch_weights"):
    """An EU4 patch (1.<minor>) whose saves count on the leaderboards, with its weight: a
    save's ``score_days`` is its ``days`` x ``weight_tenths`` // 10 (integers, exact),
    so runs on older, easier patches rank behind. A patch newer than every row counts
    with the newest row's weight (a new patch is played before the admins rebalance);
    one between rows, or older, does not count. The ``saves_score_days`` trigger of the
    migration computes ``score_days`` on every insert and update; admins change the rows
    with "rebalance" (app.achievements.weights), which rescored every save."""

    minor = SmallInt(primary_key=True)
    weight_tenths = SmallInt()
