"""Subject relations from the top-level ``diplomacy`` section."""

from __future__ import annotations

from typing import Final

from kernel._document import Container
from kernel.eu4._read import container_of, opt_text, text

# Entries of the ``diplomacy`` section that are not relations between two countries shown
# on a country's page: casus belli (hundreds in a late game, and no standing relation).
RELATION_SKIP: Final = frozenset(("casus_belli",))


class Dependency:
    """``dependency={ first=overlord second=subject subject_type=… }``."""

    def __init__(self, first: str, second: str, subject_type: str) -> None:
        self.first = first
        self.second = second
        self.subject_type = subject_type


def read_dependencies(section: Container | None) -> list[Dependency]:
    out: list[Dependency] = []
    if section is None:
        return out
    for value in section.get_all("dependency"):
        c = container_of(value)
        if c is None:
            continue
        first = opt_text(c.get("first"))
        second = opt_text(c.get("second"))
        if first is None or second is None:
            continue
        out.append(Dependency(first, second, text(c.get("subject_type"))))
    return out


def overlords(dependencies: list[Dependency]) -> dict[str, str]:
    """Subject tag -> overlord tag."""
    out: dict[str, str] = {}
    for dep in dependencies:
        out[dep.second] = dep.first
    return out
