"""Readable names from Stellaris name structures.

Stellaris stores a name as a localisation structure: ``{key="…" variables={ {key="1"
value={…}} … }}``, nested (a war's name holds two empires' adjectives, each holding a
species name). The game fills a template from its localisation files; the kernel has none,
so ``compose`` fills the templates it knows (``%ADJECTIVE%``, ``war_vs_adjectives``, …),
joins the parts of other templates in order, and makes bare keys readable
(``SPEC_Refusoritor`` -> ``Refusoritor``, ``Stellar_Industries`` -> ``Stellar
Industries``). Custom names (``literal=yes``, or a key that is plainly text) are kept as
written. No recursion: nested structures are walked with an explicit stack, at most
``MAX_NAME_DEPTH`` deep.
"""

from __future__ import annotations

from typing import Final

from kernel._document import Container, Value
from kernel._errors import KernelError

MAX_NAME_DEPTH: Final = 16

# Prefixes of generated-name keys that carry no meaning for a reader.
_PREFIXES: Final = (
    "PRESCRIPTED_species_name_",
    "PRESCRIPTED_species_plural_",
    "PRESCRIPTED_species_adjective_",
    "PRESCRIPTED_adjective_",
    "PRESCRIPTED_",
    "EMPIRE_DESIGN_",
    "SPEC_",
    "NAME_",
)

# Prescripted empires whose names only the game's localisation holds: the vanilla ones a
# player most often plays (the save gives only the key).
_KNOWN: Final = {
    "EMPIRE_DESIGN_humans1": "United Nations of Earth",
    "EMPIRE_DESIGN_humans2": "Commonwealth of Man",
    "PRESCRIPTED_species_name_humans1": "Human",
    "PRESCRIPTED_species_plural_humans1": "Humans",
    "PRESCRIPTED_species_adjective_humans1": "Human",
}


def readable_key(key: str) -> str:
    """A bare localisation key made readable."""
    known = _KNOWN.get(key)
    if known is not None:
        return known
    if not key:
        return ""
    if not _is_key(key):
        return key  # already text (a custom name)
    out = key
    for prefix in _PREFIXES:
        if out.startswith(prefix) and len(out) > len(prefix):
            out = out[len(prefix) :]
            break
    if out.endswith("_pl") and len(out) > 3:
        out = out[:-3]
    return out.replace("_", " ").strip()


def _is_key(text: str) -> bool:
    """Whether ``text`` looks like a localisation key (one word of letters, digits, ``_``,
    ``.``, ``-``), not text a player typed."""
    return all(ch.isalnum() or ch in "_.-%$" for ch in text)


def _fill(key: str, parts: list[tuple[str, str]]) -> str:
    """A template ``key`` filled with its composed variables ``parts`` (name, text)."""
    by_name: dict[str, str] = {}
    for name, value in parts:
        by_name[name] = value
    if key in ("%ADJECTIVE%", "%ADJ%"):
        adjective = by_name.get("adjective", "")
        rest = by_name.get("1", "")
        return f"{adjective} {rest}".strip()
    if key == "war_vs_adjectives" and "1" in by_name and "2" in by_name:
        tail = by_name.get("3", "War")
        return f"{by_name['1']}-{by_name['2']} {tail}".strip()
    if key == "%SEQ%":
        fmt = by_name.get("fmt", "")
        num = by_name.get("num", "")
        return f"{fmt} {num}".strip()
    if not parts:
        return readable_key(key)
    texts: list[str] = []
    for _name, value in parts:
        if value:
            texts.append(value)
    if not key.startswith("%") and not texts:
        return readable_key(key)
    return " ".join(texts)


class _Frame:
    """One name structure being composed: its key, its variables (name, structure) still
    to compose, and the texts of those composed so far."""

    def __init__(self, key: str, literal: bool, variables: list[tuple[str, Value]]) -> None:
        self.key = key
        self.literal = literal
        self.variables = variables
        self.done: list[tuple[str, str]] = []
        self.next = 0


def _text(value: Value | None) -> str:
    if value is None or value.is_container():
        return ""
    try:
        return value.as_str()
    except KernelError:
        return ""


def _frame(value: Value) -> _Frame:
    """The frame of a name structure (a bare scalar is a key with no variables)."""
    if not value.is_container():
        return _Frame(_text(value), False, [])
    c = value.as_container()
    key = _text(c.get("key"))
    literal = _text(c.get("literal")) == "yes"
    variables: list[tuple[str, Value]] = []
    block = c.get("variables")
    if block is not None and block.is_container():
        for item in block.as_container().values():
            if not item.is_container():
                continue
            pair = item.as_container()
            inner = pair.get("value")
            if inner is not None:
                variables.append((_text(pair.get("key")), inner))
    return _Frame(key, literal, variables)


def compose(value: Value | None) -> str:
    """The readable text of a name structure (empty for None or an empty structure)."""
    if value is None:
        return ""
    stack = [_frame(value)]
    result = ""
    while stack:
        top = stack[-1]
        if top.next < len(top.variables) and len(stack) < MAX_NAME_DEPTH:
            name, inner = top.variables[top.next]
            top.next += 1
            stack.append(_frame(inner))
            top.done.append((name, ""))  # filled with the child's text when it ends
            continue
        stack.pop()
        text = top.key if top.literal or not _is_key(top.key) else _fill(top.key, top.done)
        if stack:
            parent = stack[-1]
            name, _ = parent.done[-1]
            parent.done[-1] = (name, text)
        else:
            result = text
    return result


def container_name(c: Container) -> str:
    """The composed ``name`` of an object (a country, planet, war…)."""
    return compose(c.get("name"))
