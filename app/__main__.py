"""Operator commands: ``python -m app {migrate,serve,createuser,apikey,reprocess}``.

Each reads its settings from the environment (``app.settings``) and, with no
DATABASE_URL, starts the embedded PostgreSQL under VAR_DIR (default ./var).
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import logging
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Sequence

from app import db
from app.settings import Settings, SettingsError, settings_from_environment


def _connect(settings: Settings) -> None:
    url = db.use_database(settings)
    asyncio.run(db.check_server(url))


def cmd_migrate(settings: Settings, _args: argparse.Namespace) -> int:
    _connect(settings)
    asyncio.run(db.migrate())
    print("migrations applied")
    return 0


def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Password (again): ") != first:
        raise SystemExit("error: the passwords differ")
    return first


def cmd_createuser(settings: Settings, args: argparse.Namespace) -> int:
    from app.accounts import services

    password = _read_password(args)
    _connect(settings)
    try:
        user_id = asyncio.run(
            services.create_user(
                args.name,
                password,
                display_name=args.display_name,
                admin=args.admin,
                site_name=settings.web.site_name,
                allow_reserved=True,  # the operator may name an account "admin"
            )
        )
    except services.AccountError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"created user {args.name!r} (id {user_id}{', admin' if args.admin else ''})")
    return 0


def cmd_apikey(settings: Settings, args: argparse.Namespace) -> int:
    from app.accounts import services

    _connect(settings)

    async def run() -> tuple[int, str] | None:
        user_id = await services.find_user_id(args.name)
        if user_id is None:
            return None
        return user_id, await services.create_api_key(user_id)

    found = asyncio.run(run())
    if found is None:
        print(f"error: no user named {args.name!r}", file=sys.stderr)
        return 1
    user_id, key = found
    print(f"{user_id} {key}")
    return 0


def cmd_reprocess(settings: Settings, args: argparse.Namespace) -> int:
    """Run the current kernel again over every stored save (or the ids given)."""
    from app.saves.pool import pool_from_settings
    from app.saves.reprocess import Outcome, reprocess_all
    from app.storage import storage_from_settings

    url = db.use_database(settings)

    def report(done: int, total: int, outcome: Outcome) -> None:
        status = "ok" if outcome.ok else "FAILED"
        print(
            f"[{done}/{total}] {outcome.save_id} {status} ({outcome.seconds:.2f}s): "
            f"{outcome.message}",
            flush=True,
        )

    async def run() -> tuple[int, int]:
        await db.check_server(url)
        engine = db.engine()
        await engine.start_connection_pool(min_size=1, max_size=4)
        storage = storage_from_settings(settings)
        pool = pool_from_settings(settings, args.workers)
        try:
            await storage.start()
            pool.start()
            return await reprocess_all(
                storage=storage,
                pool=pool,
                tmp_dir=settings.var_path / "tmp",
                concurrency=pool.workers,
                report=report,
                only=args.save_ids,
            )
        finally:
            pool.stop()
            await storage.close()
            await engine.close_connection_pool()

    succeeded, failed = asyncio.run(run())
    print(f"reprocessed {succeeded} saves, {failed} failed (their rows are unchanged)")
    return 1 if failed else 0


def cmd_gamedata(settings: Settings, args: argparse.Namespace) -> int:
    """The kernel's own command (``python -m kernel gamedata …``) on the app's directory:
    one import, one output format, its exit status. After an import, stored saves are
    reprocessed (``--no-reprocess``: not now): names are joined when pages are shown, but
    the achievements and the leaderboard's map check that need game data are decided when
    a save is analysed."""
    target = str(settings.gamedata_path)
    if args.action == "list":
        return subprocess.call([sys.executable, "-m", "kernel", "gamedata", "list", target])
    command = ["build", args.game_dir]
    for mod in args.mod:
        command += ["--mod", mod]
    status = subprocess.call([sys.executable, "-m", "kernel", "gamedata", *command, "-o", target])
    if status != 0 or args.no_reprocess:
        return status
    print("reprocessing the stored saves with the new game data:", flush=True)
    return cmd_reprocess(settings, argparse.Namespace(workers=0, save_ids=[]))


def cmd_serve(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn

    # From here on SIGTERM and SIGINT end the process through SystemExit, so that exit hooks
    # run (the embedded PostgreSQL stops in one); uvicorn takes them over while it serves.
    signal.signal(signal.SIGTERM, _exit_on_signal)
    signal.signal(signal.SIGINT, _exit_on_signal)
    port = args.port if args.port is not None else settings.web.port
    host = args.host or settings.web.host
    env = dict(os.environ)
    if not settings.database.url:
        # Start the embedded server here, once, and hand its URL to the workers.
        url = db.use_database(settings)
        os.environ["DATABASE_URL"] = url
        env["DATABASE_URL"] = url
    if args.migrate:
        _connect(settings_from_environment())
        asyncio.run(db.migrate())
    # uvicorn re-raises the signal after its graceful shutdown (app/shutdown.py).
    _serving.set()
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    print(f"Chronicle: http://{shown}:{port}/", flush=True)
    uvicorn.run(
        "app.asgi:create_app",
        factory=True,
        host=host,
        port=port,
        workers=settings.web.workers,
        log_level=settings.web.log_level,
        proxy_headers=True,
        forwarded_allow_ips=os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
        timeout_graceful_shutdown=settings.web.shutdown_timeout or None,
    )
    return 0


# Set once uvicorn runs: a signal that reaches _exit_on_signal then is the one uvicorn
# re-raises after its graceful shutdown, a clean stop (exit 0); before, it interrupts the
# start (exit 128 + the signal number).
_serving = threading.Event()


def _exit_on_signal(signum: int, _frame: object) -> None:
    raise SystemExit(0 if _serving.is_set() else 128 + signum)


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="python -m app", description=__doc__)
    sub = top.add_subparsers(dest="command", required=True)

    sub.add_parser("migrate", help="apply every database migration")

    serve = sub.add_parser("serve", help="run the web app with uvicorn")
    serve.add_argument("--port", type=int, default=None, help="port (default PORT or 8000)")
    serve.add_argument("--host", default=None, help="address (default APP_HOST or 127.0.0.1)")
    serve.add_argument("--migrate", action="store_true", help="apply migrations first")

    create = sub.add_parser("createuser", help="create a user")
    create.add_argument("name")
    create.add_argument("--admin", action="store_true", help="may use /admin/ and edit any save")
    create.add_argument("--display-name", default=None)
    create.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )

    key = sub.add_parser(
        "apikey", help="create (replace) a user's API key; prints '<user_id> <api_key>'"
    )
    key.add_argument("name")

    again = sub.add_parser(
        "reprocess",
        help="run the current kernel again over every stored save (failures keep their row)",
    )
    again.add_argument(
        "save_ids",
        nargs="*",
        metavar="SAVE_ID",
        help="only these saves (after '--' when an id starts with '-', as older ids may)",
    )
    again.add_argument(
        "--workers", type=int, default=0, help="parser processes (default KERNEL_WORKERS)"
    )

    data = sub.add_parser(
        "gamedata", help="import game data (names, geography, the map) into GAMEDATA_DIR"
    )
    actions = data.add_subparsers(dest="action", required=True)
    imported = actions.add_parser("import", help="import a game install (and mods) as a bundle")
    imported.add_argument("game_dir", metavar="GAME_DIR", help="the game's install folder")
    imported.add_argument(
        "--mod", action="append", default=[], metavar="MOD_DIR", help="a mod, in load order"
    )
    imported.add_argument(
        "--no-reprocess",
        action="store_true",
        help="do not reprocess the stored saves now (achievements that need game data "
        "stay undecided on them until `reprocess`)",
    )
    actions.add_parser("list", help="the bundles of GAMEDATA_DIR")
    return top


COMMANDS = {
    "migrate": cmd_migrate,
    "serve": cmd_serve,
    "createuser": cmd_createuser,
    "apikey": cmd_apikey,
    "reprocess": cmd_reprocess,
    "gamedata": cmd_gamedata,
}


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        settings = settings_from_environment()
    except SettingsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        return COMMANDS[args.command](settings, args)
    except RuntimeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
