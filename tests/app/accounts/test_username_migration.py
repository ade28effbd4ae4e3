"""The migration that makes usernames unique case-insensitively, on a database that has
accounts differing only by case: nobody is lost, the oldest keeps the name, the others
are renamed ``<name>-<id>`` and log in under it (issue 20, point 5)."""

import asyncio
import secrets

import asyncpg
import pytest
from piccolo.apps.migrations.commands.forwards import run_forwards
from support.db import fetch

from app import db
from app.accounts.tables import User
from app.settings import DatabaseSettings, Settings

BEFORE = "2026-11-28T12:06:24:198452"  # the accounts migration before the change
USERS = [  # (username, display name, password), in id order
    ("Dup", None, "first of three"),
    ("dup", "Dup Fan", "second of three"),
    ("DUP", None, "third of three"),
    ("L" * 100, None, "long name one"),
    ("l" * 100, None, "long name two"),
    ("solo", "\uff33olo", "all alone here"),
]


async def _old_database(admin_url, name):
    await db.create_database(admin_url, name)
    url = db.with_database(admin_url, name)
    db.use_database(Settings(database=DatabaseSettings(url=url)))
    await run_forwards(app_name="accounts", migration_id=BEFORE, fake=False)
    conn = await asyncpg.connect(url)
    try:
        for username, display, password in USERS:
            await conn.execute(
                "INSERT INTO users (username, password, display_name, active, admin, superuser,"
                " session_epoch, created_on) VALUES ($1, $2, $3, true, false, false, 0, now())",
                username,
                User.hash_password(password),
                display,
            )
    finally:
        await conn.close()
    await db.migrate()  # everything else, the change included
    return url


@pytest.fixture(scope="module")
def migrated(pg_admin_url, database_url):
    name = f"chronicle_casedup_{secrets.token_hex(4)}"
    try:
        yield asyncio.run(_old_database(pg_admin_url, name))
    finally:
        db.use_database(Settings(database=DatabaseSettings(url=database_url)))
        asyncio.run(db.drop_database(pg_admin_url, name))



def test_case_duplicates_are_renamed_not_lost(migrated):
    rows = fetch(migrated, "SELECT id, username, display_name FROM users ORDER BY id")
    assert len(rows) == len(USERS)
    ids = [row["id"] for row in rows]
    assert [row["username"] for row in rows] == [
        "Dup",
        f"dup-{ids[1]}",
        f"DUP-{ids[2]}",
        "L" * 100,
        "l" * (100 - len(f"-{ids[4]}")) + f"-{ids[4]}",
        "solo",
    ]
    assert [row["display_name"] for row in rows] == [user[1] for user in USERS]


def test_the_index_refuses_new_case_duplicates(migrated):
    async def insert():
        conn = await asyncpg.connect(migrated)
        try:
            await conn.execute(
                "INSERT INTO users (username, password, active, admin, superuser,"
                " session_epoch, created_on) VALUES ('sOLO', 'x', true, false, false, 0, now())"
            )
        finally:
            await conn.close()

    with pytest.raises(asyncpg.UniqueViolationError):
        asyncio.run(insert())


def test_name_keys_are_filled(migrated):
    rows = fetch(
        migrated,
        "SELECT username_skeleton, display_name_skeleton FROM users WHERE username = 'solo'",
    )
    assert rows == [{"username_skeleton": "solo", "display_name_skeleton": "solo"}]


def test_renamed_accounts_log_in_under_their_new_names(
    migrated, make_settings, serve_app, client_for
):
    (renamed,) = fetch(migrated, "SELECT username FROM users WHERE username LIKE 'dup-%'")
    settings = make_settings(database=DatabaseSettings(url=migrated, pool_max_size=2))
    with serve_app(settings) as server:
        assert (
            client_for(server.url).login(renamed["username"], "second of three").status_code == 303
        )
        # The old name, in any case, is the oldest account's.
        assert client_for(server.url).login("dup", "first of three").status_code == 303
        assert client_for(server.url).login("DUP", "third of three").status_code == 401
