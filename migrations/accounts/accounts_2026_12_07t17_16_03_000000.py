"""Usernames unique case-insensitively, and the name keys of existing users.

Written by hand (Piccolo's auto migrations know no expression indexes):

1. Accounts whose usernames differ only by case: the oldest (lowest id) keeps its name,
   every later one is renamed ``<username>-<id>`` (cut to fit 100 characters; a further
   ``-2``, ``-3``... if that too is taken), and each rename is printed to the migration
   log. Nobody is lost: ids, passwords, saves, API keys (which name the user by id) and
   display names stay; only the name to log in with changes, so the operator tells them.
2. ``users_username_lower``: a unique index on lower(username) (logging in matches
   usernames case-insensitively through it).
3. ``username_skeleton`` and ``display_name_skeleton`` of every user (the previous
   migration added the columns), with a copy of ``app.accounts.names.name_key`` as it is at this
   migration (migrations never import the app). Existing display names that look like
   another user's name are kept: the rule applies when names are set.
"""

import unicodedata

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns import Serial
from piccolo.table import Table

ID = "2026-12-07T17:16:03:000000"
VERSION = "1.38.0"
DESCRIPTION = "users: unique lower(username) (case duplicates renamed), name keys filled"

MAX_USERNAME = 100

_INVISIBLE = frozenset("\u115f\u1160\u3164\uffa0\u2800\u17b4\u17b5")
_SEPARATORS = frozenset("_.-")
_DROPPED_CATEGORIES = ("Z", "C", "M")


def name_key(name):
    """app.accounts.names.name_key at this migration."""
    folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", name).casefold())
    kept = (
        char
        for char in folded
        if char not in _INVISIBLE
        and char not in _SEPARATORS
        and unicodedata.category(char)[0] not in _DROPPED_CATEGORIES
    )
    return unicodedata.normalize("NFKC", "".join(kept))


class User(Table, tablename="users"):
    id = Serial(primary_key=True)


async def _free_name(username, user_id):
    """``<username>-<id>`` (then ``-2``, ``-3``...) that no account has in any case."""
    attempt = 1
    while True:
        suffix = f"-{user_id}" if attempt == 1 else f"-{user_id}-{attempt}"
        candidate = username[: MAX_USERNAME - len(suffix)] + suffix
        taken = await User.raw(
            "SELECT 1 FROM users WHERE lower(username) = lower({})", candidate
        )
        if not taken:
            return candidate
        attempt += 1


async def _rename_case_duplicates():
    later = await User.raw(
        "SELECT u.id, u.username FROM users u WHERE EXISTS (SELECT 1 FROM users v"
        " WHERE lower(v.username) = lower(u.username) AND v.id < u.id) ORDER BY u.id"
    )
    for row in later:
        new = await _free_name(row["username"], row["id"])
        await User.raw("UPDATE users SET username = {} WHERE id = {}", new, row["id"])
        print(
            f"user {row['id']}: username {row['username']!r} renamed to {new!r}"
            " (an older account has the same name in another case)"
        )


async def _fill_name_keys():
    rows = await User.raw("SELECT id, username, display_name FROM users")
    if not rows:
        return
    await User.raw(
        "UPDATE users SET username_skeleton = k.username_skeleton,"
        " display_name_skeleton = k.display_skeleton"
        " FROM unnest({}::integer[], {}::varchar[], {}::varchar[])"
        " AS k(id, username_skeleton, display_skeleton) WHERE users.id = k.id",
        [row["id"] for row in rows],
        [name_key(row["username"]) for row in rows],
        [name_key(row["display_name"]) if row["display_name"] else None for row in rows],
    )


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="accounts", description=DESCRIPTION)

    async def run():
        await _rename_case_duplicates()
        await User.raw("CREATE UNIQUE INDEX users_username_lower ON users (lower(username))")
        await _fill_name_keys()

    async def run_backwards():
        # Renamed accounts keep their new names: which one had which case is not kept.
        await User.raw("DROP INDEX IF EXISTS users_username_lower")

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager
