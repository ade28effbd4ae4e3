"""EU4 achievements, with the conditions of each.

The rules follow pdx.tools' detectors (``eu4game/src/achievements.rs``): a save must first
pass the gate (binary ironman, single player, one human, historical tax/manpower, no
Random New World, no history dated after the save, a known starting country, the province
list of the patch); then every achievement requires no custom nations and the 1444-11-11
start, plus its own conditions. An achievement is completed when all its conditions pass.
Results are given for every save, eligible or not, so the page can say why.

Most rules read the save alone. Those of ``NEEDS_GAMEDATA`` also read the game's geography
from a game-data bundle (``kernel.eu4._geography``: areas, regions, superregions,
continents, terrain, islands, culture groups); without one, each is reported undecided
with a single condition that says what it needs. The province lists a rule needs are
computed once per bundle and kept with it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from kernel._document import Value
from kernel._scalars import Date
from kernel.eu4._countries import CountryData, reforms
from kernel.eu4._diplomacy import Dependency
from kernel.eu4._geography import Geography
from kernel.eu4._history import history_value
from kernel.eu4._read import (
    EU4_START,
    container_of,
    integer,
    number,
    opt_text,
    text,
    texts,
)
from kernel.eu4.types import AchievementDifficulty, AchievementResult, Condition, ProvinceRow

# id -> (name, difficulty, description)
CATALOGUE: Final[dict[int, tuple[str, AchievementDifficulty, str]]] = {
    18: ("Italian Ambition", "medium", "Form Italy."),
    34: ("An early Reich", "hard", "Form Germany."),
    38: ("Basileus", "very_hard", "Start as Byzantium and own and core Greece and Anatolia."),
    40: ("A Kaiser not just in name", "hard", "Form the Holy Roman Empire (HLR)."),
    42: ("African Power", "very_hard", "As Kongo, own and core all of Africa."),
    47: ("Ruina Imperii", "medium", "Dismantle the Holy Roman Empire: no country in it."),
    48: (
        "World Conqueror",
        "very_hard",
        "Own every province, directly or by non-tributary subjects.",
    ),
    49: ("The Three Mountains", "insane", "Start as Ryukyu and conquer the world."),
    55: (
        "Luck of the Irish",
        "hard",
        "Start as an Irish-culture nation and own and core the British Isles.",
    ),
    64: (
        "The Re-Reconquista",
        "very_hard",
        "Start as Granada, form Andalusia and own and core Iberia.",
    ),
    69: ("Je maintiendrai", "medium", "Start as a Dutch-culture nation and form the Netherlands."),
    89: ("Shahanshah", "very_hard", "Start as Ardabil and form Persia."),
    92: ("Switzerlake", "medium", "As Switzerland, own at least 99 cities and no ports."),
    93: ("King of Jerusalem", "hard", "Start as Cyprus or the Knights and form Jerusalem."),
    99: ("Prester John", "hard", "As Coptic Ethiopia, own and core provinces 358, 2313 and 151."),
    105: ("Albania or Iberia", "very_hard", "Start as Albania and hold Iberia and the Caucasus."),
    108: (
        "Sun Never Sets on the Indian Empire",
        "hard",
        "As Hindustan or Bharat, hold four provinces across the world.",
    ),
    109: ("Over a Thousand!", "hard", "Own more than 1000 provinces directly."),
    110: ("Dracula's Revenge", "hard", "Start Romanian, form Romania and hold the Balkans."),
    118: ("This is Persia!", "very_hard", "As Persia, own and core Anatolia, Egypt and Greece."),
    121: (
        "Baltic Crusader",
        "hard",
        "As the Teutonic or Livonian Order, own, core and convert Russia to Catholicism.",
    ),
    131: ("Take that, von Habsburgs!", "medium", "As Hungary, own and core Austria."),
    133: (
        "The Buddhists Strike Back",
        "very_hard",
        "Start as Kotte or Kandy and own and core India, all Theravada.",
    ),
    134: ("Better than Napoleon", "hard", "As France, own and core Moscow, Berlin and Vienna."),
    135: (
        "Big Blue Blob",
        "very_hard",
        "As France, own and core 100 provinces in Europe before 1500.",
    ),
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
    157: ("Lazarus", "hard", "As Serbia, own and core the Balkans."),
    159: ("tatarstan", "medium", "As Kazan or Nogai, own every province of Tatar culture."),
    160: ("Terra Mariana", "hard", "As Riga, hold the Baltic region."),
    171: (
        "Mare Nostrum",
        "hard",
        "As the Roman Empire (not started as the Papal States), own the Mediterranean coast.",
    ),
    193: (
        "A tale of two Families",
        "medium",
        "As Vijayanagar or Bahmanis, take the other's capital and end them.",
    ),
    198: ("Not just Pizza", "medium", "Start as Naples and become a great power."),
    200: ("A Blessed Nation", "hard", "As a Coptic nation, have 5 blessings."),
    208: (
        "Gold Rush",
        "medium",
        "Start as a Tatar steppe horde and form the Golden Horde before 1500.",
    ),
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
    239: ("Avar Khaganate", "very_hard", "Start as Avaria, become an empire and own Hungary."),
    241: (
        "Great Moravia",
        "medium",
        "As Moravia or Nitra, own and core the Great Moravian borders.",
    ),
    242: ("A Hero's Welcome", "hard", "Start as Karaman and form Rûm."),
    244: ("Voltaire's Nightmare", "medium", "Have 100 countries in the HRE (75 before 1.30)."),
    259: ("Empire of Mann", "very_hard", "As Mann, hold every island province."),
    275: (
        "Eat your Greens",
        "insane",
        "Start as Kale and hold every grassland province of Asia before the age of absolutism.",
    ),
    277: (
        "True Heir of Timur",
        "insane",
        "Start as a Timurid subject, form the Mughals and hold India before 1550.",
    ),
    281: ("Never say Nevers", "very_hard", "As Nevers, own and core the France region."),
    285: ("Tiger of Mysore", "hard", "Start as Mysore and hold the Deccan and Coromandel."),
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
    306: ("Stiff Upper Lippe", "very_hard", "As Lippe, own the British Isles."),
    307: (
        "On the Rhodes Again",
        "hard",
        "As the Knights, own and core provinces 151, 2313 and 379.",
    ),
    321: ("Ultimate Military", "medium", "As Songhai, have Prussia and Nepal as marches."),
    324: (
        "Where are the penguins?",
        "medium",
        "Start as a Malagasy nation and hold Madagascar and the southern-most lands.",
    ),
    326: ("KHAAAAAAN", "medium", "Form the Mongol Empire before the age of absolutism."),
    327: (
        "Knights of the Caribbean",
        "hard",
        "Start as the Knights and own the Caribbean and the Mediterranean islands.",
    ),
    328: (
        "Australia-Hungary",
        "medium",
        "As an Australian tribe, own Australia and have Hungary as a vassal.",
    ),
    329: (
        "Shemot is Not",
        "medium",
        "As a Jewish nation with the Jewish communities aspect, convert Egypt.",
    ),
    330: (
        "One nation to rule them all",
        "very_hard",
        "As Saruhan, have 9 vassals of 100 development.",
    ),
    331: (
        "Swahili Persuasion",
        "medium",
        "As Kilwa, convert the Moluccas and Indonesia to your religion.",
    ),
    332: ("I don't like Sand", "hard", "Have the most development and own only desert provinces."),
    335: ("Atwix Legacy", "medium", "Have 10 personal unions."),
    336: (
        "Brick by Brick",
        "medium",
        "As Denmark, enact the Unified Kalmar Monarchy and own and core Scandinavia.",
    ),
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
    345: (
        "Almost Prussian Blue",
        "medium",
        "Start as the Livonian Order, form Livonia and hold the North German Confederation.",
    ),
    346: ("Hanukkah Mutapa", "medium", "As Jewish Mutapa, celebrate a festival."),
    348: (
        "Mehmet's Ambition",
        "very_hard",
        "Start as the Ottomans and form the Roman Empire's lands before 1500.",
    ),
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


# Achievements that read the game's geography or culture groups: id -> what they need
# (what the page says when no game-data bundle was given).
NEEDS_GAMEDATA: Final[dict[int, str]] = {
    38: "areas",
    42: "continents",
    55: "regions",
    64: "regions",
    105: "regions",
    110: "regions",
    118: "regions and areas",
    121: "regions",
    131: "areas",
    133: "regions",
    135: "continents",
    157: "regions",
    159: "culture groups",
    160: "regions",
    208: "culture groups",
    239: "areas",
    259: "island provinces",
    275: "continents and terrain",
    277: "superregions",
    281: "regions",
    285: "regions",
    306: "regions",
    324: "areas",
    327: "regions",
    328: "regions",
    329: "regions",
    331: "regions",
    332: "terrain",
    336: "regions",
    345: "regions and areas",
    348: "regions and areas",
}

# Province lists the detectors name by id (pdx.tools' lists; 1.30 changed some).
MARE_NOSTRUM_129: Final[tuple[int, ...]] = (
    101, 102, 108, 111, 112, 113, 114, 115, 117, 118, 119, 120, 121, 122, 123, 124, 125,
    126, 127, 130, 136, 137, 138, 142, 143, 144, 145, 146, 147, 148, 149, 151, 159, 163,
    164, 197, 200, 201, 212, 213, 220, 221, 222, 223, 226, 282, 284, 285, 286, 287, 316,
    317, 318, 319, 320, 321, 325, 327, 328, 330, 333, 335, 337, 338, 339, 341, 353, 354,
    355, 356, 357, 358, 362, 363, 364, 378, 462, 1247, 1750, 1751, 1756, 1764, 1769,
    1773, 1774, 1826, 1854, 1855, 1856, 1882, 1933, 1934, 1974, 2195, 2196, 2296, 2297,
    2298, 2299, 2302, 2304, 2313, 2325, 2326, 2348, 2406, 2410, 2412, 2447, 2451, 2452,
    2453, 2455, 2461, 2473, 2753, 2954, 2977, 2980, 2982, 2983, 2984, 2985, 2986, 2988,
    2991, 2992, 3003, 4174, 4175, 4316, 4546, 4549, 4550, 4559, 4560, 4561, 4562,
)  # fmt: skip
MARE_NOSTRUM_130: Final[tuple[int, ...]] = (
    101, 102, 111, 112, 113, 114, 115, 117, 118, 119, 120, 121, 122, 123, 124, 125, 126,
    127, 130, 136, 137, 142, 143, 144, 145, 146, 147, 148, 149, 151, 159, 163, 164, 197,
    200, 201, 212, 213, 220, 221, 222, 223, 226, 282, 284, 285, 286, 287, 316, 317, 318,
    319, 320, 321, 325, 327, 328, 330, 333, 335, 337, 338, 339, 341, 353, 354, 355, 356,
    357, 358, 362, 363, 364, 378, 462, 1247, 1750, 1751, 1756, 1764, 1773, 1774, 1826,
    1854, 1855, 1856, 1882, 1933, 1934, 1974, 2195, 2196, 2296, 2297, 2298, 2299, 2302,
    2304, 2313, 2325, 2326, 2348, 2406, 2410, 2412, 2447, 2451, 2452, 2453, 2455, 2461,
    2473, 2753, 2954, 2977, 2980, 2982, 2983, 2984, 2985, 2986, 2988, 2991, 2992, 3003,
    4174, 4175, 4316, 4546, 4549, 4550, 4559, 4560, 4561, 4562, 4696, 4698, 4699, 4700,
    4701, 4705, 4706, 4729, 4732, 4733, 4735, 4736, 4737, 4738, 4752, 4753, 4754, 4779,
)  # fmt: skip
GREAT_MORAVIA_129: Final[tuple[int, ...]] = (
    60, 134, 135, 153, 154, 162, 262, 263, 264, 265, 266, 267, 1318, 1763, 1770, 1771,
    1772, 1864, 2960, 2966, 2967, 2968, 2970, 4126, 4236, 4237, 4238, 4240,
)  # fmt: skip
GREAT_MORAVIA_130: Final[tuple[int, ...]] = (
    *GREAT_MORAVIA_129, 4723, 4724, 4725, 4726, 4761, 4762, 4778,
)  # fmt: skip
PENGUIN_PROVINCES: Final[tuple[int, ...]] = (
    782, 783, 833, 1084, 1085, 1086, 1087, 1095, 1109, 1177, 1179, 1180, 1246, 2025, 2727,
    2734, 2735, 2736, 2869, 4858, 4868, 4869,
)  # fmt: skip
MEDITERRANEAN_ISLANDS: Final[tuple[int, ...]] = (
    112, 124, 125, 126, 127, 142, 163, 164, 320, 321, 333, 1247, 2348, 2954, 2982, 2986,
    3003, 4559, 4560, 4698, 4700, 4735, 4736, 4737,
)  # fmt: skip
PRUSSIAN_PROVINCES: Final[tuple[int, ...]] = (254, 1859, 1931, 2963, 4523, 4526)
MALAGASY: Final[tuple[str, ...]] = ("SKA", "BTS", "MIR", "MFY", "ANT")
AUSTRALIAN: Final[tuple[str, ...]] = (
    "AUS", "TIW", "LAR", "YOL", "YNU", "AWN", "GMI", "MIA", "EOR", "KUL", "KAU", "PLW",
    "WRU", "NOO", "MLG",
)  # fmt: skip
TIMURID_SUBJECTS: Final[tuple[str, ...]] = ("AFG", "SIS", "TRS", "KHO", "FRS")
BASILEUS_AREAS: Final[tuple[str, ...]] = (
    "morea_area", "northern_greece_area", "albania_area", "macedonia_area", "bulgaria_area",
    "thrace_area", "hudavendigar_area", "aydin_area", "germiyan_area", "kastamonu_area",
    "ankara_area", "karaman_area", "rum_area", "cukurova_area", "dulkadir_area",
)  # fmt: skip
AUSTRIA_AREAS: Final[tuple[str, ...]] = (
    "inner_austria_area", "austria_proper_area", "carinthia_area", "tirol_area",
)  # fmt: skip
HUNGARY_AREAS: Final[tuple[str, ...]] = (
    "alfold_area", "transdanubia_area", "slovakia_area", "transylvania_area",
    "southern_transylvania_area",
)  # fmt: skip
INDIA_REGIONS: Final[tuple[str, ...]] = (
    "deccan_region", "coromandel_region", "bengal_region", "hindusthan_region",
    "west_india_region",
)  # fmt: skip
MADAGASCAR_AREAS: Final[tuple[str, ...]] = (
    "madagascar_highlands_area", "betsimasaraka_area", "sakalava_area", "southern_madagascar",
)  # fmt: skip
NORTH_GERMAN_EXCEPT: Final = frozenset(("bohemia_area", "moravia_area", "erzgebirge_area"))
# Mehmet's Ambition after 1.35: the Roman Empire decision's lands (pdx.tools' reading of
# BYZ_roman_empire_decision_trigger), at least 425 of them.
ROMAN_PROVINCES: Final[tuple[int, ...]] = (85, 96, 343)
ROMAN_REGIONS: Final[tuple[str, ...]] = (
    "anatolia_region", "egypt_region", "italy_region", "france_region", "iberia_region",
    "mashriq_region", "balkan_region",
)  # fmt: skip
ROMAN_AREAS: Final[tuple[str, ...]] = (
    "east_midlands_area", "west_midlands_area", "yorkshire_area", "wessex_area",
    "home_counties_area", "east_anglia_area", "wales_area", "scottish_marches_area",
    "romandie_area", "upper_rhineland_area", "alsace_area", "palatinate_area",
    "lower_rhineland_area", "carinthia_area", "north_brabant_area", "brabant_area",
    "flanders_area", "wallonia_area", "inner_austria_area", "austria_proper_area",
    "tirol_area", "east_bavaria_area", "lower_bavaria_area", "upper_bavaria_area",
    "upper_swabia_area", "lower_swabia_area", "switzerland_area", "barbary_coast_area",
    "kabylia_area", "tunisia_area", "djerba_area", "tripolitania_area",
    "northern_morocco_area", "algiers_area", "transdanubia_area",
)  # fmt: skip
ROMAN_EXCLUDED_AREAS: Final[tuple[str, ...]] = ("lower_nubia_area", "iraq_arabi_area", "basra_area")
ROMAN_NEEDED: Final = 425
# Mehmet's Ambition on 1.35
MEHMET_135_PROVINCES: Final[tuple[int, ...]] = (96, 134, 236, 245, 341, 343, 361)
MEHMET_135_REGIONS: Final[tuple[str, ...]] = (
    "italy_region", "france_region", "iberia_region", "balkan_region", "anatolia_region",
    "mashriq_region",
)  # fmt: skip

# How a province counts as held (``World.holds``).
OWNED: Final = 0  # owned by the country
CORED: Final = 1  # owned and cored by the country
HELD_NON_TRIBUTARY: Final = 2  # owned by the country or a non-tributary subject
HELD_SUBJECT: Final = 3  # owned by the country or any subject
CORED_OR_EMPTY: Final = 4  # owned and cored, or without owner, or a colony


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
        geography: Geography | None = None,
    ) -> None:
        self.tag = tag
        self.start = starting_tag if starting_tag is not None else ""
        self.geo = geography
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
        self.self_and_subjects: set[str] = set(self.subjects)
        self.self_and_subjects.add(tag)

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

    def holds(self, pid: int, how: int, tag: str = "") -> bool:
        """Whether province ``pid`` is held in the sense ``how`` (OWNED, CORED, ...) by
        ``tag`` (default: the player)."""
        row = self.by_id.get(pid)
        if row is None:
            return False
        who = tag or self.tag
        owner = row.owner
        if how == OWNED:
            return owner == who
        if how == CORED:
            return owner == who and who in row.cores
        if how == HELD_NON_TRIBUTARY:
            return owner is not None and owner in self.non_tributary
        if how == HELD_SUBJECT:
            return owner is not None and owner in self.self_and_subjects
        if how == CORED_OR_EMPTY:
            return owner is None or row.colony or (owner == who and who in row.cores)
        return False

    def subjects_of(self, overlord: str) -> set[str]:
        found: set[str] = set()
        for dep in self.dependencies:
            if dep.first == overlord:
                found.add(dep.second)
        country = self.countries.get(overlord)
        if country is not None:
            subjects = container_of(country.get("subjects"))
            if subjects is not None:
                for item in subjects.values():
                    name = opt_text(item)
                    if name is not None:
                        found.add(name)
        return found

    def start_history(self, key: str) -> str:
        """An undated history value of the starting country (its culture at the start)."""
        start = self.countries.get(self.start)
        if start is None:
            return ""
        return history_value(start, key) or ""

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


_HOW: Final = {
    OWNED: "owned",
    CORED: "owned and cored",
    HELD_NON_TRIBUTARY: "owned by the player or a non-tributary subject",
    HELD_SUBJECT: "owned by the player or a subject",
    CORED_OR_EMPTY: "owned and cored (or empty, or a colony)",
}


def _count_held(w: World, provinces: Sequence[int], how: int, tag: str, religion: str) -> int:
    held = 0
    for pid in provinces:
        if not w.holds(pid, how, tag):
            continue
        if religion:
            row = w.by_id.get(pid)
            if row is None or row.religion != religion:
                continue
        held += 1
    return held


def _listed(w: World, provinces: Sequence[int], what: str, how: int, tag: str = "") -> Condition:
    """Every province of a list held (``how``) by ``tag`` (default: the player)."""
    held = _count_held(w, provinces, how, tag, "")
    who = f" by {tag}" if tag else ""
    return _c(
        f"{what} {_HOW[how]}{who} ({held} of {len(provinces)} provinces)",
        held == len(provinces),
    )


def _held(
    w: World,
    provinces: list[int] | None,
    what: str,
    how: int,
    *,
    tag: str = "",
    religion: str = "",
) -> Condition:
    """Every province of a game-data list (an area, a region, ...) held (``how``), and of
    ``religion`` when given. None: the bundle lacks the list."""
    if provinces is None:
        return _c(f"{what}: not in the game data", False)
    held = _count_held(w, provinces, how, tag, religion)
    who = f" by {tag}" if tag else ""
    faith = f" and {religion}" if religion else ""
    return _c(
        f"{what} {_HOW[how]}{who}{faith} ({held} of {len(provinces)} provinces)",
        held == len(provinces),
    )


def _of_religion(w: World, provinces: list[int] | None, what: str, religion: str) -> Condition:
    if provinces is None:
        return _c(f"{what}: not in the game data", False)
    count = 0
    for pid in provinces:
        row = w.by_id.get(pid)
        if row is not None and religion != "" and row.religion == religion:
            count += 1
    return _c(
        f"{what} {religion or 'of the player religion'} ({count} of {len(provinces)} provinces)",
        count == len(provinces) and religion != "",
    )


def _year_before(w: World, year: int) -> Condition:
    return _c(f"the year is before {year} ({w.year})", w.year < year)


def _areas(geo: Geography, names: Sequence[str]) -> list[int] | None:
    return geo.union("areas:" + ",".join(names), names, ())


def _regions(geo: Geography, names: Sequence[str]) -> list[int] | None:
    return geo.union("regions:" + ",".join(names), (), names)


def _north_german(geo: Geography) -> list[int] | None:
    """The North German Confederation of Almost Prussian Blue: three areas and the north
    German region without Bohemia, Moravia and the Erzgebirge."""
    key = "almost_prussian_blue"
    if geo.known(key):
        return geo.recall(key)
    found: list[int] | None = None
    areas = _areas(geo, ("east_prussia_area", "west_prussia_area", "silesia_area"))
    region = geo.region("north_german_region")
    if areas is not None and region is not None:
        found = list(areas)
        seen = set(found)
        for pid in region:
            if pid not in seen and geo.area_of.get(pid, "") not in NORTH_GERMAN_EXCEPT:
                seen.add(pid)
                found.append(pid)
    geo.remember(key, found)
    return found


def _roman_lands(geo: Geography) -> list[int] | None:
    key = "mehmets_ambition"
    if geo.known(key):
        return geo.recall(key)
    found: list[int] | None = None
    included = geo.union("roman_included", ROMAN_AREAS, ROMAN_REGIONS)
    excluded = _areas(geo, ROMAN_EXCLUDED_AREAS)
    if included is not None and excluded is not None:
        skip = set(excluded)
        found = []
        seen: set[int] = set()
        for pid in (*ROMAN_PROVINCES, *included):
            if pid not in skip and pid not in seen:
                seen.add(pid)
                found.append(pid)
    geo.remember(key, found)
    return found


def _geographic(w: World, geo: Geography, aid: int) -> list[Condition]:
    """The conditions of the achievements that read game data (``NEEDS_GAMEDATA``)."""
    if aid == 38:
        return [
            _started(w, ("BYZ",), "Byzantium"),
            _playing(w, ("BYZ",), "Byzantium"),
            _held(w, _areas(geo, BASILEUS_AREAS), "Greece and Anatolia (15 areas)", CORED),
        ]
    if aid == 42:
        return [
            _started(w, ("KON",), "Kongo"),
            _playing(w, ("KON",), "Kongo"),
            _held(w, geo.continent("africa"), "every province of Africa", CORED_OR_EMPTY),
        ]
    if aid == 55:
        culture = w.start_history("primary_culture")
        return [
            _c(
                f"started as a nation with Irish primary culture ({culture or 'unknown'})",
                culture == "irish",
            ),
            _held(w, geo.region("british_isles_region"), "the British Isles region", CORED),
        ]
    if aid == 64:
        return [
            _started(w, ("GRA",), "Granada"),
            _playing(w, ("ADU",), "Andalusia"),
            _held(w, geo.region("iberia_region"), "the Iberia region", CORED, tag="ADU"),
        ]
    if aid == 105:
        return [
            _no_switch(w),
            _started(w, ("ALB",), "Albania"),
            _held(
                w,
                _regions(geo, ("iberia_region", "caucasia_region")),
                "the Iberia and Caucasia regions",
                HELD_SUBJECT,
            ),
        ]
    if aid == 110:
        culture = w.start_history("primary_culture")
        return [
            _no_switch(w),
            _playing(w, ("RMN",), "Romania"),
            _c(
                f"started as a nation with Romanian primary culture ({culture or 'unknown'})",
                culture == "romanian",
            ),
            _held(w, geo.region("balkan_region"), "the Balkan region", HELD_NON_TRIBUTARY),
        ]
    if aid == 118:
        lands = geo.union(
            "this_is_persia",
            ("morea_area", "northern_greece_area", "macedonia_area"),
            ("anatolia_region", "egypt_region"),
        )
        return [
            _playing(w, ("PER",), "Persia"),
            _held(w, lands, "Anatolia, Egypt and Greece", CORED),
        ]
    if aid == 121:
        orders = ("LIV", "TEU")
        return [
            _no_switch(w),
            _started(w, orders, "the Teutonic or Livonian Order"),
            _playing(w, orders, "the Teutonic or Livonian Order"),
            _held(
                w,
                _regions(geo, ("russia_region", "ural_region", "crimea_region")),
                "the Russia, Ural and Crimea regions",
                CORED,
                religion="catholic",
            ),
        ]
    if aid == 131:
        return [
            _no_switch(w),
            _started(w, ("HUN",), "Hungary"),
            _playing(w, ("HUN",), "Hungary"),
            _held(w, _areas(geo, AUSTRIA_AREAS), "Austria (4 areas)", CORED),
        ]
    if aid == 133:
        return [
            _started(w, ("CEY", "KND"), "Kotte or Kandy"),
            _held(
                w,
                _regions(geo, INDIA_REGIONS),
                "the five regions of India",
                CORED,
                religion="buddhism",
            ),
        ]
    if aid == 135:
        return [
            _no_switch(w),
            _started(w, ("FRA",), "France"),
            _playing(w, ("FRA",), "France"),
            _year_before(w, 1500),
            _at_least(w, geo.continent("europe"), "provinces of Europe", 100),
        ]
    if aid == 157:
        return [
            _no_switch(w),
            _started(w, ("SER",), "Serbia"),
            _playing(w, ("SER",), "Serbia"),
            _held(w, geo.region("balkan_region"), "the Balkan region", CORED),
        ]
    if aid == 159:
        return [
            _no_switch(w),
            _started(w, ("KAZ", "NOG"), "Kazan or Nogai"),
            _playing(w, ("KAZ", "NOG"), "Kazan or Nogai"),
            _tatar_provinces(w, geo),
        ]
    if aid == 160:
        return [
            _no_switch(w),
            _started(w, ("RIG",), "Riga"),
            _playing(w, ("RIG",), "Riga"),
            _held(w, geo.region("baltic_region"), "the Baltic region", HELD_NON_TRIBUTARY),
        ]
    if aid == 208:
        culture = w.start_history("primary_culture")
        tatar = geo.in_culture_group(culture, "tartar")
        known = geo.has_culture_group("tartar")
        horde = False
        start = w.countries.get(w.start)
        if start is not None:
            history = container_of(start.get("history"))
            if history is not None:
                for reform in history.get_all("add_government_reform"):
                    if opt_text(reform) == "steppe_horde":
                        horde = True
        return [
            _playing(w, ("GLH",), "the Golden Horde"),
            _year_before(w, 1500),
            _c(
                f"started as a nation with a Tatar-group culture ({culture or 'unknown'})"
                + ("" if known else ": no tartar culture group in the game data"),
                tatar,
            ),
            _c("started as a steppe horde", horde),
        ]
    if aid == 239:
        rank = integer(w.country.get("government_rank")) if w.country is not None else 0
        return [
            _started(w, ("AVR",), "Avaria"),
            _c(f"has an empire government (rank {rank})", rank >= 3),
            _held(w, _areas(geo, HUNGARY_AREAS), "Hungary (5 areas)", OWNED, tag=w.start or "AVR"),
        ]
    if aid == 259:
        islands: list[int] | None = geo.islands if geo.islands else None
        what = "every island province"
        if islands is None:
            return [
                _playing(w, ("KOI",), "Mann"),
                _c(f"{what}: the game data marks no province as an island", False),
            ]
        return [_playing(w, ("KOI",), "Mann"), _held(w, islands, what, HELD_SUBJECT)]
    if aid == 275:
        late = w.current_age == "age_of_absolutism" or w.current_age == "age_of_revolutions"
        return [
            _started(w, ("KAL",), "Kale"),
            _c(
                f"not the age of absolutism or revolutions ({w.current_age or 'unknown'})", not late
            ),
            _held(
                w,
                geo.with_terrain("asia", "grasslands"),
                "every grassland province of Asia",
                HELD_SUBJECT,
            ),
        ]
    if aid == 277:
        return [
            _started(w, TIMURID_SUBJECTS, "a subject of the Timurids"),
            _playing(w, ("MUG",), "the Mughals"),
            _year_before(w, 1550),
            _held(w, geo.superregion("india_superregion"), "the India superregion", HELD_SUBJECT),
        ]
    if aid == 281:
        return [
            _started(w, ("NEV",), "Nevers"),
            _playing(w, ("NEV",), "Nevers"),
            _held(w, geo.region("france_region"), "the France region", CORED),
        ]
    if aid == 285:
        return [
            _started(w, ("MYS",), "Mysore"),
            _held(
                w,
                _regions(geo, ("deccan_region", "coromandel_region")),
                "the Deccan and Coromandel regions",
                HELD_NON_TRIBUTARY,
            ),
        ]
    if aid == 306:
        return [
            _playing(w, ("LPP",), "Lippe"),
            _held(w, geo.region("british_isles_region"), "the British Isles region", OWNED),
        ]
    if aid == 324:
        return [
            _started(w, MALAGASY, "a Malagasy nation"),
            _playing(w, MALAGASY, "a Malagasy nation"),
            _listed(w, PENGUIN_PROVINCES, "the southern-most provinces", HELD_NON_TRIBUTARY),
            _held(w, _areas(geo, MADAGASCAR_AREAS), "Madagascar (4 areas)", CORED),
        ]
    if aid == 327:
        return [
            _started(w, ("KNI",), "the Knights"),
            _listed(w, MEDITERRANEAN_ISLANDS, "the Mediterranean islands", CORED),
            _held(w, geo.region("carribeans_region"), "the Caribbean region", OWNED),
        ]
    if aid == 328:
        vassal = False
        for dep in w.dependencies:
            if dep.first == w.tag and dep.second == "HUN" and dep.subject_type == "vassal":
                vassal = True
        return [
            _started(w, AUSTRALIAN, "an Australian tribe"),
            _playing(w, AUSTRALIAN, "an Australian tribe"),
            _held(w, geo.region("australia_region"), "the Australia region", OWNED),
            _c("Hungary (HUN) is a vassal", vassal),
        ]
    if aid == 329:
        aspects: list[str] = []
        if w.country is not None:
            church = container_of(w.country.get("church"))
            if church is not None:
                for item in church.get_all("aspect"):
                    aspects.extend(texts(item) or [text(item)])
        return [
            _c("is Jewish", w.religion() == "jewish"),
            _c(
                "the Jewish communities aspect is active",
                "judaism_communities_aspect" in aspects,
            ),
            _of_religion(w, geo.region("egypt_region"), "the Egypt region is", "jewish"),
        ]
    if aid == 331:
        return [
            _started(w, ("ZAN",), "Kilwa"),
            _playing(w, ("ZAN",), "Kilwa"),
            _of_religion(
                w,
                _regions(geo, ("moluccas_region", "indonesia_region")),
                "the Moluccas and Indonesia regions follow",
                w.religion(),
            ),
        ]
    if aid == 332:
        return [_most_development(w), _only_desert(w, geo)]
    if aid == 336:
        return [
            _started(w, ("DAN",), "Denmark"),
            _has_reform(
                w, "danish_archkingdom", "Unified Kalmar Monarchy government reform enacted"
            ),
            _held(w, geo.region("scandinavia_region"), "the Scandinavia region", CORED, tag="DAN"),
        ]
    if aid == 345:
        return [
            _started(w, ("LIV",), "the Livonian Order"),
            _playing(w, ("LVA",), "Livonia"),
            _held(w, _north_german(geo), "the North German Confederation", CORED),
            _listed(w, PRUSSIAN_PROVINCES, "six further provinces", CORED),
        ]
    if aid == 348:
        return [_started(w, ("TUR",), "the Ottomans"), _year_before(w, 1500), _mehmet(w, geo)]
    return []


def _at_least(w: World, provinces: list[int] | None, what: str, need: int) -> Condition:
    if provinces is None:
        return _c(f"{what}: not in the game data", False)
    held = _count_held(w, provinces, CORED, "", "")
    return _c(f"at least {need} {what} owned and cored ({held})", held >= need)


def _tatar_provinces(w: World, geo: Geography) -> Condition:
    if not geo.has_culture_group("tartar"):
        return _c("every Tatar-culture province owned: no tartar group in the game data", False)
    total = 0
    held = 0
    for row in w.provinces:
        if row.culture is None or not geo.in_culture_group(row.culture, "tartar"):
            continue
        total += 1
        if row.owner == w.tag:
            held += 1
    return _c(f"every Tatar-culture province owned ({held} of {total})", held == total)


def _most_development(w: World) -> Condition:
    own = number(w.country.get("raw_development")) if w.country is not None else 0.0
    best_other = 0.0
    best_tag = ""
    for country in w.countries.values():
        if country.tag == w.tag:
            continue
        value = number(country.get("raw_development"))
        if value >= best_other:
            best_other = value
            best_tag = country.tag
    ahead = w.country is not None and (best_tag == "" or best_other < own)
    return _c(
        f"has the most development ({own:g}; next {best_tag or 'none'} {best_other:g})", ahead
    )


def _only_desert(w: World, geo: Geography) -> Condition:
    owned = 0
    desert = 0
    for row in w.provinces:
        if row.owner != w.tag:
            continue
        owned += 1
        terrain = geo.terrain.get(row.id, "")
        if terrain == "desert" or terrain == "coastal_desert":
            desert += 1
    return _c(
        f"owns only desert and coastal desert provinces ({desert} of {owned})",
        owned == desert,
    )


def _mehmet(w: World, geo: Geography) -> Condition:
    held_by: set[str] = {w.tag}
    for dep in w.dependencies:
        if dep.first == w.tag and dep.subject_type == "core_eyalet":
            held_by.add(dep.second)
    what = "the lands of the Roman Empire owned by the player or core eyalets"
    if w.minor < 35:
        return _c(f"{what}: decided from patch 1.35 (1.{w.minor})", False)
    if w.minor == 35:
        lands = geo.union("mehmets_ambition_135", (), MEHMET_135_REGIONS)
        if lands is None:
            return _c(f"{what}: not in the game data", False)
        wanted = [*MEHMET_135_PROVINCES, *lands]
        held = _count_owned_by(w, wanted, held_by)
        return _c(f"{what} ({held} of {len(wanted)} provinces)", held == len(wanted))
    lands = _roman_lands(geo)
    if lands is None:
        return _c(f"{what}: not in the game data", False)
    held = _count_owned_by(w, lands, held_by)
    return _c(
        f"{what}: at least {ROMAN_NEEDED} ({held} of {len(lands)} provinces)",
        held >= ROMAN_NEEDED,
    )


def _count_owned_by(w: World, provinces: Sequence[int], owners: set[str]) -> int:
    held = 0
    for pid in provinces:
        row = w.by_id.get(pid)
        if row is not None and row.owner is not None and row.owner in owners:
            held += 1
    return held


def evaluate(w: World) -> list[AchievementResult]:
    """Every achievement of the catalogue, in id order (those of ``NEEDS_GAMEDATA``
    undecided when ``w.geo`` is None)."""
    out: list[AchievementResult] = []
    for aid in sorted(CATALOGUE):
        needs = NEEDS_GAMEDATA.get(aid)
        if needs is not None and w.geo is None:
            conditions = [
                _c(f"needs game data ({needs}): not decided without a game-data bundle", False)
            ]
        else:
            conditions = _common(w)
            if needs is not None and w.geo is not None:
                conditions.extend(_geographic(w, w.geo, aid))
            else:
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
    if aid == 49:
        allowed: set[str] = {w.tag}
        ryukyu = w.countries.get("RYU")
        if ryukyu is not None:
            allowed.add("RYU")
            for subject in w.subjects_of("RYU"):
                sc = w.countries.get(subject)
                if sc is None or sc.get("tribute_type") is None:
                    allowed.add(subject)
        others = len(w.owners - allowed)
        return [
            _started(w, ("RYU",), "Ryukyu"),
            _c(
                "only the player, Ryukyu and Ryukyu's non-tributary subjects own provinces "
                f"({others} other owners)",
                bool(w.owners) and others == 0,
            ),
        ]
    if aid == 108:
        return [
            _no_switch(w),
            _playing(w, ("HIN", "BHA"), "Hindustan or Bharat"),
            _listed(w, (236, 1177, 667, 2585), "the four provinces", HELD_NON_TRIBUTARY),
        ]
    if aid == 171:
        listed = MARE_NOSTRUM_130 if w.minor >= 30 else MARE_NOSTRUM_129
        return [
            _c(
                f"did not start as the Papal States (started as {w.start or 'unknown'})",
                w.start != "PAP",
            ),
            _playing(w, ("ROM",), "the Roman Empire"),
            _listed(w, listed, "the Mediterranean coast", OWNED),
        ]
    if aid == 241:
        listed = GREAT_MORAVIA_130 if w.minor >= 30 else GREAT_MORAVIA_129
        return [
            _playing(w, ("SLO", "MVA"), "Nitra or Moravia"),
            _listed(w, listed, "the Great Moravian borders", CORED),
        ]
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
