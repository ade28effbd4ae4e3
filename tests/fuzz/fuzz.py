"""Coverage-guided fuzzing of the kernel with atheris (libFuzzer for Python), and replay.

    python tests/fuzz/fuzz.py run TARGET [libFuzzer options] [CORPUS_DIR ...]
    python tests/fuzz/fuzz.py seeds TARGET DIR       write the target's seeds into DIR
    python tests/fuzz/fuzz.py dict TARGET FILE       write a libFuzzer dictionary
    python tests/fuzz/fuzz.py replay TARGET PATH...  run files (or directories of them)
                                                     through the target, no atheris

Targets and properties: tests/fuzz/targets.py. ``run`` instruments the kernel's Python
modules, so it needs the PURE kernel (``PYTHONPATH=kernel/src``): compiled modules have no
bytecode to instrument. ``replay`` works with either build; scripts/fuzz replays what the
pure run found against the compiled build too (a compiled-only crash kills the process:
the last "replay:" line names the input).
"""

from __future__ import annotations

import hashlib
import sys
import time
from pathlib import Path

# targets.py beside this file, and the helpers it imports from tests/support/.
sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parents[1])]

# targets.TARGETS, spelled out: importing targets here would import the kernel before
# atheris can instrument it.
TARGET_NAMES = ("text", "binary", "container", "info", "analyze")


def _load_targets(instrument: bool) -> object:
    if instrument:
        import atheris

        with atheris.instrument_imports(include=["kernel"]):
            import kernel.eu4  # noqa: F401 - imports kernel too, instrumented
    import targets

    return targets


def _run(target: str, args: list[str]) -> None:
    import atheris

    targets = _load_targets(instrument=True)
    fn = targets.TARGETS[target]  # type: ignore[attr-defined]
    if not any(arg.startswith("-max_len=") for arg in args):
        args = [f"-max_len={targets.MAX_LEN[target]}", *args]  # type: ignore[attr-defined]

    def one_input(data: bytes) -> None:
        fn(data)

    atheris.Setup([sys.argv[0], *args], one_input)
    atheris.Fuzz()


def _seeds(target: str, out: Path) -> None:
    import targets

    out.mkdir(parents=True, exist_ok=True)
    seeds = targets.seeds_for(target)
    for seed in seeds:
        (out / hashlib.sha1(seed).hexdigest()).write_bytes(seed)
    print(f"{target}: {len(seeds)} seeds in {out}")


def _dict(target: str, out: Path) -> None:
    import targets

    words = list(targets.DICTIONARY)
    if target in ("binary", "info", "analyze", "container"):
        names = targets.token_names()
        # The synthetic ids the token table names (little endian), a few of them.
        words.extend(
            (targets.SYNTHETIC_BASE + i).to_bytes(2, "little") for i in range(0, len(names), 7)
        )
    if target in ("text", "analyze", "info", "container"):
        words.extend(n.encode() for n in targets.token_names()[:200])
    lines = []
    for word in dict.fromkeys(words):
        escaped = "".join(
            chr(b) if 0x20 <= b < 0x7F and b not in (0x22, 0x5C) else f"\\x{b:02x}" for b in word
        )
        lines.append(f'"{escaped}"')
    out.write_text("\n".join(lines) + "\n", "ascii")


def _replay(target: str, paths: list[Path]) -> int:
    import targets

    fn = targets.TARGETS[target]
    files: list[Path] = []
    for path in paths:
        files.extend(sorted(p for p in path.iterdir() if p.is_file()) if path.is_dir() else [path])
    failed = 0
    slowest = (0.0, "")
    for path in files:
        data = path.read_bytes()
        print(f"replay: {path}", file=sys.stderr, flush=True)
        start = time.perf_counter()
        try:
            fn(data)
        except Exception as exc:
            failed += 1
            print(f"FAIL {path}: {type(exc).__name__}: {exc}", flush=True)
        took = time.perf_counter() - start
        if took > slowest[0]:
            slowest = (took, str(path))
    print(
        f"{target}: {len(files)} inputs replayed, {failed} failed; slowest {slowest[0]:.3f}s "
        f"({slowest[1]})",
        flush=True,
    )
    return 1 if failed else 0


def main(argv: list[str]) -> int:
    if len(argv) < 2 or argv[0] not in ("run", "seeds", "dict", "replay"):
        print(__doc__, file=sys.stderr)
        return 2
    command, target, rest = argv[0], argv[1], argv[2:]
    if target not in TARGET_NAMES:
        print(f"unknown target {target!r}; one of {', '.join(TARGET_NAMES)}", file=sys.stderr)
        return 2
    if command == "run":
        _run(target, rest)
        return 0
    if command == "seeds":
        _seeds(target, Path(rest[0]))
        return 0
    if command == "dict":
        _dict(target, Path(rest[0]))
        return 0
    return _replay(target, [Path(p) for p in rest])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
