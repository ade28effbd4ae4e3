"""The migrations, applied to an empty database, give the schema we rely on."""

import asyncio
import secrets

import pytest
from support.db import fetch

from app import db
from app.settings import DatabaseSettings, Settings


@pytest.fixture(scope="module")
def empty_database(pg_admin_url, database_url):
    """A new empty database migrated from scratch (the session's database is put back
    as the engine's target afterwards)."""
    name = f"chronicle_schema_{secrets.token_hex(4)}"
    asyncio.run(db.create_database(pg_admin_url, name))
    url = db.with_database(pg_admin_url, name)
    try:
        db.use_database(Settings(database=DatabaseSettings(url=url)))
        asyncio.run(db.migrate())
        asyncio.run(db.migrate())  # a second run is a no-op
        yield url
    finally:
        db.use_database(Settings(database=DatabaseSettings(url=database_url)))
        asyncio.run(db.drop_database(pg_admin_url, name))



def columns(url, table):
    rows = fetch(
        url,
        "SELECT column_name, data_type, udt_name, is_nullable FROM information_schema.columns "
        "WHERE table_schema = 'public' AND table_name = $1",
        table,
    )
    return {r["column_name"]: r for r in rows}


def indexes(url, table):
    rows = fetch(url, "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = $1", table)
    return [r["indexdef"] for r in rows]


def test_tables(empty_database):
    tables = {
        r["table_name"]
        for r in fetch(
            empty_database,
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'",
        )
    }
    assert {"users", "saves", "sessions", "migration", "patch_weights"} <= tables
    assert "piccolo_user" not in tables  # our users table replaces it


def test_users_columns(empty_database):
    cols = columns(empty_database, "users")
    for name in (
        "id",
        "username",
        "password",
        "admin",
        "active",
        "display_name",
        "api_key_digest",
        "session_epoch",
        "created_on",
    ):
        assert name in cols, name
    assert cols["created_on"]["data_type"] == "timestamp with time zone"
    assert cols["email"]["is_nullable"] == "YES"
    assert any("UNIQUE" in d and "(username)" in d for d in indexes(empty_database, "users"))


def test_saves_columns(empty_database):
    cols = columns(empty_database, "saves")
    expected = {
        "id": "varchar",
        "created_on": "timestamptz",
        "user_id": "int4",
        "filename": "varchar",
        "aar": "text",
        "hash": "varchar",
        "date": "varchar",
        "days": "int4",
        "score_days": "int4",
        "player_tag": "varchar",
        "player_tag_name": "varchar",
        "player_start_tag": "varchar",
        "player_start_tag_name": "varchar",
        "save_version_first": "int2",
        "save_version_second": "int2",
        "save_version_third": "int2",
        "save_version_fourth": "int2",
        "achieve_ids": "_int4",
        "players": "_text",
        "playthrough_id": "varchar",
        "game_difficulty": "varchar",
        "leaderboard_qualified": "bool",
        "game": "varchar",
        "container": "varchar",
        "encoding": "varchar",
        "size": "int8",
        "storage_key": "varchar",
        "file_sha256": "varchar",
        "analysis": "jsonb",
        "kernel_version": "varchar",
        "analyzed_on": "timestamptz",
    }
    for name, udt in expected.items():
        assert name in cols, name
        assert cols[name]["udt_name"] == udt, (name, cols[name])
    assert cols["hash"]["is_nullable"] == "NO"
    assert cols["days"]["is_nullable"] == "YES"


def test_saves_indexes(empty_database):
    defs = indexes(empty_database, "saves")
    assert any("UNIQUE" in d and "(hash)" in d for d in defs), defs
    assert any("UNIQUE" in d and "(storage_key)" in d for d in defs), defs
    assert any("USING gin (achieve_ids)" in d for d in defs), defs
    assert any("USING gin (players)" in d for d in defs), defs
    assert any("(created_on)" in d for d in defs), defs
    assert any("(playthrough_id)" in d for d in defs), defs


def test_saves_reference_users(empty_database):
    rows = fetch(
        empty_database,
        "SELECT confdeltype FROM pg_constraint WHERE conrelid = 'saves'::regclass "
        "AND contype = 'f'",
    )
    assert [r["confdeltype"] for r in rows] == [b"r"]  # ON DELETE RESTRICT
