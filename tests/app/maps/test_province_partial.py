"""The province-details partial on its own (app.analysis.render.render_province, what the
browser's worker calls): every field, the history with dates and names, payloads stored
before the map (no history, no claims), an unknown province, escaping."""

from __future__ import annotations

from support.html import parse_html

from app.analysis.render import game_date, province_history, render_province

ROW = {
    "id": 7,
    "name": "Seven <b>",
    "owner": "AAA",
    "controller": "BBB",
    "cores": ["AAA", "CCC"],
    "base_tax": 3.0,
    "base_production": 2.0,
    "base_manpower": 1.0,
    "development": 6.0,
    "religion": "catholic",
    "culture": "swedish",
    "trade_goods": "grain",
    "buildings": ["temple"],
    "hre": True,
    "is_city": True,
    "devastation": 12.5,
    "colony": False,
    "claims": ["BBB"],
}
DAY = 1450 * 365 + 31 + 1  # 1450-02-02 (kernel.Date.days())
PAYLOAD = {
    "countries": [{"tag": "AAA", "name": "Aland"}, {"tag": "BBB", "name": "BBB"}],
    "provinces": [ROW],
    "map": {
        "provinces": [
            [0, 7, "owner", "CCC"],
            [0, 8, "owner", "AAA"],
            [DAY, 7, "owner", "AAA"],
            [DAY + 1, 7, "controller", "REB"],
            [DAY + 2, 7, "religion", "catholic"],
            [DAY + 3, 7, "culture", ""],
        ]
    },
}
NAMES = {
    "country": {"BBB": "Bland", "CCC": "Cland"},
    "religion": {"catholic": "Catholic"},
    "building": {"temple": "Temple"},
    "trade_good": {"grain": "Grain"},
}


def test_every_field_and_the_history() -> None:
    page = parse_html(render_province(PAYLOAD, 7, names=NAMES))
    assert page.roots == ["article"]
    text = "".join(page.text("province-7").split())  # dt and dd run together
    for shown in (
        "Seven <b> #7",
        "Owner Aland",  # the save's own name
        "Controller Bland",  # the game data's (the save only has the tag)
        "Development 6 (3 tax, 2 production, 1 manpower)",
        "Religion Catholic",
        "Culture Swedish",  # no name in the game data: the key made readable
        "Trade good Grain",
        "Cores Aland, Cland",
        "Claims Bland",
        "Buildings Temple",
        "Devastation 12.5",
        "Holy Roman Empire yes",
    ):
        assert "".join(shown.split()) in text, shown
    assert page.rows("province-7") == [
        ["Date", "Change"],
        ["start", "Owner: Cland"],
        ["1450-02-02", "Owner: Aland"],
        ["1450-02-03", "Controller: Rebels"],
        ["1450-02-04", "Religion: Catholic"],
        ["1450-02-05", "Culture: none"],
    ]


def test_payloads_stored_before_the_map_and_unknown_provinces() -> None:
    row = {key: value for key, value in ROW.items() if key != "claims"}
    old = {"countries": [], "provinces": [row]}
    text = "".join(parse_html(render_province(old, 7)).text("province-7").split())
    assert "Claimsnone" in text and "OwnerAAA" in text and "norecords" not in text
    assert "Thesaverecordsnohistoryforthisprovince." in text
    missing = parse_html(render_province(PAYLOAD, 99)).text("province-99")
    assert missing == "This save has no province 99."


def test_dates_and_history_helpers() -> None:
    assert game_date(1444 * 365 + 304 + 10) == "1444-11-11"
    assert game_date(0) == "0000-01-01" and game_date(None) == "\u2013"
    assert [e["field"] for e in province_history(PAYLOAD, 8)] == ["owner"]
    assert province_history({"provinces": []}, 7) == []
