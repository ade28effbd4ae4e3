"""Build hook of the app's wheel (pyproject.toml: [tool.hatch.build.targets.wheel.hooks.custom]).

The app finds ``templates/`` and ``migrations/`` beside its package (app/web/templating.py
and the ``piccolo_app`` modules look in ``app/..``), and serves ``app/static/``, whose
``vendor/`` (htmx, webm-muxer, uPlot and Swagger UI, copied from node_modules by scripts/setup)
and ``wasm/`` (the local-analysis bundle, scripts/build_wasm.py) are git-ignored. An
editable install runs from the checkout and needs none of this; a built wheel (the Docker
image, scripts/bench/measure_footprint.py) carries all of it, so that an installed app
finds ``site-packages/templates`` and ``site-packages/migrations`` the same way.

The bundle is optional (without it the drop zone says local analysis is unavailable);
``CHRONICLE_REQUIRE_BUNDLE=1`` (the Dockerfile sets it) makes its absence an error.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

VENDORED = (
    "app/static/vendor/htmx.min.js",
    "app/static/vendor/webm-muxer.mjs",
    "app/static/vendor/swagger-ui-bundle.js",
    "app/static/vendor/swagger-ui.css",
    "app/static/vendor/uPlot.iife.min.js",
    "app/static/vendor/uPlot.min.css",
)
BUNDLE_MANIFEST = "app/static/wasm/manifest.json"


class AppFilesHook(BuildHookInterface):  # type: ignore[type-arg]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel" or version == "editable":
            return
        root = Path(self.root)
        missing = [name for name in VENDORED if not (root / name).is_file()]
        if missing:
            raise RuntimeError(
                f"{', '.join(missing)} missing: run scripts/setup first (it copies them "
                "from node_modules)"
            )
        for folder in ("templates", "migrations"):
            for path in sorted((root / folder).rglob("*")):
                if path.is_file() and "__pycache__" not in path.parts:
                    name = path.relative_to(root).as_posix()
                    build_data["force_include"][str(path)] = name
        build_data["artifacts"].append("/app/static/vendor/")
        if (root / BUNDLE_MANIFEST).is_file():
            build_data["artifacts"].append("/app/static/wasm/")
        elif os.environ.get("CHRONICLE_REQUIRE_BUNDLE") == "1":
            raise RuntimeError(f"{BUNDLE_MANIFEST} missing: run scripts/build_wasm.py first")
