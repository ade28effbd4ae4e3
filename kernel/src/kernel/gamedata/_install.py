"""An EU4 install as one virtual file tree, with mods overlaid in order.

Only the folders the import reads are walked (``common``, ``localisation``, ``map``,
``gfx/flags`` and ``launcher-settings.json``), not the whole install. A mod's file
replaces the file of the same relative path; each ``replace_path = "…"`` of its
``descriptor.mod`` first empties that folder (and below) of what came before.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import Final

from kernel._document import Container
from kernel._errors import KernelError
from kernel.gamedata._bundle import ModRef

Warn = Callable[[str], None]

# What the import reads; nothing else of an install (gfx, sound, history, ...) is walked.
_WALKED: Final = ("common", "localisation", "map", "gfx/flags")
_TOP_FILES: Final = ("launcher-settings.json",)
DESCRIPTOR: Final = "descriptor.mod"


class Mod:
    """A mod folder: its descriptor's name, version and replaced paths."""

    def __init__(self, folder: str, name: str, version: str, replace: list[str]) -> None:
        self.folder = folder
        self.name = name
        self.version = version
        self.replace = replace

    @property
    def ref(self) -> ModRef:
        return ModRef(name=self.name, version=self.version)


def _norm(rel: str) -> str:
    """A relative path as the tree keys it: '/'-separated, no leading or trailing '/'."""
    return rel.replace("\\", "/").strip("/")


def read_mod(folder: str, warn: Warn) -> Mod:
    """The mod at ``folder`` (its ``descriptor.mod`` parsed with the kernel's parser)."""
    from kernel.gamedata._script import parse_file

    if not os.path.isdir(folder):
        raise KernelError(f"mod folder {folder} does not exist or is not a folder")
    path = os.path.join(folder, DESCRIPTOR)
    name = os.path.basename(os.path.normpath(folder))
    version = ""
    replace: list[str] = []
    if not os.path.isfile(path):
        warn(f"{path}: no {DESCRIPTOR}; the mod is named after its folder ({name!r})")
        return Mod(folder, name, version, replace)
    root: Container | None = parse_file(path, _read(path), warn)
    if root is not None:
        value = root.get("name")
        if value is not None and not value.is_container() and value.as_str().strip():
            name = value.as_str().strip()
        value = root.get("version")
        if value is not None and not value.is_container():
            version = value.as_str().strip()
        for value in root.get_all("replace_path"):
            if not value.is_container() and _norm(value.as_str()):
                replace.append(_norm(value.as_str()))
    return Mod(folder, name, version, replace)


def _read(path: str) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as exc:
        raise KernelError(f"cannot read {path}: {exc.strerror or exc}") from None


class Install:
    """The game folder with ``mods`` overlaid: relative path -> the real file that wins."""

    def __init__(self, game_dir: str, mods: Sequence[Mod] = ()) -> None:
        self.game_dir = game_dir
        self.mods = list(mods)
        self._files: dict[str, str] = {}
        self._walk(game_dir)
        for mod in self.mods:
            for folder in mod.replace:
                prefix = folder + "/"
                for rel in [r for r in self._files if r.startswith(prefix)]:
                    del self._files[rel]
            self._walk(mod.folder)

    def _walk(self, root: str) -> None:
        for name in _TOP_FILES:
            path = os.path.join(root, name)
            if os.path.isfile(path):
                self._files[name] = path
        for top in _WALKED:
            base = os.path.join(root, *top.split("/"))
            if not os.path.isdir(base):
                continue
            for folder, dirs, files in os.walk(base):
                dirs.sort()
                rel_folder = _norm(os.path.relpath(folder, root))
                for name in sorted(files):
                    self._files[f"{rel_folder}/{name}"] = os.path.join(folder, name)

    def exists(self, rel: str) -> bool:
        return _norm(rel) in self._files

    def path(self, rel: str) -> str:
        """The real file behind ``rel`` (KernelError naming it when there is none)."""
        found = self._files.get(_norm(rel))
        if found is None:
            raise KernelError(f"{self.game_dir}: missing required file {_norm(rel)}")
        return found

    def read(self, rel: str) -> bytes:
        return _read(self.path(rel))

    def files(self, folder: str, suffix: str = "", recursive: bool = False) -> list[str]:
        """The relative paths in ``folder`` ending with ``suffix``, sorted by path."""
        prefix = _norm(folder) + "/"
        found = []
        for rel in self._files:
            if not rel.startswith(prefix) or not rel.endswith(suffix):
                continue
            if not recursive and "/" in rel[len(prefix) :]:
                continue
            found.append(rel)
        found.sort()
        return found
