"""``analyze(data)``: the EU4 analysis payload of a save file.

The container is opened once (``kernel._archive.open_archive``); the ``meta`` and
``gamestate`` documents are parsed by ``_documents`` (the seam where the binary decoder
plugs in); then the gamestate's top level is walked once, keeping only the sections the
analysis reads. Every section is read through the Document API (``Container`` /
``Value``), never the tape, and only as deep as needed: a country's armies are counted,
its history is walked only for the detailed view, and everything else is skipped in O(1).
"""

from __future__ import annotations

import gc
import os
from collections.abc import Sequence
from typing import Final

import msgspec

from kernel import parse_text
from kernel._archive import Archive, Member, content_hash, open_archive
from kernel._binary import decode_binary
from kernel._document import Container, Document, Value, from_binary
from kernel._errors import KernelError, OtherGame, TokensNeeded
from kernel._scalars import Date
from kernel._tokens import TokenTable, expected_token_file, load_tokens
from kernel.eu4._achievements import NEEDS_GAMEDATA, World, add_world_state, evaluate
from kernel.eu4._budget import budget
from kernel.eu4._countries import (
    CountryData,
    add_provinces,
    country_name,
    country_rows,
    read_countries,
)
from kernel.eu4._details import SaveIndex, country_details
from kernel.eu4._diplomacy import overlords, read_dependencies
from kernel.eu4._geography import Geography, load_geography
from kernel.eu4._history import scan_histories, starting_tag
from kernel.eu4._info import (
    META_KEYS,
    Meta,
    campaign_length,
    current_age,
    difficulty,
    gameplay_options,
    mods,
    multiplayer,
    observer,
    opt_flag,
    patch_text,
    player_names,
    players,
    save_date,
    tax_manpower,
    version,
)
from kernel.eu4._leaderboard import GateInput, gate, leaderboard, vanilla_map
from kernel.eu4._ledgers import read_ledgers
from kernel.eu4._limits import (
    MAX_BATTLES,
    MAX_COUNTRIES,
    MAX_HISTORY,
    MAX_PROVINCES,
    MAX_WARS,
    capped,
)
from kernel.eu4._playthrough import playthrough_id
from kernel.eu4._provinces import development_distribution, read_provinces
from kernel.eu4._read import (
    NO_KEYS,
    Fields,
    container_of,
    date,
    days_since_1444,
    flag,
    iso,
    iso_text,
    pick,
    text,
    texts,
)
from kernel.eu4._wars import casualties, read_wars
from kernel.eu4.map._source import map_history, province_changes
from kernel.eu4.types import (
    AchievementResult,
    Achievements,
    Budget,
    CountryDetails,
    CountryRow,
    Eu4Analysis,
    GameDataUsed,
    Ledgers,
    LedgerSeries,
    MapHistory,
    Places,
    ProvinceChange,
    ProvinceRow,
    SaveInfo,
    War,
)

# The gamestate sections the analysis reads (first occurrence), besides the meta keys
# that plain text saves carry at their top.
_SECTIONS: Final = frozenset(
    (
        "players_countries",
        "gameplaysettings",
        "start_date",
        "current_age",
        "achievement_ok",
        "provinces",
        "countries",
        "diplomacy",
        "empire",
        "religion_instance_data",
        "military_hegemon",
        "naval_hegemon",
        "economic_hegemon",
        "income_statistics",
        "nation_size_statistics",
        "score_statistics",
        "inflation_statistics",
        "map_area_data",
    )
)
_TOP_SINGLE: Final = _SECTIONS | META_KEYS
_TOP_REPEATED: Final = frozenset(("active_war", "previous_war"))

BINARY_MESSAGE: Final = (
    "binary save: a token table is needed to read it (EU4 ironman and binary saves name "
    "their fields by 16-bit ids, and the table is not distributable)"
)


def token_table(tokens: object | None) -> TokenTable | None:
    """``tokens`` as a table: a ``TokenTable``, or the path of a token file."""
    if tokens is None or isinstance(tokens, TokenTable):
        return tokens
    if isinstance(tokens, (str, os.PathLike)):
        return load_tokens(tokens)
    raise TypeError(f"tokens must be a kernel.TokenTable or a path, not {type(tokens).__name__}")


# Blocks the analysis never reads, at any depth, left out of text documents unread
# (``parse_text(skip=…)``): in the 17.5 MB corpus save they are 40% of the tokens (each
# country's active_relations 15%, ai 6%, advisor history 3%, ...) and most of the bytes
# (opinion_cache alone is a quarter). tests/kernel/eu4 checks that the analysis of every
# corpus save is the same without skipping, and that no name here is read by kernel/eu4.
UNREAD: Final = frozenset(
    {
        "active_relations",
        "advisor",
        "ai",
        "building_prov",
        "country_missions",
        "discovered_by",
        "discovery_dates2",
        "discovery_religion_dates2",
        "historic_stats_cache",
        "inflation_history",
        "institutions",
        "mission_slot",
        "num_of_goods_produced",
        "opinion_cache",
        "produced_goods_value",
        "rebel_faction",
        "traded",
    }
)


def _parse(entry: Member, table: TokenTable | None, skip: frozenset[str] = UNREAD) -> Document:
    if entry.encoding == "binary":
        if table is None:
            raise TokensNeeded(
                f"{BINARY_MESSAGE}; pass tokens= (a token table, or the path of "
                f"{expected_token_file('eu4')})",
                BINARY_MESSAGE,
            )
        return from_binary(decode_binary(entry.data, "eu4", table))
    return parse_text(entry.data, skip=skip)


def _documents(
    container: Archive, tokens: object | None, skip: frozenset[str] = UNREAD
) -> tuple[Document | None, Document]:
    """(meta, gamestate) documents of an opened EU4 save.

    The seam between containers and the analysis: text entries are parsed with
    ``kernel.parse_text``; binary entries are decoded with the token table and read through
    the same Document API (field ids named by the table). A plain save has no meta entry
    (its meta keys are at the top of the gamestate): meta is None then. Raises
    ``TokensNeeded`` (a ``KernelError``) for a binary save without a token table.
    """
    table = token_table(tokens)
    game_doc = _parse(container.gamestate(), table, skip)
    return meta_document(container, table, skip), game_doc


def meta_document(
    container: Archive, table: TokenTable | None, skip: frozenset[str] = UNREAD
) -> Document | None:
    """The save's meta entry parsed, or None (a plain save: no such entry)."""
    meta = container.meta()
    return _parse(meta, table, skip) if meta is not None and meta.data else None


def analyze(
    data: bytes | Archive,
    *,
    tokens: object | None = None,
    details_for: Sequence[str] = (),
    gamedata: str | os.PathLike[str] | None = None,
) -> Eu4Analysis:
    """The analysis of an EU4 save: zip or plain, text or binary; its bytes, or the
    ``kernel.Archive`` they were opened as (not inflated again).

    ``tokens`` (a ``kernel.TokenTable`` or a token file's path) names the fields of binary
    saves. Every country of the table gets its detailed view (``details``); ``details_for``
    names more (countries without provinces).
    ``gamedata`` is a game-data directory (``kernel.gamedata``): the bundle for the save's
    version and mods is chosen there and its geography decides the achievements that need
    it and the leaderboard's map check (``Eu4Analysis.gamedata`` names it; bundles are
    read once per process). Without it, or when no bundle fits (a warning says so), those
    are reported as needing game data. Raises ``KernelError`` for files the kernel
    rejects: ``OtherGame`` for another game's save, ``TokensNeeded`` for a binary save
    without a token table. Trimmed saves and fragments give what they hold.
    """
    container = open_eu4(data)
    meta_doc, game_doc = _documents(container, tokens)
    return analyze_documents(container, meta_doc, game_doc, {}, details_for, gamedata)


def open_eu4(data: bytes | Archive) -> Archive:
    """The save's container (``data`` opened, if it is not yet); ``OtherGame`` for another
    game's save."""
    container = data if isinstance(data, Archive) else open_archive(data)
    if container.game != "eu4" and container.game != "unknown":
        raise OtherGame(f"not an EU4 save: this is a {container.game} file", container.game)
    return container


def analyze_documents(
    container: Archive,
    meta_doc: Document | None,
    game_doc: Document,
    parts: dict[str, Value],
    details_for: Sequence[str] = (),
    gamedata: str | os.PathLike[str] | None = None,
    ahead: ReadAhead | None = None,
) -> Eu4Analysis:
    """``analyze`` of parsed documents. ``parts``: top-level sections parsed apart (a
    parallel parse, ``kernel.eu4.SplitSave``) that ``game_doc`` left out; ``ahead``: what
    it has read already."""
    enabled = gc.isenabled()
    gc.disable()  # nothing built here is cyclic; collections would rescan the tape
    try:
        root = os.fspath(gamedata) if gamedata is not None else None
        return _analyze(container, meta_doc, game_doc, parts, details_for, root, ahead)
    finally:
        if enabled:
            gc.enable()


def analysis_json(
    data: bytes, *, tokens: object | None = None, gamedata: str | os.PathLike[str] | None = None
) -> bytes:
    """``analyze`` encoded as JSON (what ``python -m kernel analyze`` prints)."""
    return msgspec.json.encode(analyze(data, tokens=tokens, gamedata=gamedata))


def _geography(
    root: str | None, version_text: str, mod_names: list[str], warnings: list[str]
) -> Geography | None:
    """The game data for the save, or None with a warning saying why."""
    if root is None:
        return None
    if version_text == "0.0.0":
        # A fragment without savegame_version: any bundle would be a guess. None, and no
        # warning: the browser, which chooses from what the save says about itself, sees
        # no patch either and analyses without game data; both must say the same.
        return None
    try:
        geo = load_geography(root, version_text, mod_names)
    except KernelError as exc:
        warnings.append(f"game data not used: {exc}")
        return None
    if geo is None:
        mods_text = f" with mods {', '.join(mod_names)}" if mod_names else ""
        warnings.append(f"no game-data bundle for EU4 {version_text}{mods_text}")
    return geo


class ReadAhead:
    """Sections read before the rest of the analysis, by a parallel parse
    (``kernel.eu4.SplitSave``): the provinces, by the helper that parsed them, and the wars
    and ledgers, while the helpers work. None: read with the rest."""

    def __init__(self) -> None:
        self.provinces: list[ProvinceRow] | None = None
        self.changes: list[ProvinceChange] | None = None  # the map's province history
        self.wars: tuple[list[War], Date | None] | None = None
        self.ledgers: Ledgers | None = None


def read_ahead(game_doc: Document, ahead: ReadAhead) -> None:
    """The wars and the ledgers of ``game_doc``, into ``ahead``."""
    head = pick(game_doc.root(), _TOP_SINGLE, _TOP_REPEATED)
    ahead.wars = read_wars(head.all("active_war"), head.all("previous_war"))
    ahead.ledgers = _read_ledgers(head)


def read_provinces_part(section: Container | None, ahead: ReadAhead) -> None:
    """The ``provinces`` section's rows and map history, into ``ahead``."""
    ahead.provinces = read_provinces(section)
    ahead.changes = province_changes(section)


def _read_ledgers(head: Fields) -> Ledgers:
    return read_ledgers(
        head.get("income_statistics"),
        head.get("nation_size_statistics"),
        head.get("score_statistics"),
        head.get("inflation_statistics"),
    )


def _missing(warnings: list[str], head: Fields, keys: tuple[str, ...], ahead: ReadAhead) -> None:
    for key in keys:
        if head.get(key) is None and not (key == "provinces" and ahead.provinces is not None):
            warnings.append(f"no {key} section: the save is trimmed or a fragment")


def _analyze(
    container: Archive,
    meta_doc: Document | None,
    game_doc: Document,
    parts: dict[str, Value],
    details_for: Sequence[str],
    gamedata: str | None = None,
    ahead: ReadAhead | None = None,
) -> Eu4Analysis:
    if ahead is None:
        ahead = ReadAhead()
    head = pick(game_doc.root(), _TOP_SINGLE, _TOP_REPEATED)
    for key, value in parts.items():
        head.first[key] = value
    meta_fields = pick(meta_doc.root(), META_KEYS, NO_KEYS) if meta_doc is not None else None
    meta = Meta(meta_fields, head)
    warnings: list[str] = []
    if meta.get("date") is None:
        warnings.append("no date: the save is a fragment (1444-11-11 assumed)")
    _missing(
        warnings,
        head,
        (
            "provinces",
            "countries",
            "income_statistics",
            "nation_size_statistics",
            "score_statistics",
            "inflation_statistics",
        ),
        ahead,
    )

    v = version(meta)
    save_mods = mods(meta)
    mod_names: list[str] = []
    for mod in save_mods:
        mod_names.append(mod.name)
    geo = _geography(gamedata, f"{v.first}.{v.second}.{v.third}", mod_names, warnings)
    when = save_date(meta)
    start = date(head.get("start_date"))
    days = days_since_1444(when)
    player_tag = text(meta.get("player"))
    player_name = text(meta.get("displayed_country_name"))

    provinces = ahead.provinces
    if provinces is None:
        provinces = read_provinces(container_of(head.get("provinces")))
    countries = read_countries(container_of(head.get("countries")))
    add_provinces(countries, provinces)
    dependencies = read_dependencies(container_of(head.get("diplomacy")))
    humans: list[str] = []
    for country in countries.values():
        if country.human:
            humans.append(country.tag)
    rows = _table(
        country_rows(countries, player_tag, player_name, overlords(dependencies)),
        [player_tag, *humans],
        warnings,
    )
    kept: set[str] = set()
    for row in rows:
        kept.add(row.tag)
    ledgers = _ledgers_of(ahead.ledgers or _read_ledgers(head), kept)
    wars, latest_war = ahead.wars or read_wars(head.all("active_war"), head.all("previous_war"))
    wars = _bounded_wars(wars, warnings)
    content_date = Date.from_days((start if start is not None else when).days() + 1)
    scan = scan_histories(countries, content_date)
    start_tag = starting_tag(countries, player_tag) if countries else None
    start_country = countries.get(start_tag) if start_tag is not None else None

    details = _details(
        countries,
        SaveIndex(provinces, head.get("map_area_data"), head.get("diplomacy")),
        [player_tag, *humans, *details_for, *_tags(rows)],
        minor=v.second,
        player_tag=player_tag,
        player_name=player_name,
    )
    budgets = _budgets(countries, rows)

    pairs = players(meta)
    is_multiplayer = multiplayer(meta, pairs)
    options = gameplay_options(head.get("gameplaysettings"))
    tm = tax_manpower(options)
    ironman = flag(meta.get("is_ironman"))
    is_observer = observer(meta)
    rnw = flag(meta.get("is_random_new_world"))
    ach_ok = opt_flag(head.get("achievement_ok"))
    age = current_age(head) or ""

    latest = scan.latest
    if latest_war is not None and (latest is None or latest < latest_war):
        latest = latest_war
    gate_conditions = gate(
        GateInput(
            encoding=game_doc_encoding(container),
            ironman=ironman,
            multiplayer=is_multiplayer,
            observer=is_observer,
            achievement_ok=ach_ok,
            humans=humans,
            tax_manpower=tm,
            random_new_world=rnw,
            save_date=when,
            latest_history=latest,
            starting_tag=start_tag,
            vanilla_map=vanilla_map(_ids(provinces), geo, v.first, v.second),
        )
    )
    eligible = True
    for cond in gate_conditions:
        if not cond.completed:
            eligible = False
    world = World(
        tag=player_tag if player_tag in countries or not humans else humans[0],
        starting_tag=start_tag,
        countries=countries,
        provinces=provinces,
        dependencies=dependencies,
        minor=v.second,
        save_date=when,
        start_date=start,
        current_age=age,
        geography=geo,
    )
    add_world_state(
        world,
        head.get("empire"),
        [
            ("military", head.get("military_hegemon")),
            ("naval", head.get("naval_hegemon")),
            ("economic", head.get("economic_hegemon")),
        ],
        head.get("religion_instance_data"),
    )
    results = evaluate(world)
    completed = _completed(results) if eligible else []

    info = SaveInfo(
        date=iso_text(when),
        start_date=iso(start),
        days=days,
        days_from_start=when.days() - start.days() if start is not None else days,
        version=v,
        patch=patch_text(v),
        savegame_versions=texts(meta.get("savegame_versions")),
        save_game=text(meta.get("save_game")),
        player_tag=player_tag,
        player_name=player_name,
        players=pairs,
        player_names=player_names(pairs) if is_multiplayer else [],
        human_tags=humans,
        starting_tag=start_tag,
        starting_name=_name_of(start_country, start_tag, player_tag, player_name),
        difficulty=difficulty(options),
        tax_manpower=tm,
        gameplay_options=options,
        ironman=ironman,
        multiplayer=is_multiplayer,
        observer=is_observer,
        random_new_world=rnw,
        achievement_ok=ach_ok,
        mods=save_mods,
        dlc=texts(meta.get("dlc_enabled")),
        campaign_id=text(meta.get("campaign_id")),
        campaign_length=campaign_length(meta),
        playthrough_id=playthrough_id(countries, scan),
        content_hash=content_hash(container),
        encoding="binary" if game_doc_encoding(container) == "binary" else "text",
        container=container.kind,
        current_age=age or None,
        checksum=text(meta.get("checksum")),
    )
    return Eu4Analysis(
        info=info,
        countries=rows,
        ledgers=ledgers,
        budgets=budgets,
        wars=wars,
        casualties=capped(casualties(countries), MAX_COUNTRIES, "countries' casualties", warnings),
        details=details,
        provinces=capped(provinces, MAX_PROVINCES, "provinces", warnings),
        development=development_distribution(provinces),
        achievements=Achievements(
            eligible=eligible,
            gate=gate_conditions,
            results=results,
            completed=completed,
            needs_gamedata=_needs_gamedata(results, geo),
        ),
        leaderboard=leaderboard(
            gate_conditions=gate_conditions,
            normal_start=world.normal_start,
            custom_nation=world.custom_nation,
            major=v.first,
            minor=v.second,
            days=days,
        ),
        warnings=warnings,
        gamedata=_used(geo),
        places=_places(geo, provinces),
        map=_bounded_history(
            map_history(
                ahead.changes
                if ahead.changes is not None
                else province_changes(container_of(head.get("provinces"))),
                countries,
                container_of(head.get("diplomacy")),
                dependencies,
            ),
            warnings,
        ),
    )


# --- bounds (kernel.eu4._limits) ------------------------------------------------------------


def _table(rows: list[CountryRow], players: list[str], warnings: list[str]) -> list[CountryRow]:
    """The countries table: the largest ``MAX_COUNTRIES`` (rows come largest first), and
    the players' countries wherever they rank."""
    if len(rows) <= MAX_COUNTRIES:
        return rows
    out = capped(rows, MAX_COUNTRIES, "countries owning provinces", warnings)
    for row in rows[MAX_COUNTRIES:]:
        if row.tag in players:
            out.append(row)
    return out


def _budgets(countries: dict[str, CountryData], rows: list[CountryRow]) -> list[Budget]:
    """Budgets of every country of the table, in its order (a country page shows any)."""
    out: list[Budget] = []
    for row in rows:
        country = countries.get(row.tag)
        if country is not None:
            out.append(budget(country))
    return out


def _tags(rows: list[CountryRow]) -> list[str]:
    out: list[str] = []
    for row in rows:
        out.append(row.tag)
    return out


def _ledgers_of(ledgers: Ledgers, kept: set[str]) -> Ledgers:
    """At most ``MAX_COUNTRIES`` series per ledger: those of the table's countries first,
    then others (countries gone since: a player's former tag) in the save's order."""
    return Ledgers(
        income=_series_of(ledgers.income, kept),
        nation_size=_series_of(ledgers.nation_size, kept),
        score=_series_of(ledgers.score, kept),
        inflation=_series_of(ledgers.inflation, kept),
    )


def _series_of(series: list[LedgerSeries], kept: set[str]) -> list[LedgerSeries]:
    if len(series) <= MAX_COUNTRIES:
        return series
    room = MAX_COUNTRIES - len(kept)
    out: list[LedgerSeries] = []
    for one in series:
        if one.tag in kept:
            out.append(one)
        elif room > 0:
            out.append(one)
            room -= 1
    return out


def _bounded_wars(wars: list[War], warnings: list[str]) -> list[War]:
    out: list[War] = []
    cut = 0
    for war in capped(wars, MAX_WARS, "wars", warnings):
        if len(war.battles) > MAX_BATTLES:
            cut += len(war.battles) - MAX_BATTLES
            war = msgspec.structs.replace(war, battles=war.battles[:MAX_BATTLES])
        out.append(war)
    if cut:
        warnings.append(f"{cut} battles left out: an analysis keeps {MAX_BATTLES} per war")
    return out


def _bounded_history(history: MapHistory, warnings: list[str]) -> MapHistory:
    if len(history.provinces) <= MAX_HISTORY:
        return history
    kept = capped(history.provinces, MAX_HISTORY, "province-history entries", warnings)
    return msgspec.structs.replace(history, provinces=kept)


def _ids(provinces: list[ProvinceRow]) -> list[int]:
    out: list[int] = []
    for row in provinces:
        out.append(row.id)
    return out


def _needs_gamedata(results: list[AchievementResult], geo: Geography | None) -> list[int]:
    out: list[int] = []
    if geo is None:
        for result in results:
            if result.id in NEEDS_GAMEDATA:
                out.append(result.id)
    return out


def _places(geo: Geography | None, provinces: list[ProvinceRow]) -> Places | None:
    """The bundle's areas, regions, superregions and continents, kept to the save's
    provinces (and to the areas and regions that hold any)."""
    if geo is None:
        return None
    present: set[int] = set()
    for row in provinces:
        present.add(row.id)
    areas: dict[str, list[int]] = {}
    for name, members in geo.areas.items():
        kept = _kept(members, present)
        if kept:
            areas[name] = kept
    regions: dict[str, list[str]] = {}
    for name, names in geo.regions.items():
        held = [area for area in names if area in areas]
        if held:
            regions[name] = held
    superregions: dict[str, list[str]] = {}
    for name, names in geo.superregions.items():
        held = [region for region in names if region in regions]
        if held:
            superregions[name] = held
    continents: dict[str, list[int]] = {}
    for name, members in geo.continents.items():
        kept = _kept(members, present)
        if kept:
            continents[name] = kept
    return Places(areas=areas, regions=regions, superregions=superregions, continents=continents)


def _kept(members: list[int], present: set[int]) -> list[int]:
    out: list[int] = []
    for pid in members:
        if pid in present:
            out.append(pid)
    return out


def _used(geo: Geography | None) -> GameDataUsed | None:
    if geo is None:
        return None
    return GameDataUsed(id=geo.bundle_id, label=geo.label, game=geo.game, version=geo.version)


def game_doc_encoding(container: Archive) -> str:
    return container.gamestate().encoding


def _completed(results: list[AchievementResult]) -> list[int]:
    out: list[int] = []
    for result in results:
        if result.completed:
            out.append(result.id)
    return out


def _name_of(
    country: CountryData | None, tag: str | None, player_tag: str, player_name: str
) -> str | None:
    if tag is None:
        return None
    if country is not None:
        return country_name(country, player_tag, player_name)
    return tag


def _details(
    countries: dict[str, CountryData],
    index: SaveIndex,
    tags: list[str],
    *,
    minor: int,
    player_tag: str,
    player_name: str,
) -> list[CountryDetails]:
    """The detailed view of each of ``tags`` (the players', then ``details_for``, then the
    table's countries) that the save has, once each."""
    seen: set[str] = set()
    out: list[CountryDetails] = []
    for tag in tags:
        if not tag or tag in seen or tag not in countries:
            continue
        seen.add(tag)
        out.append(
            country_details(
                country=countries[tag],
                index=index,
                minor=minor,
                player_tag=player_tag,
                player_name=player_name,
            )
        )
    return out
