"""Achievements decidable from the save alone (no game-data bundle: no areas, regions,
continents, terrain or culture groups), with the conditions of each.

The rules follow pdx.tools' detectors (``eu4game/src/achievements.rs``): a save must first
pass the gate (binary ironman, single player, one human, historical tax/manpower, no
Random New World, no history dated after the save, a known starting country); then every
achievement requires no custom nations and the 1444-11-11 start, plus its own
conditions. An achievement is completed when all its conditions pass. Results are given
for every save, eligible or not, so the page can say why.

Not implemented here (they need game geography or culture groups): Basileus, African
Power, The Three Mountains, Luck of the Irish, The Re-Reconquista, Sun Never Sets on the
Indian Empire, Albania or Iberia, Dracula's Revenge, This is Persia!, Baltic Crusader,
Take that von Habsburgs!, The Buddhists Strike Back, Big Blue Blob, Lazarus, tatarstan,
Terra Mariana, Mare Nostrum, Gold Rush, Avar Khaganate, Great Moravia, Empire of Mann,
Eat your Greens, True Heir of Timur, Never say Nevers, Tiger of Mysore, Stiff Upper
Lippe, Where are the penguins?, Knights of the Caribbean, Australia-Hungary, Shemot is
Not, Swahili Persuasion, I don't like Sand, Brick by Brick, Almost Prussian Blue,
Mehmet's Ambition.
"""

from __future__ import annotations

from typing import Final

from kernel._document import Value
from kernel._scalars import Date
from kernel.eu4._countries import CountryData, reforms
from kernel.eu4._diplomacy import Dependency
from kernel.eu4._history import history_value
from kernel.eu4._read import EU4_START, container_of, integer, number, opt_text, text
from kernel.eu4.types import AchievementDifficulty, AchievementResult, Condition, ProvinceRow

# id -> (name, difficulty, description)
CATALOGUE: Final[dict[int, tuple[str, AchievementDifficulty, str]]] = {
    18: ("Italian Ambition", "medium", "Form Italy."),
    34: ("An early Reich", "hard", "Form Germany."),
    40: ("A Kaiser not just in name", "hard", "Form the Holy Roman Empire (HLR)."),
    47: ("Ruina Imperii", "medium", "Dismantle the Holy Roman Empire: no country in it."),
    48: (
        "World Conqueror",
        "very_hard",
        "Own every province, directly or by non-tributary subjects.",
    ),
    69: ("Je maintiendrai", "medium", "Start as a Dutch-culture nation and form the Netherlands."),
    89: ("Shahanshah", "very_hard", "Start as Ardabil and form Persia."),
    92: ("Switzerlake", "medium", "As Switzerland, own at least 99 cities and no ports."),
    93: ("King of Jerusalem", "hard", "Start as Cyprus or the Knights and form Jerusalem."),
    99: ("Prester John", "hard", "As Coptic Ethiopia, own and core provinces 358, 2313 and 151."),
    109: ("Over a Thousand!", "hard", "Own more than 1000 provinces directly."),
    134: ("Better than Napoleon", "hard", "As France, own and core Moscow, Berlin and Vienna."),
    150: ("One Faith!", "insane", "Every owned province in the world follows your religion."),
    154: (
        "The Third Way",
        "very_hard",
        "Start Ibadi, stay Ibadi, and leave no Sunni or Shiite province.",
    ),
    155: (
        "Back to the Piast",
        "hard",
        "Start as Mazovia or Silesia (or Opole, Glogow) and form Poland.",
    ),
    193: (
        "A tale of two Families",
        "medium",
        "As Vijayanagar or Bahmanis, take the other's capital and end them.",
    ),
    198: ("Not just Pizza", "medium", "Start as Naples and become a great power."),
    200: ("A Blessed Nation", "hard", "As a Coptic nation, have 5 blessings."),
    210: (
        "Rise of the White Sheep",
        "medium",
        "Start as Aq Qoyunlu, own Tabriz, and end Qara Qoyunlu.",
    ),
    233: (
        "Lessons of Hemmingstedt",
        "medium",
        "As Dithmarschen, own Sjaelland and Holland, and end Denmark.",
    ),
    237: ("Good King René", "hard", "Start as Provence and form Jerusalem."),
    242: ("A Hero's Welcome", "hard", "Start as Karaman and form Rûm."),
    244: ("Voltaire's Nightmare", "medium", "Have 100 countries in the HRE (75 before 1.30)."),
    296: ("AEIOU", "hard", "Complete the Austrian mission tree."),
    298: (
        "Everything's Coming Up Mulhouse",
        "hard",
        "As Mulhouse, become emperor and enact Reichskrieg.",
    ),
    299: ("Global Hegemony", "hard", "Reach 100% progress of a hegemony."),
    300: (
        "God Tier",
        "hard",
        "Be the defender of a non-Catholic, non-Sunni faith of 50 countries.",
    ),
    301: ("Spaghetti Western", "hard", "Start as Bologna and become Mexico or Texas (or Sonora)."),
    302: (
        "Don't be Cilli",
        "medium",
        "Start as Cilli and become another nation without release-and-play.",
    ),
    304: (
        "Stern des Südens",
        "hard",
        "Start as Munich, form Bavaria, and have Bremen own Werder as a subject.",
    ),
    305: ("Kingdom of God", "hard", "As the Papal States, become the Kingdom of God."),
    307: (
        "On the Rhodes Again",
        "hard",
        "As the Knights, own and core provinces 151, 2313 and 379.",
    ),
    321: ("Ultimate Military", "medium", "As Songhai, have Prussia and Nepal as marches."),
    326: ("KHAAAAAAN", "medium", "Form the Mongol Empire before the age of absolutism."),
    330: (
        "One nation to rule them all",
        "very_hard",
        "As Saruhan, have 9 vassals of 100 development.",
    ),
    335: ("Atwix Legacy", "medium", "Have 10 personal unions."),
    340: (
        "Holy Horder",
        "medium",
        "Start as the Teutonic Order and enact the Holy Horde as the Mongol Empire.",
    ),
    344: (
        "Purify the Temple",
        "medium",
        "As Riga, enact Salvific Plutocracy and loot the heretic church of Rome.",
    ),
    346: ("Hanukkah Mutapa", "medium", "As Jewish Mutapa, celebrate a festival."),
    10000: ("Form the Roman Empire", "medium", "Form the Roman Empire (custom)."),
}

AEIOU_MISSIONS: Final = (
    "emp_hab_union_with_poland",
    "emp_hab_no_one_to_threaten_us",
    "emp_hab_imperial_border",
    "emp_hab_empire_united_in_religion",
    "emp_hab_an_empire_roman",
    "emp_hab_empire_pass_reforms",
    "emp_hab_balanced_estates",
    "emp_hab_prospering_nation",
    "emp_hab_viennese_waltz",
    "emp_hab_the_hungarian_question",
    "emp_hab_all_minorities_are_welcome",
    "emp_hab_take_salzburg",
    "emp_hab_union_bayern",
    "emp_hab_swabia",
    "emp_hab_union_brandenburg",
    "emp_hab_connect_further_austria",
    "emp_hab_conquer_switzerland",
    "emp_hab_conquer_burgundy",
    "emp_hab_conquer_france",
    "emp_hab_take_serbia",
    "emp_hab_take_wallachia_bulgaria",
    "emp_hab_scourge_of_europe",
    "emp_hab_veneto_lombardy",
    "emp_hab_naples",
    "emp_hab_balance_of_power",
    "emp_hab_spread_dynasties",
    "emp_hab_our_balance_of_power",
    "emp_hab_crush_the_revolution",
    "emp_hab_power_to_habsburg",
    "emp_hab_austrian_netherlands",
    "emp_hab_ostend_company",
    "emp_hab_indian_trading",
    "emp_hab_foothold_in_china",
    "emp_hab_austrialasia",
    "emp_hab_develop_hungary_bohemia",
    "secure_the_imperial_crown",
    "subjugate_bohemia",
    "recover_silesia",
    "partition_poland",
    "subjugate_hungary",
    "austrian_hungary",
    "austrian_croatia",
    "conquer_transylvania",
    "austrian_italian_ambition",
    "emp_hab_imperial_capitals",
)


class Hegemon:
    def __init__(self, kind: str, country: str, progress: float) -> None:
        self.kind = kind
        self.country = country
        self.progress = progress


class World:
    """Everything the detectors read, gathered once."""

    def __init__(
        self,
        *,
        tag: str,
        starting_tag: str | None,
        countries: dict[str, CountryData],
        provinces: list[ProvinceRow],
        dependencies: list[Dependency],
        minor: int,
        save_date: Date,
        start_date: Date | None,
        current_age: str,
    ) -> None:
        self.tag = tag
        self.start = starting_tag if starting_tag is not None else ""
        self.countries = countries
        self.country = countries.get(tag)
        self.provinces = provinces
        self.by_id: dict[int, ProvinceRow] = {}
        self.owners: set[str] = set()
        for row in provinces:
            self.by_id[row.id] = row
            if row.owner is not None:
                self.owners.add(row.owner)
        self.dependencies = dependencies
        self.minor = minor
        self.year = save_date.year
        self.normal_start = start_date is not None and start_date == EU4_START
        self.current_age = current_age
        self.emperor = ""
        self.passed_reforms: list[str] = []
        self.hegemons: list[Hegemon] = []
        self.defenders: dict[str, str] = {}  # religion -> defender of the faith
        custom = False
        for country in countries.values():
            if country.get("custom_nation_points") is not None:
                custom = True
                break
        self.custom_nation = custom
        self.subjects: set[str] = set()
        self.non_tributary: set[str] = {tag}
        for dep in dependencies:
            if dep.first == tag:
                self.subjects.add(dep.second)
        if self.country is not None:
            subjects = container_of(self.country.get("subjects"))
            if subjects is not None:
                for item in subjects.values():
                    name = opt_text(item)
                    if name is not None:
                        self.subjects.add(name)
        for subject in self.subjects:
            sc = countries.get(subject)
            if sc is None or sc.get("tribute_type") is None:
                self.non_tributary.add(subject)

    # -- facts ------------------------------------------------------------------------

    def flags(self) -> list[str]:
        return self.country.flag_names() if self.country is not None else []

    def religion(self) -> str:
        return self.country.religion if self.country is not None else ""

    def switched(self) -> bool:
        if self.country is None:
            return False
        return text(self.country.get("has_switched_nation")) == "yes"

    def owns(self, pid: int, tag: str) -> bool:
        row = self.by_id.get(pid)
        return row is not None and row.owner == tag

    def owns_core(self, pid: int) -> bool:
        row = self.by_id.get(pid)
        return row is not None and row.owner == self.tag and self.tag in row.cores

    def exists(self, tag: str) -> bool:
        """Whether the country owns any province."""
        return tag in self.owners

    def living(self, country: CountryData) -> bool:
        cities = country.get("num_of_cities")
        if cities is not None:
            return integer(cities) >= 1
        return country.provinces > 0

    def hre_countries(self) -> int:
        count = 0
        for country in self.countries.values():
            if not self.living(country):
                continue
            capital = self.by_id.get(integer(country.get("capital")))
            if capital is not None and capital.hre:
                count += 1
        return count


def add_world_state(
    w: World,
    empire: Value | None,
    hegemons: list[tuple[str, Value | None]],
    religion_instance_data: Value | None,
) -> None:
    """The HRE (emperor, passed reforms), the hegemons and the defenders of the faith."""
    block = container_of(empire)
    if block is not None:
        w.emperor = text(block.get("emperor"))
        for reform in block.get_all("passed_reform"):
            name = opt_text(reform)
            if name is not None:
                w.passed_reforms.append(name)
    for kind, value in hegemons:
        hc = container_of(value)
        if hc is not None:
            w.hegemons.append(Hegemon(kind, text(hc.get("country")), number(hc.get("progress"))))
    religions = container_of(religion_instance_data)
    if religions is not None:
        for religion, data in religions.pairs():
            rc = container_of(data)
            if rc is None:
                continue
            defender = opt_text(rc.get("defender"))
            if defender is not None and defender != "---":
                w.defenders[religion] = defender


def _c(description: str, completed: bool) -> Condition:
    return Condition(description=description, completed=completed)


def _common(w: World) -> list[Condition]:
    return [
        _c("no custom nations", not w.custom_nation),
        _c("start date of 1444.11.11", w.normal_start),
    ]


def _no_switch(w: World) -> Condition:
    return _c("has not released and played a vassal", not w.switched())


def _started(w: World, tags: tuple[str, ...], label: str) -> Condition:
    return _c(f"started as {label} (started as {w.start or 'unknown'})", w.start in tags)


def _playing(w: World, tags: tuple[str, ...], label: str) -> Condition:
    return _c(f"currently {label} (playing as {w.tag})", w.tag in tags)


def _core_province(w: World, pid: int) -> Condition:
    row = w.by_id.get(pid)
    name = row.name if row is not None else "unknown"
    return _c(f"{pid} ({name}) owned and cored by the player", w.owns_core(pid))


def _has_flag(w: World, name: str, description: str) -> Condition:
    return _c(description, name in w.flags())


def _has_reform(w: World, name: str, description: str) -> Condition:
    found = w.country is not None and name in reforms(w.country)
    return _c(description, found)


def _dependencies_of(w: World, subject_type: str) -> list[str]:
    out: list[str] = []
    for dep in w.dependencies:
        if dep.first == w.tag and dep.subject_type == subject_type:
            out.append(dep.second)
    return out


def evaluate(w: World) -> list[AchievementResult]:
    """Every implemented achievement, in id order."""
    out: list[AchievementResult] = []
    for aid in sorted(CATALOGUE):
        conditions = _common(w)
        conditions.extend(_specific(w, aid))
        name, difficulty, description = CATALOGUE[aid]
        completed = True
        for cond in conditions:
            if not cond.completed:
                completed = False
        out.append(
            AchievementResult(
                id=aid,
                name=name,
                description=description,
                difficulty=difficulty,
                completed=completed,
                conditions=conditions,
            )
        )
    return out


def _specific(w: World, aid: int) -> list[Condition]:
    if aid == 18:
        return [_playing(w, ("ITA",), "Italy")]
    if aid == 34:
        return [_playing(w, ("GER",), "Germany")]
    if aid == 40:
        return [_playing(w, ("HLR",), "the Holy Roman Empire")]
    if aid == 47:
        hre = w.hre_countries()
        hlr = w.countries.get("HLR")
        return [
            _c(f"no countries in the HRE ({hre} with a capital in it)", hre == 0),
            _c("the Holy Roman Empire (HLR) does not exist", hlr is None or not w.living(hlr)),
        ]
    if aid == 48:
        others = len(w.owners - w.non_tributary)
        return [
            _c(
                f"only the player and non-tributary subjects own provinces ({others} other owners)",
                bool(w.owners) and others == 0,
            )
        ]
    if aid == 69:
        culture = ""
        start = w.countries.get(w.start)
        if start is not None:
            culture = history_value(start, "primary_culture") or ""
        return [
            _playing(w, ("NED",), "the Netherlands"),
            _c("started as a nation with Dutch primary culture", culture == "dutch"),
        ]
    if aid == 89:
        return [
            _no_switch(w),
            _started(w, ("ARL",), "Ardabil"),
            _playing(w, ("PER",), "Persia"),
        ]
    if aid == 92:
        cities = integer(w.country.get("num_of_cities")) if w.country is not None else 0
        ports = integer(w.country.get("num_of_total_ports"), 1) if w.country is not None else 1
        return [
            _no_switch(w),
            _started(w, ("SWI",), "Switzerland"),
            _c(f"owns at least 99 cities ({cities})", cities >= 99),
            _c(f"owns zero ports ({ports})", ports == 0),
        ]
    if aid == 93:
        return [
            _started(w, ("KNI", "CYP"), "Cyprus or the Knights"),
            _playing(w, ("KOJ",), "Jerusalem"),
        ]
    if aid == 99:
        return [
            _started(w, ("ETH",), "Ethiopia"),
            _c("is Coptic", w.religion() == "coptic"),
            _core_province(w, 358),
            _core_province(w, 2313),
            _core_province(w, 151),
        ]
    if aid == 109:
        owned = 0
        for row in w.provinces:
            if row.owner == w.tag:
                owned += 1
        return [_c(f"directly own more than 1000 provinces ({owned} owned)", owned > 1000)]
    if aid == 134:
        return [
            _no_switch(w),
            _started(w, ("FRA",), "France"),
            _playing(w, ("FRA",), "France"),
            _core_province(w, 295),
            _core_province(w, 50),
            _core_province(w, 134),
        ]
    if aid == 150:
        religion = w.religion()
        others = 0
        for row in w.provinces:
            if row.owner is not None and row.religion is not None and row.religion != religion:
                others += 1
        return [
            _c(
                f"all owned provinces follow the player's religion ({others} do not)",
                bool(religion) and others == 0,
            )
        ]
    if aid == 154:
        started = ""
        if w.country is not None:
            started = history_value(w.country, "religion") or ""
        sunni_shiite = 0
        for row in w.provinces:
            if row.religion == "sunni" or row.religion == "shiite":
                sunni_shiite += 1
        return [
            _no_switch(w),
            _c("started Ibadi", started == "ibadi"),
            _c("is Ibadi", w.religion() == "ibadi"),
            _c(f"no province follows Sunni or Shiite Islam ({sunni_shiite} do)", sunni_shiite == 0),
        ]
    if aid == 155:
        starters = ("MAZ", "SIL") if w.minor < 31 else ("MAZ", "SIL", "OPL", "GLG")
        label = "Silesia or Mazovia" if w.minor < 31 else "Silesia, Mazovia, Opole or Glogow"
        return [_no_switch(w), _started(w, starters, label), _playing(w, ("POL",), "Poland")]
    if aid == 193:
        main = False
        if w.start == "BAH" and w.tag == "BAH":
            main = not w.exists("VIJ")
        elif w.start == "VIJ" and w.tag == "VIJ":
            main = not w.exists("BAH")
        return [
            _core_province(w, 1948),
            _core_province(w, 541),
            _c("playing as Bahmanis or Vijayanagar and the other does not exist", main),
        ]
    if aid == 198:
        return [
            _started(w, ("NAP",), "Naples"),
            _has_flag(w, "became_great_power_flag", "became a great power"),
        ]
    if aid == 200:
        blessings = len(w.country.all("blessing")) if w.country is not None else 0
        return [
            _c("is Coptic", w.religion() == "coptic"),
            _c(f"has 5 active blessings ({blessings})", blessings >= 5),
        ]
    if aid == 210:
        return [
            _started(w, ("AKK",), "Aq Qoyunlu"),
            _c("owns Tabriz (416)", w.start != "" and w.owns(416, w.start)),
            _c("Qara Qoyunlu (QAR) does not exist", not w.exists("QAR")),
        ]
    if aid == 233:
        return [
            _started(w, ("DTT",), "Dithmarschen"),
            _c("Denmark (DAN) does not exist", not w.exists("DAN")),
            _c("owns Sjaelland (12)", w.owns(12, "DTT")),
            _c("owns Holland (97)", w.owns(97, "DTT")),
        ]
    if aid == 237:
        return [_started(w, ("PRO",), "Provence"), _playing(w, ("KOJ",), "Jerusalem")]
    if aid == 242:
        return [_started(w, ("KAR",), "Karaman"), _playing(w, ("RUM",), "Rûm")]
    if aid == 244:
        hre = w.hre_countries()
        need = 100 if w.minor >= 30 else 75
        return [_c(f"{need} countries in the HRE ({hre})", hre >= need)]
    if aid == 296:
        done: set[str] = set()
        if w.country is not None:
            block = container_of(w.country.get("completed_missions"))
            if block is not None:
                for item in block.values():
                    name = opt_text(item)
                    if name is not None:
                        done.add(name)
        missing = 0
        for mission in AEIOU_MISSIONS:
            if mission not in done:
                missing += 1
        return [
            _c(
                f"completed the Austrian mission tree ({len(AEIOU_MISSIONS) - missing} of "
                f"{len(AEIOU_MISSIONS)} missions)",
                missing == 0,
            )
        ]
    if aid == 298:
        return [
            _started(w, ("MLH",), "Mulhouse"),
            _c("is emperor", w.emperor != "" and w.emperor == w.tag),
            _c("enacted Reichskrieg", "emperor_reichskrieg" in w.passed_reforms),
        ]
    if aid == 299:
        best = 0.0
        for hegemon in w.hegemons:
            if hegemon.country == w.tag and hegemon.progress > best:
                best = hegemon.progress
        return [_c(f"has 100% progress in a hegemony ({best:g}%)", best >= 100.0)]
    if aid == 300:
        religion = w.religion()
        defender = religion != "" and w.defenders.get(religion) == w.tag
        followers = 0
        if defender:
            for country in w.countries.values():
                if w.living(country) and country.religion == religion:
                    followers += 1
        return [
            _c("is not Catholic or Sunni", religion not in ("", "catholic", "sunni")),
            _c("is defender of the faith", defender),
            _c(f"tier 5: 50 countries of the faith ({followers})", defender and followers >= 50),
        ]
    if aid == 301:
        tags = ("MEX", "TEX") if w.minor < 31 else ("MEX", "TEX", "SNA")
        label = "Mexico or Texas" if w.minor < 31 else "Mexico, Texas or Sonora"
        return [_started(w, ("BLG",), "Bologna"), _playing(w, tags, label)]
    if aid == 302:
        return [
            _no_switch(w),
            _started(w, ("CLI",), "Cilli"),
            _c(f"currently not Cilli (playing as {w.tag})", w.tag != "CLI"),
        ]
    if aid == 304:
        return [
            _started(w, ("UBV",), "Munich"),
            _playing(w, ("BAV",), "Bavaria"),
            _c("Bremen (BRE) is a subject", "BRE" in w.subjects),
            _c("Bremen owns Werder (2778)", w.owns(2778, "BRE")),
        ]
    if aid == 305:
        return [
            _started(w, ("PAP",), "the Papal States"),
            _has_flag(w, "is_kingdom_of_god_flag", "has the Kingdom of God flag"),
        ]
    if aid == 307:
        return [
            _no_switch(w),
            _started(w, ("KNI",), "the Knights"),
            _core_province(w, 151),
            _core_province(w, 2313),
            _core_province(w, 379),
        ]
    if aid == 321:
        marches = _dependencies_of(w, "march") if w.tag == "SON" else []
        return [
            _started(w, ("SON",), "Songhai"),
            _playing(w, ("SON",), "Songhai"),
            _c("Prussia (PRU) is a march", "PRU" in marches),
            _c("Nepal (NPL) is a march", "NPL" in marches),
        ]
    if aid == 326:
        late = w.current_age == "age_of_absolutism" or w.current_age == "age_of_revolutions"
        return [
            _playing(w, ("MGE",), "the Mongol Empire"),
            _c(
                f"not the age of absolutism or revolutions ({w.current_age or 'unknown'})", not late
            ),
        ]
    if aid == 330:
        large = 0
        for subject in _dependencies_of(w, "vassal"):
            sc = w.countries.get(subject)
            if sc is not None and number(sc.get("development")) >= 100.0:
                large += 1
        return [
            _playing(w, ("SRU",), "Saruhan"),
            _c(f"9 vassals with at least 100 development ({large})", large >= 9),
        ]
    if aid == 335:
        unions = len(_dependencies_of(w, "personal_union"))
        return [_c(f"10 personal unions ({unions})", unions >= 10)]
    if aid == 340:
        return [
            _no_switch(w),
            _started(w, ("TEU",), "the Teutonic Order"),
            _playing(w, ("MGE",), "the Mongol Empire"),
            _has_reform(w, "holy_horde_reform", "Holy Horde government reform enacted"),
        ]
    if aid == 344:
        return [
            _started(w, ("RIG",), "Riga"),
            _has_reform(
                w, "reformer_state_reform", "Salvific Plutocracy government reform enacted"
            ),
            _has_flag(w, "looted_heretic_church_of_rome", "raided the heretic church of Rome"),
        ]
    if aid == 346:
        return [
            _started(w, ("ZIM",), "Mutapa"),
            _c("is Jewish", w.religion() == "jewish"),
            _has_flag(w, "has_celebrated_festival", "has celebrated a festival"),
        ]
    if aid == 10000:
        return [_playing(w, ("ROM",), "the Roman Empire")]
    return []
