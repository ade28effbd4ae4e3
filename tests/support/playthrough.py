"""Two saves of one playthrough made from ONE corpus save: the modded 1.36 save (a zip of
``meta``, ``gamestate`` and ``ai``, text) re-zipped with explicit byte substitutions of
its date and of provinces' owners. The playthrough id (the rebels' decision seed and the
starting monarchs) is untouched by them, so the copies share it."""

from __future__ import annotations

import io
import re
import zipfile

from support.corpus import save_file

MODDED = "eu4/osallek_modded_JBB_2087.7.1_v1.36.2_ziptxt.eu4"  # meta: date=2087.7.1


def set_owner(gamestate: bytes, province: int, old: str, new: str) -> bytes:
    """``owner="old"`` -> ``owner="new"`` in the block ``-<province>={`` of the provinces
    (its first two-tab ``owner=`` line; the next block must not come first)."""
    start = gamestate.index(b"\nprovinces={\n")
    block = gamestate.index(b"\n-%d={\n" % province, start)
    line = b'\n\t\towner="%s"\n' % old.encode()
    at = gamestate.index(line, block)
    following = re.compile(rb"\n-\d+=\{\n").search(gamestate, block + 1)
    assert following is not None and at < following.start()
    return gamestate[:at] + b'\n\t\towner="%s"\n' % new.encode() + gamestate[at + len(line) :]


def edited_modded(date: str | None, owners: list[tuple[int, str, str]]) -> bytes:
    """The modded save re-zipped with ``meta``'s date and provinces' owners replaced."""
    source = zipfile.ZipFile(save_file(MODDED))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            data = source.read(name)
            if name == "meta" and date is not None:
                data, n = re.subn(rb"\ndate=2087\.7\.1\n", b"\ndate=%s\n" % date.encode(), data)
                assert n == 1
            if name == "gamestate":
                for province, old, new in owners:
                    data = set_owner(data, province, old, new)
            target.writestr(name, data)
    return out.getvalue()


def before_and_after() -> tuple[bytes, bytes]:
    """The two saves tests/app/saves/test_compare.py describes: before (dated 2086.11.15,
    province 1 given from TFA to H01) and after (the date as it is, province 7 from Z18 to
    the player JBB and province 12 from DPD to H13)."""
    return (
        edited_modded("2086.11.15", [(1, "TFA", "H01")]),
        edited_modded(None, [(7, "Z18", "JBB"), (12, "DPD", "H13")]),
    )
