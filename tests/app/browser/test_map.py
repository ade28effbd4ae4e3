"""The interactive map in Chromium (app/static/map/): on a save page and in local
analysis, with the corpus install imported as the site's game data and corpus saves.

Korea at the 1444 start (Hanseong, province 735, is Korea's) for the drawing, hover,
click and focus; the modded JBB save (2024 to 2087 on the vanilla map) for the timelapse.
Pixels are read from the canvas where the view is zoomed in past 1:1 (no smoothing), so a
province's interior shows exactly its colour in MapLayers."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from support.corpus import EU4, corpus_file

KOREA = EU4 / "atvrager_Korea-start_1444.11.11_v1.37.5_ziptxt.eu4"
JBB = EU4 / "osallek_modded_JBB_2087.7.1_v1.36.2_ziptxt.eu4"
HANSEONG = 735
MAP = "[data-map]"
READY = "[data-map][data-map-ready]"

# The page point (x, y) of an interior pixel of a province (its own id on all four
# sides), the one nearest its box's centre, in the current view; and that pixel's colour
# on the canvas.
POINT_OF = """(pid) => {
    const map = document.querySelector("[data-map][data-map-ready]").map;
    const { ids, width, height } = map.full;
    const box = map.full.boxes().slice(pid * 4, pid * 4 + 4);
    const cx = (box[0] + box[2]) / 2, cy = (box[1] + box[3]) / 2;
    let best = null;
    for (let y = Math.max(box[1], 1); y <= Math.min(box[3], height - 2); y++) {
        for (let x = Math.max(box[0], 1); x <= Math.min(box[2], width - 2); x++) {
            const i = y * width + x;
            if (ids[i] !== pid || ids[i - 1] !== pid || ids[i + 1] !== pid
                || ids[i - width] !== pid || ids[i + width] !== pid) continue;
            const d = (x - cx) ** 2 + (y - cy) ** 2;
            if (best === null || d < best.d) best = { x, y, d };
        }
    }
    const view = map.view;
    const px = ((((best.x + 0.5 - view.x) % width) + width) % width) * view.scale;
    const py = (best.y + 0.5 - view.y) * view.scale;
    const rect = view.canvas.getBoundingClientRect();
    const ratio = view.canvas.width / rect.width;
    const at = [Math.floor(px * ratio), Math.floor(py * ratio)];
    const data = view.context.getImageData(at[0], at[1], 1, 1).data;
    const color = (data[0] << 16) | (data[1] << 8) | data[2];
    return { x: rect.left + px, y: rect.top + py, color };
}"""
VIEW = """() => { const v = document.querySelector("[data-map][data-map-ready]").map.view;
    return { x: v.x, y: v.y, scale: v.scale }; }"""
LAYER_COLOR = """([mode, pid]) => document.querySelector("[data-map][data-map-ready]").map.layers
    .modes.find((m) => m.key === mode).primary[pid]"""


@pytest.fixture(scope="module")
def uploaded(gamedata_site: Any, browser_class: Any) -> Iterator[Callable[[Path], str]]:
    """``uploaded(path)``: the id of the save uploaded once for the module."""
    client = browser_class(gamedata_site.url)
    client.register("mapper")
    ids: dict[Path, str] = {}

    def upload(path: Path) -> str:
        if path not in ids:
            ids[path] = client.upload(corpus_file(path)).json()["save_id"]
        return ids[path]

    yield upload
    client.close()


def open_map(page: Any, url: str) -> None:
    page.goto(url)
    page.wait_for_selector(READY, timeout=60_000)


def test_the_save_page_map_pans_zooms_hovers_clicks_and_switches_modes(
    gamedata_site, new_context, uploaded
):
    page = new_context(gamedata_site.url, viewport={"width": 1200, "height": 900}).new_page()
    open_map(page, f"/saves/{uploaded(KOREA)}")
    assert page.locator(f"{MAP} canvas.map-canvas").is_visible()
    assert page.locator("[data-map-static]").is_hidden()

    # Pan: a drag moves the view; zoom: the wheel and the buttons.
    start = page.evaluate(VIEW)
    canvas = page.locator(f"{MAP} canvas")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(cx, cy)
    page.mouse.down()
    page.mouse.move(cx - 150, cy, steps=5)
    page.mouse.up()
    panned = page.evaluate(VIEW)
    assert panned["x"] != start["x"]
    page.mouse.wheel(0, -400)
    page.wait_for_function(f"() => ({VIEW})().scale > {panned['scale']}")
    wheeled = page.evaluate(VIEW)["scale"]
    page.click("[data-map-zoom-in]")
    assert page.evaluate(VIEW)["scale"] > wheeled
    page.click("[data-map-zoom-out]")
    page.click("[data-map-zoom-out]")
    assert page.evaluate(VIEW)["scale"] < wheeled
    page.click("[data-map-reset]")
    assert page.evaluate(VIEW)["scale"] == pytest.approx(start["scale"])

    # A country's name in the countries table focuses the map on it, zoomed in.
    page.click('#countries [data-focus-country="KOR"]')
    page.wait_for_function("() => document.querySelector('[data-map]').dataset.mode === 'focus'")
    assert page.evaluate(VIEW)["scale"] > 1
    page.select_option("[data-map-mode]", "political")

    # Hover: the tooltip names the province and its owner.
    point = page.evaluate(POINT_OF, HANSEONG)
    assert point["color"] == page.evaluate(LAYER_COLOR, ["political", HANSEONG])
    page.mouse.move(point["x"], point["y"])
    tooltip = page.locator("[data-map-tooltip]")
    tooltip.wait_for(state="visible")
    assert "Hanseong" in tooltip.inner_text()
    assert "Owner: Korea" in tooltip.inner_text()

    # Click: the server's province fragment.
    page.mouse.click(point["x"], point["y"])
    page.wait_for_selector("#province-details[data-loaded='735']")
    assert "Hanseong" in page.locator("#province-details").inner_text()

    # Another mode: other pixel colours (the layers' own) and another legend.
    page.select_option("[data-map-mode]", "religion")
    page.wait_for_function("() => document.querySelector('[data-map]').dataset.mode === 'religion'")
    religion = page.evaluate(POINT_OF, HANSEONG)["color"]
    assert religion == page.evaluate(LAYER_COLOR, ["religion", HANSEONG])
    assert religion != point["color"]
    assert page.locator("[data-map-legend] strong").inner_text() == "Religion"


def test_the_timelapse_plays_and_exports_a_video_and_a_png(
    gamedata_site, new_context, uploaded, tmp_path
):
    context = new_context(gamedata_site.url, accept_downloads=True)
    page = context.new_page()
    open_map(page, f"/saves/{uploaded(JBB)}")
    page.click("[data-map-timelapse]")
    date = page.locator("[data-map-date]")
    assert date.inner_text() == "2024-01-01"
    page.select_option("[data-map-unit]", "year")
    page.select_option("[data-map-speed]", "max")
    page.click("[data-map-play]")
    page.wait_for_function("() => document.querySelector('[data-map-date]').textContent > '2030'")
    page.click("[data-map-play]")  # pause

    # The video: every year from the start, the date drawn in; a WebM (EBML) file.
    page.select_option("[data-map-video-size]", "4")
    with page.expect_download(timeout=180_000) as download:
        page.click("[data-map-video]")
    video = tmp_path / "timelapse.webm"
    download.value.save_as(video)
    data = video.read_bytes()
    assert data[:4] == b"\x1a\x45\xdf\xa3"
    assert len(data) > 10_000
    assert download.value.suggested_filename.endswith(".webm")

    # A PNG of the whole world at 1:2.
    page.select_option("[data-map-png-size]", "2")
    with page.expect_download() as download:
        page.click("[data-map-png]")
    image = tmp_path / "map.png"
    download.value.save_as(image)
    png = image.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert int.from_bytes(png[16:20], "big") == 2816
    assert int.from_bytes(png[20:24], "big") == 1024


def test_the_map_in_local_analysis(gamedata_site, new_context, local):
    """A dropped save's map: the layers and the province details come from the worker."""
    page = new_context(gamedata_site.url, viewport={"width": 1200, "height": 900}).new_page()
    page.goto("/local")
    assert local(page, KOREA, drop=True) == "done"
    page.wait_for_selector(f"[data-result] {READY}", timeout=60_000)
    assert page.locator("[data-result] [data-map-static]").is_hidden()
    page.click('[data-result] #countries [data-focus-country="KOR"]')
    page.select_option("[data-map-mode]", "political")
    point = page.evaluate(POINT_OF, HANSEONG)
    assert point["color"] == page.evaluate(LAYER_COLOR, ["political", HANSEONG])
    page.mouse.click(point["x"], point["y"])
    page.wait_for_selector("#province-details[data-loaded='735']")
    assert "Hanseong" in page.locator("#province-details").inner_text()


def test_without_webcodecs_the_video_is_recorded(gamedata_site, new_context, uploaded, tmp_path):
    """A browser without VideoEncoder records the timelapse with MediaRecorder instead."""
    context = new_context(gamedata_site.url, accept_downloads=True)
    context.add_init_script("delete window.VideoEncoder; delete window.VideoFrame;")
    page = context.new_page()
    open_map(page, f"/saves/{uploaded(JBB)}")
    assert page.evaluate("typeof VideoEncoder") == "undefined"
    page.click("[data-map-timelapse]")
    page.select_option("[data-map-unit]", "year")
    page.select_option("[data-map-video-size]", "4")
    with page.expect_download(timeout=180_000) as download:
        page.click("[data-map-video]")
    video = tmp_path / "recorded.webm"
    download.value.save_as(video)
    data = video.read_bytes()
    assert data[:4] == b"\x1a\x45\xdf\xa3"  # EBML: a WebM file
    assert len(data) > 1_000


def test_the_map_starts_on_the_pages_country_filter(gamedata_site, new_context, uploaded):
    """A filtered page (cf=region:scandinavia_region: the countries whose capital lies in
    map/region.txt's scandinavia_region, DAN GOT NOR SWE in the Korea save) opens its map
    with those countries chosen; another country's provinces are greyed."""
    save_id = uploaded(KOREA)
    page = new_context(gamedata_site.url).new_page()
    open_map(page, f"/saves/{save_id}?cf=region:scandinavia_region")
    assert page.locator("[data-map-filter]").input_value() == "chosen"
    chosen = page.evaluate(
        "() => [...document.querySelector('[data-map][data-map-ready]').map.chosen].sort()"
    )
    assert chosen == ["DAN", "GOT", "NOR", "SWE"]
    # Hanseong (Korea's) is drawn greyed, not in its political colour; unfiltered, it is.
    drawn = "(pid) => document.querySelector('[data-map][data-map-ready]').map.state.primary[pid]"
    assert page.evaluate(drawn, HANSEONG) != page.evaluate(LAYER_COLOR, ["political", HANSEONG])
    unfiltered = new_context(gamedata_site.url).new_page()
    open_map(unfiltered, f"/saves/{save_id}")
    assert unfiltered.locator("[data-map-filter]").input_value() == "all"
    political = unfiltered.evaluate(LAYER_COLOR, ["political", HANSEONG])
    assert unfiltered.evaluate(drawn, HANSEONG) == political
