"""app.local.worker in CPython: the worker's Python half gives the server's payload and
HTML, and imports nothing the browser bundle lacks."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import msgspec
import pytest
from support import saves as crafted
from support.corpus import EU4, PAIR, SAVES, corpus_file

from app.analysis.errors import NO_TABLE
from app.analysis.melting import NOT_BINARY
from app.analysis.payload import payload
from app.analysis.render import chart_csv, render_analysis
from app.analysis.view import analysis_view
from app.local import worker as local_analysis
from kernel.eu4 import analyze, parse_part
from kernel.eu4.map import layers
from kernel.eu4.map.types import MapLayers
from kernel.gamedata import list_bundles, read_map_info, read_names, read_world

BUNDLED = (
    "app/local/worker.py",
    "app/analysis/countries.py",
    "app/analysis/geography.py",
    "app/analysis/errors.py",
    "app/analysis/games.py",
    "app/analysis/melting.py",
    "app/analysis/names.py",
    "app/analysis/payload.py",
    "app/analysis/render.py",
    "app/analysis/tables.py",
    "app/analysis/view.py",
)
ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("module", BUNDLED)
def test_bundled_modules_import_only_what_the_bundle_has(module):
    tree = ast.parse((ROOT / module).read_text())
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            roots.add(node.module)
    ours = {r for r in roots if r.split(".")[0] == "app"}
    bundled = {m.removesuffix(".py").replace("/", ".") for m in BUNDLED}
    assert ours <= bundled, ours - bundled
    third_party = {r.split(".")[0] for r in roots} - {"app", "__future__"}
    allowed = {"kernel", "msgspec", "jinja2", "markupsafe"} | set(sys.stdlib_module_names)
    assert third_party <= allowed, third_party - allowed


def test_analyze_render_and_csv_match_the_server():
    data = crafted.text_save(
        name="<b>Bold</b>",
        extra='income_statistics={ ledger_data={ name="ITA" data={ 1445=12 1446=24 } } }',
    )
    result = local_analysis.analyze(data)
    assert result["ok"] is True
    assert result["summary"]["date"] == msgspec.to_builtins(analyze(data).info)["date"]
    expected = payload(analyze(data))
    view = analysis_view({**local_analysis.LOCAL_VIEW})
    assert local_analysis.render() == render_analysis(expected, view)
    assert 'href="#csv/income"' in local_analysis.render()  # CSV links stay in the page
    server_view = {
        "base": "/saves/x",
        "htmx": True,
        "csv": "/saves/x/csv",
        "csort": "name",
        "country_href": "/saves/x/countries/{tag}",
    }
    assert local_analysis.render(server_view) == render_analysis(
        expected, analysis_view(server_view)
    )
    assert local_analysis.csv("income") == chart_csv(expected, "income")
    # a country's page is a view of its own; the country filter travels with a CSV
    assert 'href="?country=ITA"' in local_analysis.render()
    page = local_analysis.render({"country": "ITA"})
    assert 'data-country="ITA"' in page and page == render_analysis(
        expected, analysis_view({**local_analysis.LOCAL_VIEW, "country": "ITA"})
    )
    filtered = local_analysis.csv("income?cf=chosen&ctags=FRA")
    assert filtered == chart_csv(expected, "income", None, {"cf": "chosen", "ctags": "FRA"})
    assert filtered.splitlines()[0] == "year"  # no ITA column: ITA is not chosen
    assert local_analysis.csv("nonsense") is None


def test_rejections_are_results_with_the_kernels_message(tmp_path):
    broken = local_analysis.analyze(b'EU4txt\ndate=1444.11.11\nplayer="unterminated')
    assert broken["ok"] is False and broken["needs_tokens"] is False
    assert broken["message"].startswith("unterminated quoted string at byte")
    with pytest.raises(RuntimeError, match="no analysis yet"):
        local_analysis.render()  # a failed analysis leaves none behind

    tokens = crafted.TokenDir(tmp_path, None)
    binary = tokens.binary(crafted.text_save(seed=3))
    first = local_analysis.analyze(binary)
    assert first["ok"] is False and first["needs_tokens"] is True
    assert first["message"].endswith(NO_TABLE)
    table = (tmp_path / "eu4.txt").read_bytes()
    assert local_analysis.analyze(binary, table)["ok"] is True
    bad = local_analysis.analyze(binary, b"not a token file")
    assert bad["ok"] is False and "the site's EU4 token table line 1" in bad["message"]


def test_a_split_analysis_is_the_whole_analysis():
    """split -> the helpers' parse_part -> parse_rest -> analyze_split: the worker's
    parallel path gives the answer and the pages analyze gives."""
    data = corpus_file(EU4 / "osallek_modded_JBB_2087.7.1_v1.36.2_ziptxt.eu4").read_bytes()
    whole = local_analysis.analyze(data)
    page = local_analysis.render()
    parts = local_analysis.split(data, 2)
    assert len(parts) == 2
    local_analysis.parse_rest()
    split = local_analysis.analyze_split(data, [parse_part(part, key) for key, part in parts])
    assert split == whole and split["ok"] is True
    assert local_analysis.render() == page
    # A helper that failed (an empty tape): the worker parses its part itself.
    local_analysis.split(data, 1)
    assert local_analysis.analyze_split(data, [b""]) == whole
    # Nothing to split: a small save, a binary one, another game's, not a save at all.
    assert local_analysis.split(crafted.text_save(), 2) == []
    assert local_analysis.split(b"not a save", 2) == []
    broken = b'EU4txt\ndate=1444.11.11\nplayer="unterminated'
    assert local_analysis.split(broken, 2) == []
    assert local_analysis.analyze(broken)["ok"] is False
    # Another game's save: split keeps the archive it opened for analyze (not inflated
    # twice), and the answer is the one analyze gives on its own.
    stellaris = corpus_file(SAVES / "stellaris" / "pjmagee_UNE_ironman_2250.11.15_v3.14.sav")
    alone = local_analysis.analyze(stellaris.read_bytes())
    alone_page = local_analysis.render()
    assert local_analysis.split(stellaris.read_bytes(), 2) == []
    assert local_analysis.analyze(stellaris.read_bytes()) == alone
    assert local_analysis.render() == alone_page


def test_the_worker_draws_the_map_of_a_save_with_the_bundles_map(corpus_bundle):
    """With a bundle that has a map, ``gamedata_for`` asks for map.json.gz too, and
    ``map_layers`` is the kernel's MapLayers of the analysis (what the save page's
    map.json serves); without game data there is no map."""
    root = str(corpus_bundle.root)
    save = corpus_file(EU4 / "atvrager_Korea-start_1444.11.11_v1.37.5_ziptxt.eu4").read_bytes()
    index = msgspec.json.encode(list_bundles(root)).decode()
    wanted = local_analysis.gamedata_for(save, None, index, None, "en")
    assert wanted is not None and "map.json.gz" in wanted["files"]
    for name in wanted["files"]:
        data = (corpus_bundle.root / wanted["bundle"] / name).read_bytes()
        local_analysis.put_gamedata(wanted["bundle"], name, data)
    assert local_analysis.analyze(save)["ok"] is True
    text = local_analysis.map_layers()
    assert text is not None
    drawn = msgspec.json.decode(text, type=MapLayers)
    bundle = wanted["bundle"]
    expected = layers(
        analyze(save, gamedata=root),
        world=read_world(root, bundle),
        names=read_names(root, bundle, "english"),
        info=read_map_info(root, bundle),
        bundle=bundle,
    )
    assert drawn == expected
    assert drawn.names[735] == "Hanseong"
    assert drawn.countries[drawn.owner[735]].tag == "KOR"
    assert local_analysis.map_layers() is text  # computed once
    # The map section has the bundle's map size (its province image's), on every render.
    info = read_map_info(root, bundle)
    size = f'data-width="{info.width}" data-height="{info.height}"'
    assert size in local_analysis.render() and size in local_analysis.render({"cpage": 2})

    local_analysis.gamedata_for(b"not a save", None, index, None, None)
    assert local_analysis.analyze(save)["ok"] is True
    assert local_analysis.map_layers() is None
    assert 'id="map-needs-gamedata"' in local_analysis.render()  # no bundle: no map to draw


def test_melt_plan_and_melt():
    """What the page's Melt button is offered from, and the melted bytes (the corpus
    pair's meta.bin.melted, the melt of its meta.bin with its tokens.txt)."""
    data = corpus_file(PAIR / "meta.bin").read_bytes()
    table = corpus_file(PAIR / "tokens.txt").read_bytes()
    assert local_analysis.melt_plan(data) == {
        "binary": True,
        "game": "eu4",
        "table": "eu4.txt",
        "meltable": True,
        "extension": ".eu4",
    }
    assert local_analysis.melt(data, table, "eu4") == (PAIR / "meta.bin.melted").read_bytes()
    text = crafted.text_save(seed=5)
    assert local_analysis.melt_plan(text)["binary"] is False
    assert local_analysis.melt(text, table, "eu4") == NOT_BINARY
    ck3 = corpus_file(SAVES / "ck3" / "jomini_ck3_header_1066.9.15_v1.0.3.bin").read_bytes()
    plan = local_analysis.melt_plan(ck3)
    assert plan is not None and (plan["binary"], plan["table"]) == (True, "ck3.txt")
    assert local_analysis.melt_plan(b"") is None  # not a save at all
    refused = local_analysis.melt(data, b"not a token file", "eu4")
    assert isinstance(refused, str) and "the site's eu4.txt token table line 1" in refused


@pytest.mark.parametrize(
    ("rel", "player"),
    [
        # meta_player_name="Chieftain Botulf" (grep of the file)
        ("ck3/jomini_ck3_header_1066.9.15_v1.0.3.txt", "Chieftain Botulf"),
        # meta_player_name="Suionia"
        ("imperator/rakaly_imperator_header_v1.5.3_melted_text_fragment.txt", "Suionia"),
        # meta: name="Nexitron Awareness"
        ("stellaris/stellarisdashboard_nexitron_2565.06.02_v3.6.1.sav", "Nexitron Awareness"),
    ],
)
def test_other_games_give_the_servers_payload_and_page(rel, player):
    """Another game's save dropped on /local: the payload the server stores
    (app.saves.parsing) and the same page (info and summary; Stellaris' analysis)."""
    from app.saves.parsing import parse_bytes

    data = corpus_file(f"saves/{rel}").read_bytes()
    result = local_analysis.analyze(data)
    assert result["ok"] is True, result
    assert result["summary"]["player_name"] == player
    stored = msgspec.json.decode(parse_bytes(data).payload_json)
    assert local_analysis._require() == stored
    html = local_analysis.render()
    assert html == render_analysis(stored, analysis_view(dict(local_analysis.LOCAL_VIEW)))
    assert player in html
    if stored["kind"] == "stellaris":
        table = local_analysis.csv("empires")
        assert table is not None and player in table
        assert local_analysis.csv("income") is None
    else:
        assert local_analysis.csv("empires") is None


def test_a_truncated_stellaris_save_is_refused_in_words():
    data = corpus_file("saves/stellaris/stellarisdashboard_nexitron_2565.06.02_v3.6.1.sav")
    result = local_analysis.analyze(data.read_bytes()[:100_000])
    assert result["ok"] is False
    assert "truncated" in result["message"]
