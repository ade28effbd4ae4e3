"""Leaderboard patch weights in the database (issue 18, point 7).

Written by hand (Piccolo's auto migrations know no functions or triggers):

1. ``patch_weights`` (app.saves.tables.PatchWeight), filled with the weights the kernel
   used until now (kernel/src/kernel/eu4/_leaderboard.py: patches 1.29 to 1.37, weight
   ``1 + 0.1 x (37 - minor)``), so that no score changes today.
2. ``patch_score_days(days, major, minor)``: the one formula, in SQL; NULL for a patch
   that does not count.
3. The ``saves_score_days`` trigger: every insert and update of an EU4 save computes
   ``score_days`` with it (the kernel's own figure, from its constant, is overwritten).
4. Every stored save rescored (the same numbers, unless a row was crafted).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-12-07T18:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "saves: patch_weights, the score_days trigger (leaderboard rebalance)"

OLDEST_MINOR = 29
LATEST_MINOR = 37


class Save(Table, tablename="saves"):
    pass


CREATE = [
    """CREATE TABLE patch_weights (
        minor smallint PRIMARY KEY CHECK (minor >= 0),
        weight_tenths smallint NOT NULL CHECK (weight_tenths BETWEEN 1 AND 100)
    )""",
    # The newest row's weight for newer patches; NULL past int4 (a crafted day count).
    # ($1 days, $2 major, $3 minor: positional, since patch_weights has a column "minor")
    """CREATE FUNCTION patch_score_days(integer, smallint, smallint)
    RETURNS integer LANGUAGE sql STABLE AS $$
        SELECT CASE WHEN s <= 2147483647 THEN s::integer END
        FROM (
            SELECT $1::bigint * w.weight_tenths / 10 AS s
            FROM patch_weights w
            WHERE $2 = 1 AND w.minor = least($3, (SELECT max(minor) FROM patch_weights))
        ) scored
    $$""",
    """CREATE FUNCTION saves_score_days() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        NEW.score_days := CASE WHEN NEW.game = 'eu4' THEN patch_score_days(
            NEW.days, NEW.save_version_first, NEW.save_version_second) END;
        RETURN NEW;
    END
    $$""",
    """CREATE TRIGGER saves_score_days BEFORE INSERT OR UPDATE ON saves
        FOR EACH ROW EXECUTE FUNCTION saves_score_days()""",
]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="saves", description=DESCRIPTION)

    async def run():
        for statement in CREATE:
            await Save.raw(statement)
        minors = list(range(OLDEST_MINOR, LATEST_MINOR + 1))
        await Save.raw(
            "INSERT INTO patch_weights (minor, weight_tenths)"
            " SELECT * FROM unnest({}::smallint[], {}::smallint[])",
            minors,
            [10 + LATEST_MINOR - minor for minor in minors],
        )
        await Save.raw("UPDATE saves SET score_days = NULL WHERE game = 'eu4'")

    async def run_backwards():
        await Save.raw("DROP TRIGGER IF EXISTS saves_score_days ON saves")
        await Save.raw("DROP FUNCTION IF EXISTS saves_score_days()")
        await Save.raw("DROP FUNCTION IF EXISTS patch_score_days(integer, smallint, smallint)")
        await Save.raw("DROP TABLE IF EXISTS patch_weights")

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager
