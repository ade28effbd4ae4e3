"""The provinces table and the development distribution.

Province entries are keyed by their negated id in text saves (``-1={…}``). Field names
changed over the patches: before 1.12 (Common Sense) development did not exist and base
manpower was ``manpower`` with no production; cores were repeated ``core="SWE"`` pairs
instead of a ``cores={…}`` list; buildings were ``temple=yes`` pairs on the province
instead of a ``buildings={…}`` block.
"""

from __future__ import annotations

from typing import Final

from kernel._document import Container
from kernel.eu4._read import (
    Fields,
    container_of,
    date,
    flag,
    integer,
    iso,
    number,
    opt_number,
    opt_text,
    pick,
    text,
    texts,
)
from kernel.eu4.types import DevelopmentBucket, DevelopmentDistribution, ProvinceRow

_SINGLE: Final = frozenset(
    (
        "name",
        "owner",
        "controller",
        "cores",
        "base_tax",
        "base_production",
        "base_manpower",
        "manpower",
        "religion",
        "culture",
        "trade_goods",
        "buildings",
        "hre",
        "is_city",
        "devastation",
        "colonysize",
        "claims",
        "expand_infrastructure",
        "num_centralize_state",
        "exploit_date",
    )
)

# Buildings written as `name=yes` on the province by patches before 1.12.
_OLD_BUILDINGS: Final = frozenset(
    (
        "temple",
        "courthouse",
        "spy_agency",
        "town_hall",
        "college",
        "cathedral",
        "university",
        "armory",
        "training_fields",
        "barracks",
        "regimental_camp",
        "arsenal",
        "conscription_center",
        "dock",
        "drydock",
        "shipyard",
        "grand_shipyard",
        "naval_arsenal",
        "naval_base",
        "marketplace",
        "trade_depot",
        "customs_house",
        "stock_exchange",
        "constable",
        "workshop",
        "counting_house",
        "treasury_office",
        "mint",
        "fort1",
        "fort2",
        "fort3",
        "fort4",
        "fort5",
        "fort6",
        "road_network",
        "post_system",
        "war_college",
        "embassy",
        "admiralty",
        "fine_arts_academy",
        "glorious_monument",
        "farm_estate",
        "plantations",
        "tax_assessor",
        "textile",
        "weapons",
        "wharf",
        "refinery",
        "tradecompany",
    )
)
_REPEATED: Final = frozenset(("core", "country_improve_count")) | _OLD_BUILDINGS

BUCKET_WIDTH: Final = 5


def province_id(key: str) -> int | None:
    """``-1`` (text) or ``1`` as a province id."""
    body = key[1:] if key.startswith("-") else key
    if not body.isdigit():
        return None
    return int(body)


def read_provinces(section: Container | None) -> list[ProvinceRow]:
    """Every province of the ``provinces`` section, by id."""
    if section is None:
        return []
    rows: list[ProvinceRow] = []
    for key, value in section.pairs():
        pid = province_id(key)
        c = container_of(value)
        if pid is None or c is None:
            continue
        rows.append(_province(pid, pick(c, _SINGLE, _REPEATED)))
    rows.sort(key=_row_id)
    return rows


def _row_id(row: ProvinceRow) -> int:
    return row.id


def _province(pid: int, f: Fields) -> ProvinceRow:
    base_tax = number(f.get("base_tax"))
    production = number(f.get("base_production"))
    manpower_value = f.get("base_manpower")
    if manpower_value is None:
        manpower_value = f.get("manpower")  # before 1.12
    base_manpower = number(manpower_value)
    cores = texts(f.get("cores"))
    if not cores:
        for core in f.all("core"):
            name = opt_text(core)
            if name is not None and name not in cores:
                cores.append(name)
    buildings: list[str] = []
    block = container_of(f.get("buildings"))
    if block is not None:
        for key, value in block.pairs():
            if flag(value, True):
                buildings.append(key)
    else:
        for key in f.many:
            if key in _OLD_BUILDINGS:
                values = f.many[key]
                if values and flag(values[0], True):
                    buildings.append(key)
    owner = opt_text(f.get("owner"))
    colony_size = opt_number(f.get("colonysize"))
    return ProvinceRow(
        id=pid,
        name=text(f.get("name")),
        owner=owner if owner != "---" else None,
        controller=_controller(f),
        cores=cores,
        base_tax=base_tax,
        base_production=production,
        base_manpower=base_manpower,
        development=base_tax + production + base_manpower,
        religion=opt_text(f.get("religion")),
        culture=opt_text(f.get("culture")),
        trade_goods=opt_text(f.get("trade_goods")),
        buildings=buildings,
        hre=flag(f.get("hre")),
        is_city=flag(f.get("is_city")),
        devastation=number(f.get("devastation")),
        colony=colony_size is not None and owner is not None,
        claims=texts(f.get("claims")),
        improvements=_improvements(f),
        expand_infrastructure=integer(f.get("expand_infrastructure")),
        centralize_state=integer(f.get("num_centralize_state")),
        exploit_date=iso(date(f.get("exploit_date"))),
    )


def _improvements(f: Fields) -> dict[str, int]:
    """``country_improve_count={ tag="SWE" val=3 }`` blocks (one per country that
    developed the province) as tag -> clicks."""
    out: dict[str, int] = {}
    for value in f.all("country_improve_count"):
        block = container_of(value)
        if block is None:
            continue
        tag = opt_text(block.get("tag"))
        if tag is None:
            continue
        out[tag] = out.get(tag, 0) + integer(block.get("val"))
    return out


def _controller(f: Fields) -> str | None:
    value = opt_text(f.get("controller"))  # a container (history form) reads as None
    return value if value is not None and value != "---" else None


def development_distribution(rows: list[ProvinceRow]) -> DevelopmentDistribution:
    """Histogram (width 5) and summary of the development of owned provinces."""
    devs: list[float] = []
    for row in rows:
        if row.owner is not None:
            devs.append(row.development)
    if not devs:
        return DevelopmentDistribution()
    devs.sort()
    n = len(devs)
    total = 0.0
    for d in devs:
        total += d
    mid = n // 2
    median = devs[mid] if n % 2 == 1 else (devs[mid - 1] + devs[mid]) / 2.0
    top = devs[n - 1]
    counts: list[int] = [0] * (int(top) // BUCKET_WIDTH + 1)
    for d in devs:
        index = int(d) // BUCKET_WIDTH if d > 0 else 0
        counts[index] += 1
    buckets: list[DevelopmentBucket] = []
    for index, count in enumerate(counts):
        if count:
            low = index * BUCKET_WIDTH
            buckets.append(DevelopmentBucket(low=low, high=low + BUCKET_WIDTH, count=count))
    return DevelopmentDistribution(
        provinces=n,
        total=round(total, 3),
        mean=round(total / n, 3),
        median=median,
        max=top,
        bucket_width=BUCKET_WIDTH,
        buckets=buckets,
    )
