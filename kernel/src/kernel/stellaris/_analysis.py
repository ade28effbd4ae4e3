"""``analyze(data)``: the Stellaris analysis payload of a save file.

A Stellaris save is a zip of two text entries: ``meta`` (name, date, version) and
``gamestate`` (everything). The gamestate is parsed once with the blocks the analysis
never reads left out unread (``UNREAD``: ships, fleets, ship designs, AI state, planets'
job caches… two thirds of the 60 MB corpus save), except its top-level ``country``
section, which is cut out (``section_span``) and parsed on its own with fewer blocks
skipped (``COUNTRY_UNREAD``: budget categories are named like skipped sections). Then the
top level is walked once, keeping the sections read here, each read through the Document
API only as deep as needed. No recursion (names: ``kernel.stellaris._names``).
"""

from __future__ import annotations

import gc
import re
from typing import Final

import msgspec

from kernel._archive import Archive, open_archive
from kernel._document import Container, Document, Value
from kernel._errors import KernelError, OtherGame
from kernel._read import container_of, opt_integer, opt_number, opt_text
from kernel._tape import DEFAULT_MAX_DEPTH
from kernel.stellaris._names import compose, readable_key
from kernel.stellaris.types import (
    Empire,
    Federation,
    Galaxy,
    PlayerDetails,
    Resources,
    Species,
    StellarisAnalysis,
    War,
    WarSide,
)

# Blocks the analysis never reads, at any depth, left out of the gamestate unread
# (``parse_text(skip=…)``). A name here must never be a key this package reads: the test
# suite checks that the analysis of the corpus saves is the same without skipping.
UNREAD: Final = frozenset(
    {
        "ai",
        "ambient_object",
        "archaeological_sites",
        "army",
        "astral_actions_usage_states_array",
        "astral_rifts",
        "auto_slots_taken",
        "battles",
        "buildings",
        "construction",
        "control_groups",
        "default_planet_automation_settings",
        "deposit",
        "deposits",
        "espionage_assets",
        "events",
        "favorite_jobs",
        "first_contacts",
        "flags",
        "fleet",
        "fleet_template",
        "fleets_manager",
        "global_ship_design",
        "hyperlane",
        "income_high_water_mark",
        "intel",
        "intel_manager",
        "job_priority",
        "jobs_cache",
        "last_month",
        "leaders",
        "modules",
        "planet_automation_settings",
        "planet_orbitals",
        "pop",
        "pop_factions",
        "random_name_database",
        "rejected_actions",
        "relations_manager",
        "ship_design",
        "ship_design_collection",
        "ship_names",
        "ships",
        "shown_message_types",
        "species_information",
        "spy_networks",
        "surveyed_deposit_holders",
        "terra_incognita",
        "timed_modifier",
        "trade_routes",
        "visited_objects",
        "voidworm_star_names",
    }
)

# Budget categories (``budget={ current_month={ balance={ ships={ energy=… } … } } }``)
# share their names with large top-level sections (``ships``, ``fleet``, …): the
# ``country`` section is parsed on its own (``section_span``), skipping only these.
COUNTRY_UNREAD: Final = UNREAD - frozenset(
    (
        "army",
        "buildings",
        "deposit",
        "fleet",
        "leaders",
        "pop_factions",
        "ship_design",
        "ships",
        "trade_routes",
        "starbase",
        "megastructures",
        "pop",
    )
)

_TOP_KEY: Final = re.compile(rb"\n[A-Za-z_][A-Za-z_0-9]*[ \t]*=")

_SECTIONS: Final = frozenset(
    (
        "version",
        "name",
        "date",
        "player",
        "species_db",
        "galactic_object",
        "planets",
        "country",
        "war",
        "federation",
        "galaxy",
    )
)

_META_KEYS: Final = frozenset(("version", "name", "date", "ironman"))

# Country types shown in the empires table (players' countries always are).
EMPIRE_TYPES: Final = frozenset(("default", "fallen_empire", "awakened_fallen_empire"))


def _texts(c: Container | None) -> list[str]:
    out: list[str] = []
    if c is not None:
        for value in c.values():
            text = opt_text(value)
            if text is not None:
                out.append(text)
    return out


def _ints(c: Container | None) -> list[int]:
    out: list[int] = []
    if c is not None:
        for value in c.values():
            n = opt_integer(value)
            if n is not None:
                out.append(n)
    return out


def _objects(c: Container | None) -> list[tuple[int, Container]]:
    """The ``id={…}`` entries of a database block (``id=none`` ones left out)."""
    out: list[tuple[int, Container]] = []
    if c is None:
        return out
    for entry in c.entries():
        key = entry.key
        if key is None or not entry.value.is_container():
            continue
        try:
            ident = int(key)
        except ValueError:
            continue
        out.append((ident, entry.value.as_container()))
    return out


class _Fields:
    """The first value of each wanted key of a container, in one pass."""

    def __init__(self, c: Container | None, keys: frozenset[str]) -> None:
        self.values: dict[str, Value] = {}
        if c is None:
            return
        values = self.values
        for entry in c.entries():
            key = entry.key
            if key is not None and key in keys and key not in values:
                values[key] = entry.value

    def get(self, key: str) -> Value | None:
        return self.values.get(key)


# --- budget ------------------------------------------------------------------------------------

_RESOURCES: Final = (
    "energy",
    "minerals",
    "food",
    "alloys",
    "consumer_goods",
    "influence",
    "unity",
    "physics_research",
    "society_research",
    "engineering_research",
)


def _sum_budget(c: Container | None) -> dict[str, float]:
    """A budget block (``income``/``expenses``/``balance``: category -> resource -> amount)
    summed over its categories."""
    totals: dict[str, float] = {}
    if c is None:
        return totals
    for entry in c.entries():
        category = container_of(entry.value)
        if category is None:
            continue
        for item in category.entries():
            key = item.key
            if key is None:
                continue
            amount = opt_number(item.value)
            if amount is not None:
                totals[key] = totals.get(key, 0.0) + amount
    return totals


def _resources(totals: dict[str, float]) -> Resources:
    def get(key: str) -> float:
        return round(totals.get(key, 0.0), 3)

    physics = get("physics_research")
    society = get("society_research")
    engineering = get("engineering_research")
    return Resources(
        energy=get("energy"),
        minerals=get("minerals"),
        food=get("food"),
        alloys=get("alloys"),
        consumer_goods=get("consumer_goods"),
        influence=get("influence"),
        unity=get("unity"),
        physics_research=physics,
        society_research=society,
        engineering_research=engineering,
        research=round(physics + society + engineering, 3),
    )


# --- planets -----------------------------------------------------------------------------------


class _Planets:
    """What the analysis needs of every planet: owner, controller, system, pops."""

    def __init__(self) -> None:
        self.count = 0
        self.colonized = 0
        self.pops = 0
        self.pops_by_owner: dict[int, int] = {}
        self.systems_by_controller: dict[int, set[int]] = {}
        self.containers: dict[int, Container] = {}


_PLANET_KEYS: Final = frozenset(("owner", "controller", "coordinate", "num_sapient_pops"))


def _read_planets(section: Value | None) -> _Planets:
    out = _Planets()
    planets = container_of(section)
    if planets is None:
        return out
    # planets={ planet={ id={…} … } }
    database = container_of(planets.get("planet"))
    for ident, planet in _objects(database):
        out.count += 1
        out.containers[ident] = planet
        fields = _Fields(planet, _PLANET_KEYS)
        owner = opt_integer(fields.get("owner"))
        pops = opt_integer(fields.get("num_sapient_pops")) or 0
        out.pops += pops
        if owner is not None:
            out.colonized += 1
            out.pops_by_owner[owner] = out.pops_by_owner.get(owner, 0) + pops
        controller = opt_integer(fields.get("controller"))
        coordinate = container_of(fields.get("coordinate"))
        if controller is not None and coordinate is not None:
            origin = opt_integer(coordinate.get("origin"))
            if origin is not None:
                systems = out.systems_by_controller.get(controller)
                if systems is None:
                    out.systems_by_controller[controller] = {origin}
                else:
                    systems.add(origin)
    return out


# --- countries ---------------------------------------------------------------------------------

_COUNTRY_KEYS: Final = frozenset(
    (
        "name",
        "adjective",
        "type",
        "capital",
        "owned_planets",
        "military_power",
        "economy_power",
        "tech_power",
        "victory_rank",
        "victory_score",
        "budget",
        "tech_status",
        "federation",
        "government",
        "ethos",
        "personality",
        "founder_species_ref",
        "traditions",
        "ascension_perks",
        "empire_size",
        "used_naval_capacity",
        "last_date_at_war",
    )
)


def _technologies(fields: _Fields) -> list[str]:
    out: list[str] = []
    status = container_of(fields.get("tech_status"))
    if status is None:
        return out
    for entry in status.entries():
        if entry.key == "technology":
            tech = opt_text(entry.value)
            if tech is not None:
                out.append(tech)
    return out


def _budget(fields: _Fields, part: str) -> dict[str, float]:
    budget = container_of(fields.get("budget"))
    month = container_of(budget.get("current_month")) if budget is not None else None
    return _sum_budget(container_of(month.get(part)) if month is not None else None)


def _country_name(fields: _Fields, ident: int) -> str:
    name = compose(fields.get("name"))
    return name or f"country {ident}"


def _empire(
    ident: int,
    fields: _Fields,
    planets: _Planets,
    players: dict[int, str],
    player_id: int | None,
    meta_name: str | None,
) -> Empire:
    capital = opt_integer(fields.get("capital"))
    capital_name: str | None = None
    if capital is not None:
        planet = planets.containers.get(capital)
        if planet is not None:
            capital_name = compose(planet.get("name")) or None
    name = _country_name(fields, ident)
    if ident == player_id and meta_name:
        name = meta_name  # the save's own name for the player's empire (``meta``)
    return Empire(
        id=ident,
        name=name,
        type=opt_text(fields.get("type")) or "",
        player=ident in players,
        player_name=players.get(ident),
        capital=capital,
        capital_name=capital_name,
        systems=len(planets.systems_by_controller.get(ident, ())),
        planets=len(_ints(container_of(fields.get("owned_planets")))),
        pops=planets.pops_by_owner.get(ident, 0),
        fleet_power=round(opt_number(fields.get("military_power")) or 0.0, 3),
        economy_power=round(opt_number(fields.get("economy_power")) or 0.0, 3),
        tech_power=round(opt_number(fields.get("tech_power")) or 0.0, 3),
        victory_rank=opt_integer(fields.get("victory_rank")),
        victory_score=opt_number(fields.get("victory_score")),
        income=_resources(_budget(fields, "balance")),
        technologies=len(_technologies(fields)),
        federation=opt_integer(fields.get("federation")),
    )


def _species(species_db: Container | None, ref: int | None) -> Species | None:
    if species_db is None or ref is None:
        return None
    found = container_of(species_db.get(str(ref)))
    if found is None:
        return None
    traits: list[str] = []
    block = container_of(found.get("traits"))
    if block is not None:
        for entry in block.entries():
            if entry.key == "trait":
                trait = opt_text(entry.value)
                if trait is not None:
                    traits.append(trait)
    return Species(name=compose(found.get("name")), traits=traits)


def _details(
    ident: int,
    fields: _Fields,
    empire: Empire,
    species_db: Container | None,
    wars: list[War],
) -> PlayerDetails:
    government = container_of(fields.get("government"))
    ethics: list[str] = []
    ethos = container_of(fields.get("ethos"))
    if ethos is not None:
        for entry in ethos.entries():
            if entry.key == "ethic":
                ethic = opt_text(entry.value)
                if ethic is not None:
                    ethics.append(ethic)
    in_wars: list[int] = []
    for war in wars:
        for side in (war.attackers, war.defenders):
            for item in side:
                if item.country == ident and war.id not in in_wars:
                    in_wars.append(war.id)
    adjective = compose(fields.get("adjective")) or None
    return PlayerDetails(
        id=ident,
        name=empire.name,
        adjective=adjective,
        player_name=empire.player_name,
        government=opt_text(government.get("type")) if government is not None else None,
        authority=opt_text(government.get("authority")) if government is not None else None,
        origin=opt_text(government.get("origin")) if government is not None else None,
        civics=_texts(container_of(government.get("civics"))) if government is not None else [],
        ethics=ethics,
        personality=opt_text(fields.get("personality")),
        species=_species(species_db, opt_integer(fields.get("founder_species_ref"))),
        traditions=_texts(container_of(fields.get("traditions"))),
        ascension_perks=_texts(container_of(fields.get("ascension_perks"))),
        technologies=_technologies(fields),
        gross_income=_resources(_budget(fields, "income")),
        expenses=_resources(_budget(fields, "expenses")),
        empire_size=opt_integer(fields.get("empire_size")),
        fleet_size=opt_integer(fields.get("used_naval_capacity")),
        wars=in_wars,
        last_date_at_war=opt_text(fields.get("last_date_at_war")),
    )


# --- wars and federations ----------------------------------------------------------------------


def _sides(c: Container | None, names: dict[int, str]) -> list[WarSide]:
    out: list[WarSide] = []
    if c is None:
        return out
    for value in c.values():
        side = container_of(value)
        if side is None:
            continue
        country = opt_integer(side.get("country"))
        if country is None:
            continue
        out.append(
            WarSide(
                country=country,
                name=names.get(country, f"country {country}"),
                call_type=opt_text(side.get("call_type")),
            )
        )
    return out


def _goal(value: Value | None) -> str | None:
    block = container_of(value)
    return opt_text(block.get("type")) if block is not None else None


def _read_wars(section: Value | None, names: dict[int, str]) -> list[War]:
    out: list[War] = []
    for ident, war in _objects(container_of(section)):
        out.append(
            War(
                id=ident,
                name=compose(war.get("name")) or f"war {ident}",
                start_date=opt_text(war.get("start_date")),
                attackers=_sides(container_of(war.get("attackers")), names),
                defenders=_sides(container_of(war.get("defenders")), names),
                attacker_war_goal=_goal(war.get("attacker_war_goal")),
                defender_war_goal=_goal(war.get("defender_war_goal")),
                attacker_war_exhaustion=opt_number(war.get("attacker_war_exhaustion")),
                defender_war_exhaustion=opt_number(war.get("defender_war_exhaustion")),
            )
        )
    return out


def _read_federations(section: Value | None) -> list[Federation]:
    out: list[Federation] = []
    for ident, federation in _objects(container_of(section)):
        progression = container_of(federation.get("federation_progression"))
        kind: str | None = None
        level: int | None = None
        if progression is not None:
            kind = opt_text(progression.get("federation_type"))
            level = opt_integer(progression.get("levels"))
        out.append(
            Federation(
                id=ident,
                name=compose(federation.get("name")) or f"federation {ident}",
                leader=opt_integer(federation.get("leader")),
                members=_ints(container_of(federation.get("members"))),
                type=kind,
                level=level,
            )
        )
    return out


# --- the analysis ------------------------------------------------------------------------------


def _players(section: Value | None) -> dict[int, str]:
    """``player={ {name="…" country=N} … }``: country id -> player name."""
    out: dict[int, str] = {}
    block = container_of(section)
    if block is None:
        return out
    for value in block.values():
        item = container_of(value)
        if item is None:
            continue
        country = opt_integer(item.get("country"))
        if country is not None and country not in out:
            out[country] = opt_text(item.get("name")) or ""
    return out


def section_span(data: bytes, key: str) -> tuple[int, int] | None:
    """The bytes of the top-level ``key=…`` section of a Stellaris gamestate: from its key
    to the next top-level key (the game writes top-level keys at the start of a line and
    indents everything inside a section). None when there is no such section."""
    marker = b"\n" + key.encode() + b"="
    if data.startswith(marker[1:]):
        start = 0
    else:
        found = data.find(marker)
        if found < 0:
            return None
        start = found + 1
    after = _TOP_KEY.search(data, start + len(marker))
    return start, after.start() + 1 if after is not None else len(data)


def _documents(
    container: Archive, max_depth: int
) -> tuple[Document | None, Document, Document | None]:
    """(meta, gamestate, countries): the gamestate without its ``country`` section, which
    is parsed on its own with fewer blocks skipped (see ``COUNTRY_UNREAD``)."""
    from kernel import parse_text  # here: kernel/__init__ imports this package's types

    entry = container.gamestate()
    if entry.encoding == "binary":
        raise KernelError("binary Stellaris gamestate: the kernel reads text Stellaris saves", 0)
    data = entry.data
    span = section_span(data, "country")
    countries: Document | None = None
    if span is not None:
        start, end = span
        countries = parse_text(data[start:end], max_depth=max_depth, skip=COUNTRY_UNREAD)
        data = data[:start] + data[end:]
    game = parse_text(data, max_depth=max_depth, skip=UNREAD)
    meta = container.meta()
    meta_doc: Document | None = None
    if meta is not None and meta is not entry and meta.data and meta.encoding == "text":
        meta_doc = parse_text(meta.data, max_depth=max_depth)
    return meta_doc, game, countries


def analyze(data: bytes | Archive, *, max_depth: int = DEFAULT_MAX_DEPTH) -> StellarisAnalysis:
    """The analysis of a Stellaris save (the ``.sav`` zip, or a bare ``gamestate``), given
    as bytes or as an already opened ``kernel.Archive`` (not decompressed twice).

    Raises ``KernelError`` for input the kernel rejects (a truncated or corrupt zip, a
    gamestate that does not parse), ``OtherGame`` for another game's save. Trimmed saves
    give what they hold, with ``warnings`` naming the missing sections.
    """
    container = data if isinstance(data, Archive) else open_archive(data)
    if container.game != "stellaris" and container.game != "unknown":
        raise OtherGame(f"not a Stellaris save: this is a {container.game} file", container.game)
    meta_doc, game_doc, countries_doc = _documents(container, max_depth)
    enabled = gc.isenabled()
    gc.disable()  # nothing built here is cyclic; collections would rescan the tape
    try:
        return analyze_documents(meta_doc, game_doc, countries_doc)
    finally:
        if enabled:
            gc.enable()


def analysis_json(data: bytes | Archive) -> bytes:
    """``analyze`` encoded as JSON (what ``python -m kernel analyze`` prints)."""
    return msgspec.json.encode(analyze(data))


def analyze_documents(
    meta_doc: Document | None, game_doc: Document, countries_doc: Document | None = None
) -> StellarisAnalysis:
    """The analysis of parsed documents: ``meta``, the gamestate and, when the gamestate
    was parsed without it, its ``country`` section on its own."""
    head = _Fields(game_doc.root(), _SECTIONS)
    country_section = head.get("country")
    if countries_doc is not None:
        country_section = countries_doc.root().get("country")
    meta = _Fields(meta_doc.root() if meta_doc is not None else None, _META_KEYS)
    warnings: list[str] = []
    if country_section is None:
        warnings.append("no country section: the save is trimmed or a fragment")
    for key in ("planets", "galactic_object"):
        if head.get(key) is None:
            warnings.append(f"no {key} section: the save is trimmed or a fragment")
    date = opt_text(meta.get("date")) or opt_text(head.get("date"))
    version = opt_text(meta.get("version")) or opt_text(head.get("version"))
    meta_name = opt_text(meta.get("name")) or opt_text(head.get("name"))
    ironman_text = opt_text(meta.get("ironman"))
    ironman = None if meta_doc is None else ironman_text == "yes"

    players = _players(head.get("player"))
    player_id: int | None = None
    for ident in players:
        player_id = ident
        break
    planets = _read_planets(head.get("planets"))
    species_db = container_of(head.get("species_db"))

    countries = _objects(container_of(country_section))
    names: dict[int, str] = {}
    rows: list[Empire] = []
    player_fields: _Fields | None = None
    player_row: Empire | None = None
    for ident, country in countries:
        fields = _Fields(country, _COUNTRY_KEYS)
        names[ident] = (
            meta_name if ident == player_id and meta_name else _country_name(fields, ident)
        )
        kind = opt_text(fields.get("type")) or ""
        if kind not in EMPIRE_TYPES and ident not in players:
            continue
        row = _empire(ident, fields, planets, players, player_id, meta_name)
        rows.append(row)
        if ident == player_id:
            player_fields = fields
            player_row = row
    rows.sort(key=lambda row: -row.fleet_power)

    wars = _read_wars(head.get("war"), names)
    federations = _read_federations(head.get("federation"))
    details: PlayerDetails | None = None
    if player_id is not None and player_fields is not None and player_row is not None:
        details = _details(player_id, player_fields, player_row, species_db, wars)

    settings = container_of(head.get("galaxy"))
    systems = len(_objects(container_of(head.get("galactic_object"))))
    galaxy = Galaxy(
        date=date,
        version=version,
        name=meta_name,
        template=opt_text(settings.get("template")) if settings is not None else None,
        shape=opt_text(settings.get("shape")) if settings is not None else None,
        difficulty=opt_text(settings.get("difficulty")) if settings is not None else None,
        systems=systems,
        planets=planets.count,
        colonized_planets=planets.colonized,
        pops=planets.pops,
        countries=len(countries),
        empires=len(rows),
        wars=len(wars),
        federations=len(federations),
    )
    return StellarisAnalysis(
        date=date,
        version=version,
        ironman=ironman,
        player=player_id,
        player_name=players.get(player_id) if player_id is not None else None,
        empires=rows,
        player_details=details,
        wars=wars,
        federations=federations,
        galaxy=galaxy,
        warnings=warnings,
    )


__all__ = [
    "COUNTRY_UNREAD",
    "EMPIRE_TYPES",
    "UNREAD",
    "analysis_json",
    "analyze",
    "analyze_documents",
    "readable_key",
    "section_span",
]
