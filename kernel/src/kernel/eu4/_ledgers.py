"""Annual ledgers: ``income_statistics``, ``nation_size_statistics``, ``score_statistics``
and ``inflation_statistics``.

Each holds ``ledger_data={ name=TAG data={ 1445=12 1446=14 … } }`` per country; countries
without data have no ``data`` block. The yearly income is divided by 12 to give the
average monthly income of the year (what the income chart shows).
"""

from __future__ import annotations

from kernel._document import Value
from kernel.eu4._read import container_of, opt_number, opt_text
from kernel.eu4.types import LedgerPoint, Ledgers, LedgerSeries


def read_ledger(section: Value | None, divisor: float = 1.0) -> list[LedgerSeries]:
    c = container_of(section)
    if c is None:
        return []
    out: list[LedgerSeries] = []
    for item in c.get_all("ledger_data"):
        block = container_of(item)
        if block is None:
            continue
        tag = opt_text(block.get("name"))
        data = container_of(block.get("data"))
        if tag is None or data is None:
            continue
        points: list[LedgerPoint] = []
        for key, value in data.pairs():
            if not key.isdigit():
                continue
            amount = opt_number(value)
            if amount is None:
                continue
            points.append(LedgerPoint(year=int(key), value=amount / divisor))
        if points:
            points.sort(key=_year)
            out.append(LedgerSeries(tag=tag, points=points))
    return out


def _year(point: LedgerPoint) -> int:
    return point.year


def read_ledgers(
    income: Value | None, size: Value | None, score: Value | None, inflation: Value | None
) -> Ledgers:
    return Ledgers(
        income=read_ledger(income, 12.0),
        nation_size=read_ledger(size),
        score=read_ledger(score),
        inflation=read_ledger(inflation),
    )
