"""The kernel's command line. Exit 0 on success, 1 for rejected input, 2 for usage errors."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from kernel import json_bytes
from kernel._encoding import ENCODINGS
from kernel._errors import KernelError
from kernel._json import DUPLICATE_KEY_MODES


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m kernel",
        description="Parse Paradox (Clausewitz) game files and saves.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    json_cmd = commands.add_parser(
        "json",
        help="print a text file as JSON (what the jomini parser prints for the same bytes)",
        description="Print a Clausewitz text file as JSON. The output matches the npm "
        "package jomini's parseText(...).json() except where the README lists a fix.",
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
    return parser


def _read(path: str) -> bytes:
    if path == "-":
        return sys.stdin.buffer.read()
    with open(path, "rb") as f:
        return f.read()


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)  # exits with 2 on usage errors
    try:
        data = _read(args.file)
    except OSError as exc:
        print(f"error: cannot read {args.file}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    try:
        if args.command == "json":
            out = json_bytes(data, duplicate_keys=args.duplicate_keys, encoding=args.encoding)
        else:  # pragma: no cover - argparse only lets known commands through
            return 2
    except KernelError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    sys.stdout.buffer.write(out + b"\n")
    return 0
