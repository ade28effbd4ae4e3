"""The EU4 analysis payload: msgspec Structs shared by the server, the JSON API, the
templates and the browser.

This module is not compiled by mypyc (msgspec's ``Struct`` is not a base class mypyc
supports natively); the compiled analysis modules construct these classes as ordinary
Python objects. ``msgspec.json.schema(Eu4Analysis)`` gives the JSON Schema committed as
``docs/eu4-analysis.schema.json``.

Conventions:

- Dates are ISO-like text ``YYYY-MM-DD`` (zero padded; EU4 has 365-day years, so these
  are game dates, not Gregorian ones). ``None`` where the save has no date.
- Country tags are the three-character tags of the save (``"SWE"``, ``"D01"``).
- Manpower is in men (the save stores thousands); money is in ducats.
- Lists are in the save's order unless a field says otherwise.
- A section missing from the save (trimmed saves, fragments) gives an empty list or the
  zero value, never an error; ``Eu4Analysis.warnings`` says which sections were missing.

``SCHEMA_VERSION`` changes when a payload of the previous version would be read wrongly:
a field removed, renamed or given another meaning. A new field with a default (payloads
stored before it still decode, and readers that do not know it ignore it) keeps the
version; the schema file shows it.
"""

from __future__ import annotations

from typing import Literal

import msgspec

SCHEMA_VERSION = 1

Side = Literal["attacker", "defender", "unknown"]
# A finished war's ``outcome``: 1 white peace, 2 the attackers won, 3 the defenders won
# (read off the corpus: in "death wars" won with outcome=2 the original defender owns no
# province left; with outcome=3 the original attacker owns none).
WarOutcome = Literal["white_peace", "attacker", "defender"]
Difficulty = Literal["very_easy", "easy", "normal", "hard", "very_hard", "unknown"]
TaxManpower = Literal["historical", "random", "equal", "unknown"]
AchievementDifficulty = Literal["very_easy", "easy", "medium", "hard", "very_hard", "insane"]


class Version(msgspec.Struct, kw_only=True, frozen=True):
    """``savegame_version``: the game patch that wrote the save (``forth`` in the file)."""

    first: int = 0
    second: int = 0
    third: int = 0
    fourth: int = 0
    name: str = ""


class Player(msgspec.Struct, kw_only=True, frozen=True):
    """One ``players_countries`` pair: a player's name and the tag they play."""

    name: str
    tag: str


class Mod(msgspec.Struct, kw_only=True, frozen=True):
    """An enabled mod: ``mods_enabled_names`` (file and name) or ``mod_enabled`` (name only)."""

    name: str
    filename: str = ""


class SaveInfo(msgspec.Struct, kw_only=True, frozen=True):
    """What the save says about itself (meta and the head of the gamestate)."""

    date: str
    start_date: str | None
    days: int  # days from 1444-11-11 to date on the 365-day calendar (the leaderboard score)
    days_from_start: int  # days from the save's own start_date (custom starts) to date
    version: Version
    patch: str  # "1.36.2.0"
    savegame_versions: list[str]  # every patch the campaign was played on
    save_game: str  # the file name the game wrote
    player_tag: str  # meta "player" ("---" when observing)
    player_name: str  # meta "displayed_country_name"
    players: list[Player]  # players_countries, as in the file
    player_names: list[str]  # multiplayer player names ("Player" placeholders left out)
    human_tags: list[str]  # countries flagged human=yes
    starting_tag: str | None  # the player's country at game start (history tag switches)
    starting_name: str | None
    difficulty: Difficulty
    tax_manpower: TaxManpower  # 16th gameplay option: how starting development was set
    gameplay_options: list[int]  # setgameplayoptions as in the file
    ironman: bool
    multiplayer: bool
    observer: bool
    random_new_world: bool
    achievement_ok: bool | None  # gamestate achievement_ok (None when absent)
    mods: list[Mod]
    dlc: list[str]
    campaign_id: str
    campaign_length: int | None
    playthrough_id: str | None  # identifies a run across its saves (see _playthrough.py)
    content_hash: str  # kernel._archive.content_hash: BLAKE2b-256 of the decompressed entries
    encoding: Literal["text", "binary"]
    container: str  # kernel._archive kind: "zip", "text", ...
    current_age: str | None
    checksum: str


class IdeaGroup(msgspec.Struct, kw_only=True, frozen=True):
    """An ``active_idea_groups`` entry; the first one of a country is its national ideas."""

    name: str
    ideas: int  # ideas taken (0-7)
    national: bool


class CountryRow(msgspec.Struct, kw_only=True, frozen=True):
    """One country that owns at least one province."""

    tag: str
    name: str  # the country's own name in the save, else the player's displayed name, else the tag
    human: bool
    was_player: bool
    great_power: bool
    development: float  # base tax + production + manpower of owned provinces
    raw_development: float | None  # the country's raw_development field (None before 1.12)
    provinces: int  # owned provinces
    cities: int  # num_of_cities (owned provinces that are not colonies)
    treasury: float
    monthly_income: float  # estimated_monthly_income
    manpower: int  # men
    max_manpower: int  # men
    land_units: int  # regiments in the country's armies
    naval_units: int  # ships in the country's navies
    adm_tech: int
    dip_tech: int
    mil_tech: int
    idea_groups: list[IdeaGroup]
    ideas: int  # ideas taken in idea groups other than the national ones
    great_power_score: float
    prestige: float
    stability: float
    inflation: float
    loans: int
    debt: float  # sum of the loans' amounts
    government_rank: int
    government: str  # the government type (monarchy, republic, ...)
    religion: str
    primary_culture: str
    capital: int  # province id (0 when none)
    overlord: str | None
    army_tradition: float
    navy_tradition: float
    corruption: float


class LedgerPoint(msgspec.Struct, kw_only=True, frozen=True, array_like=True):
    """One yearly point ``[year, value]``."""

    year: int
    value: float


class LedgerSeries(msgspec.Struct, kw_only=True, frozen=True):
    """The yearly values of one country, in year order."""

    tag: str
    points: list[LedgerPoint]


class Ledgers(msgspec.Struct, kw_only=True, frozen=True):
    """The annual ledgers (``*_statistics``); countries without any data point are left out."""

    income: list[LedgerSeries] = []  # average monthly income of the year (the yearly income / 12)
    nation_size: list[LedgerSeries] = []  # provinces owned
    score: list[LedgerSeries] = []
    inflation: list[LedgerSeries] = []


class Budget(msgspec.Struct, kw_only=True, frozen=True):
    """A country's ``ledger``: income and expenses by named category, in the game's
    order; indices past the known ones are "other". A category without any money is left
    out (payloads stored before that listed zeros too): read a missing one as 0."""

    tag: str
    last_month_income: dict[str, float]
    last_month_expense: dict[str, float]
    last_month_income_total: float
    last_month_expense_total: float
    year_to_date_income: dict[str, float]
    year_to_date_expense: dict[str, float]
    last_year_income: dict[str, float]
    last_year_expense: dict[str, float]
    total_expense: dict[str, float]  # everything spent since the start


class Losses(msgspec.Struct, kw_only=True, frozen=True):
    """Casualties from ``losses.members``: men for land units, ships for naval units."""

    infantry_battle: int = 0
    infantry_attrition: int = 0
    cavalry_battle: int = 0
    cavalry_attrition: int = 0
    artillery_battle: int = 0
    artillery_attrition: int = 0
    heavy_ship_battle: int = 0
    heavy_ship_attrition: int = 0
    heavy_ship_captured: int = 0
    light_ship_battle: int = 0
    light_ship_attrition: int = 0
    light_ship_captured: int = 0
    galley_battle: int = 0
    galley_attrition: int = 0
    galley_captured: int = 0
    transport_battle: int = 0
    transport_attrition: int = 0
    transport_captured: int = 0
    land_battle: int = 0
    land_attrition: int = 0
    land_total: int = 0
    naval_battle: int = 0  # all four ship types, transports included
    naval_attrition: int = 0
    naval_captured: int = 0
    naval_total: int = 0


class CountryCasualties(msgspec.Struct, kw_only=True, frozen=True):
    """A country's casualties over the whole game (countries with none are left out)."""

    tag: str
    losses: Losses


class BattleSide(msgspec.Struct, kw_only=True, frozen=True):
    country: str
    commander: str
    infantry: int = 0
    cavalry: int = 0
    artillery: int = 0
    heavy_ship: int = 0
    light_ship: int = 0
    galley: int = 0
    transport: int = 0
    losses: int = 0


class Battle(msgspec.Struct, kw_only=True, frozen=True):
    date: str | None
    name: str
    location: int  # province id
    naval: bool
    attacker_won: bool
    attacker: BattleSide
    defender: BattleSide


class WarParticipant(msgspec.Struct, kw_only=True, frozen=True):
    tag: str
    side: Side
    joined: str | None
    left: str | None  # None while still in the war
    score: float  # the participant's "value" (contribution)
    losses: Losses


class War(msgspec.Struct, kw_only=True, frozen=True):
    name: str
    active: bool
    start: str | None  # the first history date
    end: str | None  # the last history date of a finished war
    original_attacker: str | None
    original_defender: str | None
    attackers: list[str]  # every country that joined the attackers, in order
    defenders: list[str]
    casus_belli: str | None
    participants: list[WarParticipant]
    battles: list[Battle]
    attacker_losses: int  # battle losses of the attackers (sum over battles)
    defender_losses: int
    # Who won a finished war (``outcome``); None while active or when the save does not
    # say (wars of the history setup, older patches).
    outcome: WarOutcome | None = None


class Ruler(msgspec.Struct, kw_only=True, frozen=True):
    """A monarch from the country history (``monarch`` and ``monarch_heir`` events)."""

    id: int | None
    name: str
    dynasty: str
    start: str | None  # the history date of the event
    end: str | None  # the start of the next ruler (None for the current one)
    adm: int
    dip: int
    mil: int
    personalities: list[str]


class Heir(msgspec.Struct, kw_only=True, frozen=True):
    id: int | None
    name: str
    dynasty: str
    date: str | None
    adm: int
    dip: int
    mil: int
    claim: float | None
    succeeded: bool  # a later monarch has the same id


class Leader(msgspec.Struct, kw_only=True, frozen=True):
    id: int | None
    name: str
    kind: str  # general, admiral, conquistador, explorer
    fire: int
    shock: int
    maneuver: int  # spelled manuever by older patches
    siege: int
    personality: str | None
    activation: str | None
    alive: bool  # still referenced by the country


class Privilege(msgspec.Struct, kw_only=True, frozen=True):
    name: str
    date: str | None


class Estate(msgspec.Struct, kw_only=True, frozen=True):
    type: str
    loyalty: float
    influence: float | None  # stored before 1.30; later computed by the game
    territory: float
    privileges: list[Privilege]
    influence_modifiers: int


class ManaSpent(msgspec.Struct, kw_only=True, frozen=True):
    """Monarch points spent by category (``*_spent_indexed``, decoded with the index
    table of the save's patch; indices without a known meaning are added to "other").
    A category without any points is left out (read a missing one as 0)."""

    adm: dict[str, int]
    dip: dict[str, int]
    mil: dict[str, int]
    adm_total: int
    dip_total: int
    mil_total: int


class Share(msgspec.Struct, kw_only=True, frozen=True):
    """A religion's or culture's part of a country's provinces."""

    name: str
    provinces: int
    development: float
    share: float  # of the country's development, 0..1


class State(msgspec.Struct, kw_only=True, frozen=True):
    """A state of the country (``map_area_data``); which provinces an area holds is game
    data, not in the save."""

    area: str
    prosperity: float


class HistoryEvent(msgspec.Struct, kw_only=True, frozen=True, array_like=True):
    """``[date, kind, value]``: one dated entry of a country's history.

    ``kind``: ``monarch``, ``heir``, ``queen``, ``leader`` (value: the name), ``tag`` (the
    tag it was before: ``changed_tag_from``), ``name`` (the name it had before),
    ``capital`` (province id), ``decision``, ``focus`` (national focus), ``government``,
    ``rank`` (government rank), ``religion``, ``culture`` (primary), ``accepted_culture``,
    ``removed_culture``, ``reform`` (government reform added), ``enacted`` (an idea or
    policy taken: ``<key>=yes``)."""

    date: str
    kind: str
    value: str


class Relation(msgspec.Struct, kw_only=True, frozen=True):
    """A diplomatic relation of the top-level ``diplomacy`` section, seen from one country.

    ``kind``: the section's entry (``alliance``, ``royal_marriage``, ``dependency``,
    ``guarantee``, ``military_access``, ``subsidies``, ``warning``, …); ``outgoing``: the
    country is the entry's ``first`` (the overlord of a dependency, the guarantor, the
    payer of subsidies); ``subject_type`` for dependencies."""

    kind: str
    other: str
    outgoing: bool
    start: str | None
    subject_type: str | None = None


class CountryDetails(msgspec.Struct, kw_only=True, frozen=True):
    """The detailed view of one country (every country of the countries table)."""

    tag: str
    name: str
    government: str
    reforms: list[str]
    religion: str
    primary_culture: str
    accepted_cultures: list[str]
    rulers: list[Ruler]
    heirs: list[Heir]
    leaders: list[Leader]
    estates: list[Estate]
    idea_groups: list[IdeaGroup]
    mana: ManaSpent
    religions: list[Share]  # by development, largest first
    cultures: list[Share]
    states: list[State]
    completed_missions: list[str]
    flags: list[str]
    # Fields below came with the country pages; payloads stored before lack them.
    history: list[HistoryEvent] = []  # by date, the save's order within a day
    relations: list[Relation] = []  # casus belli left out (hundreds, and no relation)
    rivals: list[str] = []
    national_focus: str | None = None  # ADM, DIP or MIL
    powers: list[int] = []  # monarch points at hand: [adm, dip, mil]
    # The government's strength: legitimacy, republican_tradition, devotion, horde_unity or
    # meritocracy, those the save gives a value other than 0 (it writes every one).
    government_strength: dict[str, float] = {}


# omit_defaults: the fields with a default are empty for most of a save's thousands of
# provinces; written out they made the payload a tenth larger. Readers take a missing
# field as its default (payloads stored before a field have none either).
class ProvinceRow(msgspec.Struct, kw_only=True, frozen=True, omit_defaults=True):
    id: int
    name: str
    owner: str | None
    controller: str | None
    cores: list[str]
    base_tax: float
    base_production: float
    base_manpower: float
    development: float
    religion: str | None
    culture: str | None
    trade_goods: str | None
    buildings: list[str]
    hre: bool
    is_city: bool
    devastation: float
    colony: bool  # a colony still growing (colonysize)
    claims: list[str] = []  # countries with a claim on it (``claims={…}``)
    # Development clicks per country (``country_improve_count={ tag= val= }``, repeated;
    # summed per tag; a value can be negative as the save has it).
    improvements: dict[str, int] = {}
    expand_infrastructure: int = 0  # times infrastructure was expanded
    centralize_state: int = 0  # ``num_centralize_state``
    exploit_date: str | None = None  # when it was last exploited (``exploit_date``)


class ProvinceChange(msgspec.Struct, kw_only=True, frozen=True, array_like=True):
    """``[day, province, field, value]``: one entry of a province's ``history`` block.

    ``day``: ``kernel.Date.days()`` of the dated block; 0 for the undated setup entries at
    the top of the block (the state the game started from). ``field``: ``owner``,
    ``controller`` (``value``: the controlling tag; ``REB`` for rebels), ``religion`` or
    ``culture``. ``value`` "" when the field was cleared (an abandoned colony)."""

    day: int
    province: int
    field: str
    value: str


class CountryChange(msgspec.Struct, kw_only=True, frozen=True, array_like=True):
    """``[day, tag, field, value]``: a dated country-history event the map replays.

    ``field`` ``tag``: the country ``tag`` was called ``value`` before ``day``
    (``changed_tag_from``); ``color``: its map colour before ``day`` was ``value``, "r g b"
    (``changed_country_mapcolor_from``)."""

    day: int
    tag: str
    field: str
    value: str


class MapHistory(msgspec.Struct, kw_only=True, frozen=True):
    """What the save says for the map beyond the provinces table (``kernel.eu4.map``)."""

    colors: dict[str, list[int]] = {}  # tag -> its map colour now ``[r, g, b]``
    provinces: list[ProvinceChange] = []  # by day, then the save's order
    countries: list[CountryChange] = []  # by day
    subjects: dict[str, list[str]] = {}  # overlord -> subjects (diplomacy dependencies)
    allies: dict[str, list[str]] = {}  # tag -> allies, both ways


class DevelopmentBucket(msgspec.Struct, kw_only=True, frozen=True, array_like=True):
    """``[low, high, count]``: owned provinces with low <= development < high."""

    low: int
    high: int
    count: int


class DevelopmentDistribution(msgspec.Struct, kw_only=True, frozen=True):
    """Development of owned provinces (the province-dev-density chart)."""

    provinces: int = 0
    total: float = 0.0
    mean: float = 0.0
    median: float = 0.0
    max: float = 0.0
    bucket_width: int = 5
    buckets: list[DevelopmentBucket] = []


class Condition(msgspec.Struct, kw_only=True, frozen=True):
    description: str
    completed: bool


class AchievementResult(msgspec.Struct, kw_only=True, frozen=True):
    id: int
    name: str
    description: str
    difficulty: AchievementDifficulty
    completed: bool  # every condition passed
    conditions: list[Condition]


class Achievements(msgspec.Struct, kw_only=True, frozen=True):
    """Every achievement of the catalogue; those that read the game's geography are
    decided only with a game-data bundle (``Eu4Analysis.gamedata``)."""

    eligible: bool  # the save passes the gate (pdx.tools: "Compatible")
    gate: list[Condition]
    results: list[AchievementResult]  # evaluated even when not eligible, for the reasons
    completed: list[int]  # ids completed by an eligible save (empty when not eligible)
    # ids not decided for want of game data: each result has the single condition saying so
    needs_gamedata: list[int] = []


class Leaderboard(msgspec.Struct, kw_only=True, frozen=True):
    eligible: bool
    checks: list[Condition]
    days: int  # days from 1444-11-11
    patch: str  # "1.36"
    supported_patch: bool  # 1.29 or later
    factor: float | None  # 1 + 0.1 x patches behind the latest
    score_days: int | None  # floor(days x factor)
    score_date: str | None  # 1444-11-11 + score_days


class GameDataUsed(msgspec.Struct, kw_only=True, frozen=True):
    """The game-data bundle the analysis read (``kernel.gamedata``)."""

    id: str  # the bundle's folder name: "eu4-1.31.6"
    label: str  # what a page says: "EU4 1.31.6 data" (+ " with <mods>")
    game: str  # "eu4"
    version: str  # the game version of the bundle: "1.31.6"


class Places(msgspec.Struct, kw_only=True, frozen=True):
    """Where the save's provinces lie, from the game-data bundle (``Eu4Analysis.places``):
    the bundle's geography kept to the provinces of the save, for the country filter by
    continent or region and the development by geography."""

    areas: dict[str, list[int]] = {}  # area -> its provinces (of the save)
    regions: dict[str, list[str]] = {}  # region -> its areas
    superregions: dict[str, list[str]] = {}  # superregion -> its regions
    continents: dict[str, list[int]] = {}  # continent -> its provinces (of the save)


class Eu4Analysis(msgspec.Struct, kw_only=True, frozen=True):
    """Everything the analysis pages show for one EU4 save."""

    schema_version: int = SCHEMA_VERSION
    info: SaveInfo
    countries: list[CountryRow]  # by development, largest first
    ledgers: Ledgers
    budgets: list[Budget]  # every country of the table, same order
    wars: list[War]  # active wars first, then previous wars, each in save order
    casualties: list[CountryCasualties]  # by total losses, largest first
    details: list[CountryDetails]  # the players' countries first, then the table's order
    provinces: list[ProvinceRow]  # by id
    development: DevelopmentDistribution
    achievements: Achievements
    leaderboard: Leaderboard
    warnings: list[str]  # sections missing from the save, and similar notes
    gamedata: GameDataUsed | None = None  # None: analyzed without game data
    map: MapHistory = MapHistory()  # empty in payloads stored before the map
    places: Places | None = None  # None: analyzed without game data
