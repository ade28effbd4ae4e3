"""The Stellaris analysis payload: msgspec Structs shared by the server, the JSON API, the
templates and the browser.

Not compiled by mypyc (like ``kernel.eu4.types``): the compiled reader builds these as
ordinary Python objects.

Conventions:

- Ids are the save's own ids (country, planet, system, war, federation ids).
- Names are composed from the save's name structures (``{key=… variables={…}}``) by
  ``kernel.stellaris._names``: readable text, never a bare localisation key; where the
  save names a thing only by a localisation key the game itself translates
  (``EMPIRE_DESIGN_humans1``, ``NAME_Earth``), the key is made readable (prefix dropped,
  underscores to spaces) unless the kernel knows the name.
- Dates are the save's text (``2250.11.15``). Money and resources are monthly amounts.
- A section missing from the save gives an empty list or zero, never an error;
  ``warnings`` says which sections were missing.

``SCHEMA_VERSION`` changes when a payload of the previous version would be read wrongly.
"""

from __future__ import annotations

import msgspec

SCHEMA_VERSION = 1


class Resources(msgspec.Struct, kw_only=True, frozen=True):
    """Monthly amounts of the main resources (the budget's ``current_month``), summed over
    the budget's categories. ``research`` is physics + society + engineering."""

    energy: float = 0.0
    minerals: float = 0.0
    food: float = 0.0
    alloys: float = 0.0
    consumer_goods: float = 0.0
    influence: float = 0.0
    unity: float = 0.0
    physics_research: float = 0.0
    society_research: float = 0.0
    engineering_research: float = 0.0
    research: float = 0.0


class Empire(msgspec.Struct, kw_only=True, frozen=True):
    """One row of the empires table: a country of type ``default`` (a regular empire),
    ``fallen_empire`` or ``awakened_fallen_empire``, and any country a player plays."""

    id: int
    name: str
    type: str
    player: bool = False
    player_name: str | None = None  # the player's name (``player={ {name=… country=…} }``)
    capital: int | None = None  # planet id
    capital_name: str | None = None
    systems: int = 0  # systems holding a planet the country controls
    planets: int = 0  # ``owned_planets``
    pops: int = 0  # ``num_sapient_pops`` summed over the owned planets
    fleet_power: float = 0.0  # ``military_power``
    economy_power: float = 0.0
    tech_power: float = 0.0
    victory_rank: int | None = None
    victory_score: float | None = None
    income: Resources = Resources()  # net monthly balance (income - expenses)
    technologies: int = 0  # ``tech_status``'s researched technologies
    federation: int | None = None


class Species(msgspec.Struct, kw_only=True, frozen=True):
    name: str
    traits: list[str] = []


class PlayerDetails(msgspec.Struct, kw_only=True, frozen=True):
    """The player's country in more detail than its table row."""

    id: int
    name: str
    adjective: str | None = None
    player_name: str | None = None
    government: str | None = None  # ``gov_representative_democracy``
    authority: str | None = None  # ``auth_democratic``
    origin: str | None = None
    civics: list[str] = []
    ethics: list[str] = []
    personality: str | None = None
    species: Species | None = None  # the founder species
    traditions: list[str] = []
    ascension_perks: list[str] = []
    technologies: list[str] = []
    gross_income: Resources = Resources()
    expenses: Resources = Resources()
    empire_size: int | None = None
    fleet_size: int | None = None  # naval capacity used
    wars: list[int] = []  # ids of the wars it is in
    last_date_at_war: str | None = None


class WarSide(msgspec.Struct, kw_only=True, frozen=True):
    country: int
    name: str  # the country's composed name, or "country N" when it is gone
    call_type: str | None = None  # ``primary``, ``defensive``, ``overlord`` …


class War(msgspec.Struct, kw_only=True, frozen=True):
    id: int
    name: str
    start_date: str | None = None
    attackers: list[WarSide] = []
    defenders: list[WarSide] = []
    attacker_war_goal: str | None = None  # ``wg_subjugation`` …
    defender_war_goal: str | None = None
    attacker_war_exhaustion: float | None = None
    defender_war_exhaustion: float | None = None


class Federation(msgspec.Struct, kw_only=True, frozen=True):
    id: int
    name: str
    leader: int | None = None
    members: list[int] = []
    type: str | None = None  # ``federation_progression``'s ``federation_type``
    level: int | None = None


class Galaxy(msgspec.Struct, kw_only=True, frozen=True):
    """The galaxy as a whole: the game's settings (``galaxy={…}``) and counts."""

    date: str | None = None
    version: str | None = None
    name: str | None = None  # the save's name (the player's empire, from ``meta``)
    template: str | None = None  # ``huge``
    shape: str | None = None  # ``elliptical``
    difficulty: str | None = None
    systems: int = 0  # ``galactic_object`` entries
    planets: int = 0  # every body (stars, planets, moons, asteroids)
    colonized_planets: int = 0  # planets with an owner
    pops: int = 0
    countries: int = 0  # every country entry (empires, primitives, fallen empires, …)
    empires: int = 0  # the empires table's rows
    wars: int = 0
    federations: int = 0


class StellarisAnalysis(msgspec.Struct, kw_only=True, frozen=True):
    """``kernel.stellaris.analyze``: what ``python -m kernel analyze`` prints for a
    Stellaris save."""

    game: str = "stellaris"
    date: str | None = None
    version: str | None = None
    ironman: bool | None = None
    player: int | None = None  # the player's country id
    player_name: str | None = None
    empires: list[Empire] = []  # by fleet power, strongest first
    player_details: PlayerDetails | None = None
    wars: list[War] = []
    federations: list[Federation] = []
    galaxy: Galaxy = Galaxy()
    warnings: list[str] = []
    schema_version: int = SCHEMA_VERSION


class StellarisSummary(
    msgspec.Struct, kw_only=True, frozen=True, tag_field="game", tag="stellaris"
):
    """What a Stellaris save's ``meta`` says (the cheap summary; ``StellarisAnalysis`` is
    the full one)."""

    date: str | None = None
    empire: str | None = None  # meta name: the player's empire ("United Nations of Earth")
    fleets: int | None = None  # meta_fleets
    planets: int | None = None  # meta_planets
