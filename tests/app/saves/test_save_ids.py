"""Save ids: random, URL-safe, and safe to pass on a command line."""

import re

from app.__main__ import parser
from app.saves.services import new_save_id


def test_new_ids_are_url_safe_and_never_start_with_a_dash():
    # Without the rule, about one id in 64 would start with "-": 4,000 draws miss it with a
    # probability of about 1e-27.
    ids = [new_save_id() for _ in range(4000)]
    assert len(set(ids)) == len(ids)
    for save_id in ids:
        assert re.fullmatch(r"[A-Za-z0-9_-]{12}", save_id), save_id
        assert not save_id.startswith("-"), save_id
    # Every other character of the alphabet still starts some id (the rule draws again,
    # it does not map "-" onto one letter).
    assert len({save_id[0] for save_id in ids}) == 63


def test_reprocess_takes_ids_that_start_with_a_dash_after_a_double_dash():
    args = parser().parse_args(["reprocess", "--workers", "1", "--", "-abc", "def"])
    assert args.save_ids == ["-abc", "def"]
    assert args.workers == 1
