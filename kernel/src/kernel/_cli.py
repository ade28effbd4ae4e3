"""The kernel's command line. Exit 0 on success, 1 for rejected input, 2 for usage errors.

    python -m kernel info FILE [--tokens PATH]
    python -m kernel melt FILE [--tokens PATH] [-o OUT] [--verbatim]
    python -m kernel json FILE [--entry NAME] [--tokens PATH] [--duplicate-keys …] [--encoding …]
    python -m kernel analyze FILE [--tokens PATH] [--country TAG]… [--gamedata DIR]
                     (EU4; a Stellaris save gives kernel.stellaris's analysis)
    python -m kernel map FILE [--gamedata DIR] [--mode MODE] [--date Y.M.D] [--scale S]
                     [--focus TAG] [--no-borders] [--language L] [--tokens PATH] -o OUT.png
    python -m kernel gamedata build GAME_DIR [--mod MOD_DIR]… -o GAMEDATA_DIR
    python -m kernel gamedata list GAMEDATA_DIR

Token tables: ``--tokens PATH``, else ``$CHRONICLE_TOKENS_DIR/<game>.txt``. Game data
(``analyze``, ``map``): ``--gamedata DIR``, else ``$CHRONICLE_GAMEDATA_DIR``. ``map``
exits 2 when the game data or the options cannot draw the save (no bundle for it, a bundle
without a map, an unknown mode or country, a date outside the save).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import Final

import msgspec

from kernel import json_bytes
from kernel._archive import Archive
from kernel._binary import decode_binary
from kernel._encoding import AUTO, ENCODINGS
from kernel._errors import KernelError, OtherGame
from kernel._json import DUPLICATE_KEY_MODES
from kernel._melt import MELT_RULES, melt_documents
from kernel._save import Save, open_save
from kernel._scalars import Date
from kernel._tape import MAX_SOURCE
from kernel._tokens import (
    TOKENS_DIR_ENV,
    TokenTable,
    expected_token_file,
    load_tokens,
    resolve_token_file,
)

GAMEDATA_DIR_ENV: Final = "CHRONICLE_GAMEDATA_DIR"  # analyze's default --gamedata

_TOKENS_HELP = (
    "token table for binary saves: one '0xID name' per line (default: "
    f"${TOKENS_DIR_ENV}/<game>.txt, e.g. eu4.txt)"
)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m kernel",
        description="Parse Paradox (Clausewitz) game files and saves.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    json_cmd = commands.add_parser(
        "json",
        help="print a file (or one entry of a save) as JSON",
        description="Print a Clausewitz text file as JSON. The output matches the npm "
        "package jomini's parseText(...).json() except where the README lists a fix. "
        "Saves are opened through their container (zip, SAV envelope); binary entries "
        "are melted to text first, with the token table.",
    )
    json_cmd.add_argument("file", metavar="FILE", help="the file to read ('-' for stdin)")
    json_cmd.add_argument(
        "--duplicate-keys",
        choices=DUPLICATE_KEY_MODES,
        default="group",
        help="group: repeated keys become one array (default); preserve: keep every pair; "
        "key-value-pairs: objects as lists of [key, value]",
    )
    json_cmd.add_argument(
        "--encoding",
        choices=ENCODINGS,
        default="auto",
        help="how to decode text; auto (default) decides from the BOM, header and bytes",
    )
    json_cmd.add_argument(
        "--entry",
        metavar="NAME",
        help="the entry of a save to print (gamestate, meta, ai, …; default: the main one)",
    )
    json_cmd.add_argument("--tokens", metavar="PATH", help=_TOKENS_HELP)

    info_cmd = commands.add_parser(
        "info",
        help="print what a save says about itself as one JSON object",
        description="Identify a save (game, container, encoding, entries) and print its "
        "version, date, player, players, ironman, multiplayer, mods and DLCs as one JSON "
        "object. A binary save without a token table still reports game, container and "
        'encoding, with "tokens_needed": true.',
    )
    info_cmd.add_argument("file", metavar="FILE", help="the save to read ('-' for stdin)")
    info_cmd.add_argument("--tokens", metavar="PATH", help=_TOKENS_HELP)

    melt_cmd = commands.add_parser(
        "melt",
        help="write a binary save as the text save the game would write",
        description="Melt a binary (ironman) save into the equivalent text save; a zipped "
        "save becomes one text save. Text saves are written unchanged.",
    )
    melt_cmd.add_argument("file", metavar="FILE", help="the save to read ('-' for stdin)")
    melt_cmd.add_argument("--tokens", metavar="PATH", help=_TOKENS_HELP)
    melt_cmd.add_argument(
        "-o", "--output", metavar="OUT", help="write the text save here (default: stdout)"
    )
    melt_cmd.add_argument(
        "--verbatim",
        action="store_true",
        help="keep the ironman flag (by default it is dropped, as the game expects)",
    )
    analyze_cmd = commands.add_parser(
        "analyze",
        help="print the analysis of an EU4 or Stellaris save as JSON",
        description="Analyze an EU4 save (text, zipped, or binary with a token table) and "
        "print the analysis payload as JSON: save info, countries, ledgers, budgets, wars, "
        "the player's details, provinces, achievements and leaderboard eligibility "
        "(schema: docs/eu4-analysis.schema.json). A Stellaris save (.sav) gives the "
        "Stellaris analysis: empires, the player's details, wars, federations and the "
        "galaxy (docs/games.md); --country, --gamedata and --tokens do not apply to it.",
    )
    analyze_cmd.add_argument("file", metavar="FILE", help="the save to read ('-' for stdin)")
    analyze_cmd.add_argument("--tokens", metavar="PATH", help=_TOKENS_HELP)
    analyze_cmd.add_argument(
        "--country",
        metavar="TAG",
        action="append",
        default=[],
        help="also give the detailed view (rulers, estates, …) of this country; repeatable",
    )
    analyze_cmd.add_argument(
        "--gamedata",
        metavar="DIR",
        default=os.environ.get(GAMEDATA_DIR_ENV) or None,
        help='game-data directory: the names of the keys (output\'s "names"), and the bundle '
        "for the save's version decides the "
        "achievements that need geography and the leaderboard's map check (default: "
        f"${GAMEDATA_DIR_ENV})",
    )
    analyze_cmd.add_argument(
        "--language",
        default="english",
        help="with --gamedata: the language of the names (default english; the bundle's "
        "first when it lacks it)",
    )
    map_cmd = commands.add_parser(
        "map",
        help="draw the EU4 map of a save as a PNG",
        description="Analyze an EU4 save with the game-data bundle of its version and draw "
        "its map on the bundle's province image (full size by default: 5632x2048 for EU4): "
        "every pixel inside a province in that province's colour for the mode, occupations "
        "as stripes, country and province borders (docs/map.md).",
    )
    map_cmd.add_argument("file", metavar="FILE", help="the save to read ('-' for stdin)")
    map_cmd.add_argument(
        "--gamedata",
        metavar="DIR",
        default=os.environ.get(GAMEDATA_DIR_ENV) or None,
        help=f"game-data directory with a bundle for the save (default: ${GAMEDATA_DIR_ENV})",
    )
    map_cmd.add_argument(
        "--mode", default="political", help="map mode (default political; a wrong one lists them)"
    )
    map_cmd.add_argument(
        "--date",
        metavar="Y.M.D",
        help="the map at this date, replayed from the save's history (political, religion, "
        "battles; default: the save's date)",
    )
    map_cmd.add_argument(
        "--scale",
        type=float,
        default=1.0,
        help="size relative to the bundle's map, at most 1 (default 1: full size)",
    )
    map_cmd.add_argument(
        "--focus",
        metavar="TAG",
        help="keep the colours of this country, its subjects and allies; grey the rest",
    )
    map_cmd.add_argument(
        "--no-borders",
        action="store_true",
        help="no province borders (country borders and coasts stay)",
    )
    map_cmd.add_argument(
        "--language",
        default="english",
        help="the language of country names (default english; the bundle's first when it lacks it)",
    )
    map_cmd.add_argument("--tokens", metavar="PATH", help=_TOKENS_HELP)
    map_cmd.add_argument("-o", "--output", metavar="OUT", required=True, help="the PNG to write")
    gamedata_cmd = commands.add_parser(
        "gamedata",
        help="import a game install into game-data bundles, list them",
        description="Game-data bundles: the names, geography and province map of a game "
        "install (and its mods), which the analysis and the map show.",
    )
    gamedata_commands = gamedata_cmd.add_subparsers(
        dest="gamedata_command", required=True, metavar="COMMAND"
    )
    build_cmd = gamedata_commands.add_parser(
        "build",
        help="import an EU4 install (with mods) into a bundle",
        description="Read an EU4 install (the folder holding launcher-settings.json), "
        "with each --mod folder overlaid in order, and write the bundle into GAMEDATA_DIR "
        "(replacing a bundle of the same id only once the new one is complete). Needs the "
        "kernel's gamedata extra (numpy, Pillow). Warnings about malformed lines go to "
        "standard error; the import goes on.",
    )
    build_cmd.add_argument("game_dir", metavar="GAME_DIR", help="the game's install folder")
    build_cmd.add_argument(
        "--mod",
        metavar="MOD_DIR",
        action="append",
        default=[],
        help="a mod folder (with its descriptor.mod) overlaid on the game; repeatable, "
        "in load order",
    )
    build_cmd.add_argument(
        "-o", "--output", metavar="GAMEDATA_DIR", required=True, help="the game-data folder"
    )
    list_cmd = gamedata_commands.add_parser(
        "list",
        help="list the bundles of a game-data folder",
        description="Print the readable bundles of GAMEDATA_DIR, one per line: id, label, "
        "languages and counts.",
    )
    list_cmd.add_argument("root", metavar="GAMEDATA_DIR", help="the game-data folder")
    return parser


def _size(n: int) -> str:
    return f"{n / 1_000_000:.2f} MB" if n >= 1_000_000 else f"{n / 1000:.1f} kB"


def _gamedata(args: argparse.Namespace) -> int:
    """``gamedata build`` and ``gamedata list``: text for people on stdout, warnings and
    errors on stderr."""
    from kernel.gamedata import list_bundles

    if args.gamedata_command == "list":
        if not os.path.isdir(args.root):
            print(f"error: {args.root}: no such folder", file=sys.stderr)
            return 1
        bundles = list_bundles(args.root)
        if not bundles:
            print(f"no game-data bundles in {args.root}", file=sys.stderr)
        for bundle in bundles:
            counts = bundle.counts
            print(
                f"{bundle.id}\t{bundle.label}\t{', '.join(bundle.languages)}\t"
                f"{counts.countries} countries, {counts.provinces} provinces, "
                f"{counts.names} names"
            )
        return 0
    try:
        from kernel.gamedata.build import build
    except ImportError as exc:
        print(
            f"error: the game-data import needs the kernel's gamedata extra "
            f"(pip install 'chronicle-kernel[gamedata]'): {exc}",
            file=sys.stderr,
        )
        return 1

    def warn(message: str) -> None:
        print(f"warning: {message}", file=sys.stderr)

    try:
        manifest = build(args.game_dir, args.mod, out_root=args.output, warn=warn)
    except KernelError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    mods = ", ".join(f"{mod.name} {mod.version}".strip() for mod in manifest.mods) or "none"
    counts = manifest.counts
    print(f"wrote {os.path.join(args.output, manifest.id)}")
    print(f"game: {manifest.game} {manifest.version}")
    print(f"mods: {mods}")
    print(f"countries: {counts.countries}, provinces: {counts.provinces}, names: {counts.names}")
    print(f"languages: {', '.join(manifest.languages)}")
    for name, size in manifest.files.items():
        print(f"  {name}: {_size(size)}")
    return 0


def _analyze(data: bytes, args: argparse.Namespace) -> bytes:
    try:
        return _analyze_eu4(data, args)
    except OtherGame as exc:
        if exc.game != "stellaris":
            raise
    from kernel.stellaris import analysis_json  # a Stellaris save: its own analysis

    return analysis_json(data)


def _analyze_eu4(data: bytes, args: argparse.Namespace) -> bytes:
    from kernel.eu4 import analyze  # the EU4 package loads only for this command

    tokens: TokenTable | None = None
    if args.tokens:
        tokens = load_tokens(args.tokens)
    else:
        path = resolve_token_file("eu4", None)
        tokens = load_tokens(path) if path is not None else None
    result = analyze(data, tokens=tokens, details_for=tuple(args.country), gamedata=args.gamedata)
    used = result.gamedata
    if used is None:
        return msgspec.json.encode(result)
    # With game data: the analysis and, beside its keys, their names in --language
    # ("names": {category: {key: name}}, as the app's API gives them).
    from kernel.gamedata import read_manifest, read_names, used_names

    languages = read_manifest(args.gamedata, used.id).languages
    language = args.language if args.language in languages else (languages or ["english"])[0]
    plain = msgspec.to_builtins(result)
    plain["names"] = used_names(plain, read_names(args.gamedata, used.id, language))
    return msgspec.json.encode(plain)


class _CannotDraw(Exception):
    """``map`` cannot draw this save with this game data or these options (exit 2)."""


def _map(data: bytes, args: argparse.Namespace) -> bytes:
    """The PNG of ``map``: analysed with the game data, drawn on its bundle's map."""
    if not args.gamedata:
        raise _CannotDraw(
            f"the map needs game data: pass --gamedata DIR or set ${GAMEDATA_DIR_ENV}"
        )
    try:
        from kernel.eu4.map import layers
        from kernel.eu4.map.render import focus, png, read_image
    except ImportError as exc:
        raise KernelError(
            f"drawing the map needs the kernel's gamedata extra "
            f"(pip install 'chronicle-kernel[gamedata]'): {exc}"
        ) from None
    from kernel.eu4 import analyze
    from kernel.gamedata import read_manifest, read_names, read_world

    day: int | None = None
    if args.date is not None:
        date = Date.parse(args.date)
        if date is None:
            raise _CannotDraw(f"--date {args.date!r} is not a date like 1600.1.1")
        day = date.days()
    tokens = _tokens_for("eu4", args.tokens)
    result = analyze(data, tokens=tokens, gamedata=args.gamedata)  # KernelError: exit 1
    used = result.gamedata
    if used is None:
        v = result.info.version
        version = f"{v.first}.{v.second}.{v.third}"
        raise _CannotDraw(
            f"no game-data bundle in {args.gamedata} fits this save (EU4 {version}): import "
            f"the game with 'python -m kernel gamedata build GAME_DIR -o {args.gamedata}'"
        )
    try:
        manifest = read_manifest(args.gamedata, used.id)
        if not manifest.has_map:
            raise _CannotDraw(f"game-data bundle {used.id} has no map: import the game again")
        languages = manifest.languages
        language = args.language if args.language in languages else (languages or ["english"])[0]
        image = read_image(args.gamedata, used.id)
        assert image.info is not None
        drawn = layers(
            result,
            world=read_world(args.gamedata, used.id),
            names=read_names(args.gamedata, used.id, language),
            info=image.info,
            bundle=used.id,
        )
        tags = focus(drawn, args.focus) if args.focus else ()
        return png(
            drawn,
            image,
            mode=args.mode,
            day=day,
            scale=args.scale,
            borders=not args.no_borders,
            highlight=tags,
        )
    except KernelError as exc:
        raise _CannotDraw(str(exc)) from None


# The most a command reads: the tape addresses 1 GiB of source (kernel._tape.MAX_SOURCE),
# and an endless input (/dev/zero, a pipe) must end in an error, not in memory exhaustion.
MAX_INPUT: Final = MAX_SOURCE


def _read(path: str, limit: int = MAX_INPUT) -> bytes:
    """The whole input, at most ``limit`` bytes (KernelError beyond)."""
    if path == "-":
        data = sys.stdin.buffer.read(limit + 1)
    else:
        with open(path, "rb") as f:
            data = f.read(limit + 1)
    if len(data) > limit:
        raise KernelError(f"input larger than {limit} bytes", limit)
    return data


def _is_plain_text(data: bytes) -> bool:
    """A file that is not a save container (zip, SAV, binary): the text parser takes it
    as it is, whatever it holds (the json command's original behaviour)."""
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        return False
    if data.startswith(b"SAV0"):
        return False
    body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    if body.startswith(b"EU4bin") or body.startswith(b"HOI4bin"):
        return False
    # A token stream starts with a field id followed by '=' (0x0001), never seen in text.
    return not (len(data) >= 6 and data[2:4] == b"\x01\x00")


def _tokens_for(game: str, explicit: str | None) -> TokenTable | None:
    path = resolve_token_file(game, explicit)
    if path is None:
        return None
    return load_tokens(path)


def _open(data: bytes, explicit_tokens: str | None) -> Save:
    save = open_save(data)
    needs = any(item.encoding == "binary" for item in save.entries)
    if needs or explicit_tokens:
        save.tokens = _tokens_for(save.game, explicit_tokens)
    return save


def _missing_tokens(container: Archive) -> KernelError:
    game = container.game
    return KernelError(
        f"this {game} save is binary and no token table was found: pass --tokens PATH or "
        f"provide {expected_token_file(game)}"
    )


def _json(data: bytes, args: argparse.Namespace) -> bytes:
    entry_name: str | None = args.entry
    if _is_plain_text(data) and (entry_name is None or entry_name == ""):
        return json_bytes(data, duplicate_keys=args.duplicate_keys, encoding=args.encoding)
    save = _open(data, args.tokens)
    item = save.entry(entry_name)
    if item.encoding == "text":
        return json_bytes(item.data, duplicate_keys=args.duplicate_keys, encoding=args.encoding)
    if save.tokens is None:
        raise _missing_tokens(save.archive)
    # Binary: melted to text (ironman flag kept), then the text parser's JSON.
    doc = decode_binary(item.data, save.game, save.tokens)
    body, _sizes, _unknown = melt_documents([doc], save.tokens, verbatim=True)
    rules = MELT_RULES.get(save.game, MELT_RULES["unknown"])
    encoding = args.encoding
    if encoding == AUTO:
        encoding = "utf8" if doc.rules.utf8 else "windows1252"
    return json_bytes(rules.header + body, duplicate_keys=args.duplicate_keys, encoding=encoding)


def _info(data: bytes, args: argparse.Namespace) -> bytes:
    save = _open(data, args.tokens)
    return msgspec.json.encode(save.info())


def _melt(data: bytes, args: argparse.Namespace) -> bytes:
    save = _open(data, args.tokens)
    if save.kind in ("text", "sav-text"):
        return data  # a text save is its own melt
    if save.tokens is None and any(item.encoding == "binary" for item in save.entries):
        raise _missing_tokens(save.archive)
    return save.melt(verbatim=args.verbatim).data


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)  # exits with 2 on usage errors
    if args.command == "gamedata":
        return _gamedata(args)
    try:
        data = _read(args.file)
    except OSError as exc:
        print(f"error: cannot read {args.file}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    except KernelError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    try:
        if args.command == "json":
            out = _json(data, args) + b"\n"
        elif args.command == "info":
            out = _info(data, args) + b"\n"
        elif args.command == "melt":
            out = _melt(data, args)
        elif args.command == "analyze":
            out = _analyze(data, args) + b"\n"
        elif args.command == "map":
            out = _map(data, args)
        else:  # pragma: no cover - argparse only lets known commands through
            return 2
    except _CannotDraw as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KernelError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    output: str | None = getattr(args, "output", None)
    if output:
        try:
            with open(output, "wb") as f:
                f.write(out)
        except OSError as exc:
            print(f"error: cannot write {output}: {exc.strerror or exc}", file=sys.stderr)
            return 1
        return 0
    sys.stdout.buffer.write(out)
    return 0
