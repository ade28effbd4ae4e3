#!/usr/bin/env python3
"""Pre-render Chronicle's static site into dist/ (scripts/test builds it; not committed).

    .venv/bin/python scripts/build_static.py [--out DIR] [--corpus DIR] [--tokens FILE]
                                             [--gamedata DIR] [--language LANGUAGE]

The kernel runs here, at build time, and the pages are rendered by the app's own
templates (templates/static/ for the layout, templates/analysis/ and
templates/local/_dropzone.html.jinja2 as on the server):

- ``index.html``: the landing page, with the drop zone of the local analysis;
- ``achievements/index.html`` and ``achievements/<id>/index.html``: the kernel's
  achievement catalogue (``kernel.eu4.ACHIEVEMENTS``), and which demo saves have each;
- ``demo/index.html`` and ``demo/<slug>/index.html``: the analysis of every EU4 save of
  ../shared/corpus the kernel reads without a token table, pre-rendered, with its payload
  (``analysis.json``) so that sorting and CSV downloads work in the browser, and, when
  ``--gamedata`` (default: ``CHRONICLE_GAMEDATA_DIR``) has a bundle for the save, the names
  of its keys (``names.json``, in ``--language``, English by default);
- ``static/``: the stylesheet, the local-analysis scripts and the Wasm bundle
  (app/static/wasm/, built by scripts/build_wasm.py).

Every link is relative, so any static host serves dist/ as it is (the app serves it under
/site/ when it is there). Rebuilt from scratch each run (a temporary directory, then
renamed into place: a failed build leaves the previous dist/ alone).
"""

from __future__ import annotations

import argparse
import datetime
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from markupsafe import Markup  # noqa: E402

import kernel  # noqa: E402
from app.analysis.payload import payload_json  # noqa: E402
from app.analysis.render import environment  # noqa: E402
from app.analysis.view import analysis_view  # noqa: E402
from app.local import assets  # noqa: E402
from app.local.worker import LOCAL_VIEW  # noqa: E402
from app.web.templating import TEMPLATES, filesize  # noqa: E402
from kernel.eu4 import ACHIEVEMENTS, analyze  # noqa: E402

OUT = ROOT / "dist"
CORPUS = ROOT.parent / "shared" / "corpus" / "saves" / "eu4"
SITE_NAME = "Chronicle"
# The pages' scripts and styles (the map's modules import one another by relative URL).
STATIC_FILES = (
    "app.css",
    "toc.js",
    "charts.js",
    "local/local.js",
    "local/worker.js",
    "map/map.js",
    "map/colors.js",
    "map/raster.js",
    "map/state.js",
    "map/view.js",
    "map/timelapse.js",
    "map/export.js",
    "vendor/webm-muxer.mjs",
    "vendor/uPlot.iife.min.js",
    "vendor/uPlot.min.css",
)


def slug(name: str) -> str:
    stem = name.rsplit(".", 1)[0]
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", stem).strip("-").lower() or "save"


class Site:
    """Renders pages into ``out`` with links relative to each page's folder."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.env = environment(TEMPLATES)
        self.env.filters["filesize"] = filesize
        self.common = {
            "site_name": SITE_NAME,
            "static_site": True,
            "current_user": lambda: None,
            "kernel_version": kernel.__version__,
            "built_on": datetime.date.today().isoformat(),
        }

    def page(self, path: str, template: str, **context: Any) -> None:
        depth = path.count("/")
        root = "../" * depth
        static = self.out / "static"

        def asset(name: str) -> str:
            return assets.asset_url(name, static, root + "static")

        def local() -> dict[str, str] | None:
            return assets.local_analysis(None, static, root + "static")

        html = self.env.get_template(template).render(
            **self.common, root=root, asset=asset, local_analysis=local, **context
        )
        target = self.out / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html, encoding="utf-8")


def copy_static(out: Path) -> None:
    for name in STATIC_FILES:
        target = out / "static" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(assets.STATIC_DIR / name, target)
    bundle = assets.STATIC_DIR / assets.BUNDLE
    if not (bundle / "manifest.json").is_file():
        raise SystemExit("build_static: app/static/wasm is not built: run scripts/setup first")
    shutil.copytree(bundle, out / "static" / assets.BUNDLE)


def named(encoded: bytes, gamedata: Path | None, language: str) -> dict[str, Any] | None:
    """``{"names", "gamedata"}`` for an analysis (``encoded``: its payload JSON): the
    bundle of ``gamedata`` chosen for it (app.analysis.names.save_identity,
    kernel.gamedata.choose_bundle) in ``language``."""
    if gamedata is None:
        return None
    import msgspec

    from app.analysis.names import save_identity
    from kernel.gamedata import choose_bundle, list_bundles, read_names, used_names

    plain = msgspec.json.decode(encoded)
    identity = save_identity(plain)
    if identity is None:
        return None
    bundle = choose_bundle(list_bundles(str(gamedata)), *identity)
    if bundle is None or language not in bundle.languages:
        return None
    names = read_names(str(gamedata), bundle.id, language)
    return {"names": used_names(plain, names), "gamedata": bundle.label}


def demos(
    corpus: Path, tokens: Path | None, gamedata: Path | None = None, language: str = "english"
) -> list[dict[str, Any]]:
    """The corpus saves the kernel reads (binary ones only with ``tokens``), analysed."""
    out: list[dict[str, Any]] = []
    if not corpus.is_dir():
        return out
    for path in sorted(p for p in corpus.iterdir() if p.is_file()):
        try:
            # With the game data the server would use: the achievements that need it are
            # decided as on a shared page.
            analysis = analyze(
                path.read_bytes(),
                tokens=tokens,
                gamedata=str(gamedata) if gamedata is not None else None,
            )
        except kernel.TokensNeeded:
            print(f"build_static: {path.name}: skipped (binary: no token table here)")
            continue
        except kernel.KernelError as exc:
            print(f"build_static: {path.name}: skipped ({exc})")
            continue
        info = analysis.info
        completed = {a.id for a in analysis.achievements.results if a.completed}
        encoded = payload_json(analysis)
        out.append(
            {
                "slug": slug(path.name),
                "title": path.name,
                "size": path.stat().st_size,
                "date": info.date,
                "player": info.player_name or info.player_tag,
                "patch": info.patch,
                "json": encoded,
                "names": named(encoded, gamedata, language),
                "completed": completed,
            }
        )
    return out


def build(
    out: Path,
    corpus: Path,
    tokens: Path | None = None,
    gamedata: Path | None = None,
    language: str = "english",
) -> int:
    import msgspec

    copy_static(out)
    site = Site(out)
    saves = demos(corpus, tokens, gamedata, language)
    site.page("index.html", "static/index.html.jinja2", demos=saves)
    site.page("demo/index.html", "static/demos.html.jinja2", demos=saves)
    for demo in saves:
        folder = f"demo/{demo['slug']}"
        (out / folder).mkdir(parents=True, exist_ok=True)
        (out / folder / "analysis.json").write_bytes(demo["json"])
        naming = demo["names"] or {}
        if naming:
            (out / folder / "names.json").write_bytes(msgspec.json.encode(naming))
        payload = msgspec.json.decode(demo["json"])
        html = Markup(  # the partial's own output, escaped as it was rendered
            site.env.get_template("analysis/_analysis.html.jinja2").render(
                analysis=payload,
                view=analysis_view(LOCAL_VIEW),
                names=naming.get("names") or {},
                gamedata=naming.get("gamedata"),
            )
        )
        site.page(f"{folder}/index.html", "static/demo.html.jinja2", demo=demo, analysis_html=html)
    catalogue = [
        {"id": aid, "name": name, "difficulty": difficulty, "description": description}
        for aid, (name, difficulty, description) in sorted(ACHIEVEMENTS.items())
    ]
    site.page("achievements/index.html", "static/achievements.html.jinja2", achievements=catalogue)
    for item in catalogue:
        having = [{**d, "completed": item["id"] in d["completed"]} for d in saves]
        site.page(
            f"achievements/{item['id']}/index.html",
            "static/achievement.html.jinja2",
            a=item,
            demos=having,
        )
    return len(saves)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument(
        "--tokens", type=Path, default=None, help="an EU4 token file, for binary demo saves"
    )
    default_gamedata = os.environ.get("CHRONICLE_GAMEDATA_DIR")
    parser.add_argument(
        "--gamedata",
        type=Path,
        default=Path(default_gamedata) if default_gamedata else None,
        help="a game-data directory: names for the demo saves' keys",
    )
    parser.add_argument("--language", default="english", help="the names' language")
    args = parser.parse_args(argv)
    out: Path = args.out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".dist-", dir=out.parent) as tmp:
        staging = Path(tmp) / "site"
        count = build(staging, args.corpus, args.tokens, args.gamedata, args.language)
        old = Path(tmp) / "old"
        if out.exists():
            out.rename(old)
        staging.rename(out)
    files = [p for p in out.rglob("*") if p.is_file()]
    size = sum(p.stat().st_size for p in files)
    print(f"build_static: {out}: {len(files)} files, {size / 1e6:.1f} MB, {count} demo saves")
    return 0


if __name__ == "__main__":
    sys.exit(main())
