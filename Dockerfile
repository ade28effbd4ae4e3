# syntax=docker/dockerfile:1
#
# Chronicle as one image: docker build -t chronicle .
#
#   assets   npm ci of package-lock.json's run-time packages (htmx, the Pyodide runtime,
#            Swagger UI, webm-muxer and uPlot; no CDN at run time)
#   builder  compilers + the pinned build tools: the mypyc-compiled kernel wheel, the browser
#            bundle (Pyodide + the pure kernel wheel + msgspec's Pyodide wheel + Jinja2), the
#            app's wheel and a wheel of every run-time dependency (exact pins:
#            requirements-app.txt)
#   runtime  python:3.11-slim, no compilers and no build tools: only those wheels, installed
#            from the builder without an index, run by a non-root user
#
# Run (embedded PostgreSQL and local files in the volume; every variable: docs/app.md):
#
#   docker run -p 8000:8000 -v chronicle:/var/lib/chronicle -e SECRET_KEY=... \
#     --stop-timeout 40 chronicle
#
# SHUTDOWN_TIMEOUT (default 20 s) is how long SIGTERM leaves uploads in flight to finish:
# give the container more than that before SIGKILL (docker's default is 10 s).

ARG PYTHON_VERSION=3.11
ARG DEBIAN=bookworm

# --- assets ---------------------------------------------------------------------------------
FROM node:20-${DEBIAN}-slim AS assets
WORKDIR /src
COPY package.json package-lock.json ./
# "dependencies" only (htmx.org, pyodide, swagger-ui-dist, webm-muxer, uplot); jomini is a
# devDependency (tests, benchmarks).
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

# --- builder --------------------------------------------------------------------------------
FROM python:${PYTHON_VERSION}-slim-${DEBIAN} AS builder
# Debian's versions within the pinned release (exact pins would break at each point release).
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends build-essential \
    && rm -rf /var/lib/apt/lists/*
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PYTHONDONTWRITEBYTECODE=1
WORKDIR /src

# The build tools with the pins scripts/setup uses: mypy *is* the mypyc compiler
# (kernel/pyproject.toml pins the same), and msgspec is what mypyc type-checks against.
COPY requirements-app.txt requirements-dev.txt requirements-test.txt ./
RUN grep -hE '^(build|hatchling|hatch-mypyc|mypy|setuptools|msgspec)==' \
        requirements-dev.txt requirements-test.txt >build-pins.txt \
    && pip install -r build-pins.txt

# Every run-time dependency as a wheel (binary wheels from PyPI; an sdist would be built
# here, where the compilers are), msgspec at the version the kernel was checked with.
# numpy and Pillow among them: the kernel's gamedata extra, which the app depends on
# (chronicle-kernel[gamedata]), so the runtime stage installs them with the app.
RUN pip wheel --wheel-dir /wheels -r requirements-app.txt \
        "$(grep -E '^msgspec==' requirements-test.txt)"

# The compiled kernel: sdist, then the wheel built from it (as scripts/setup does),
# without build isolation so that the pinned tools above are the build.
COPY kernel/pyproject.toml kernel/pyproject.toml
COPY kernel/src kernel/src
RUN HATCH_BUILD_HOOK_ENABLE_MYPYC=1 python -m build --no-isolation --outdir /tmp/kernel kernel \
    && cp /tmp/kernel/chronicle_kernel-*-cp3*-*.whl /wheels/ \
    && pip install --no-deps --target /tmp/kernel-check /wheels/chronicle_kernel-*.whl \
    && PYTHONPATH=/tmp/kernel-check python -c \
        'import kernel, sys; sys.exit(0 if kernel.COMPILED else "kernel wheel is not compiled")'

# The app: app/ with templates/, migrations/ and the vendored htmx, webm-muxer, uPlot and Swagger UI
# (scripts/hatch_build.py).
COPY pyproject.toml ./
COPY scripts/hatch_build.py scripts/build_wasm.py scripts/pyodide_compile.mjs \
    scripts/fetch_pyodide_wheels scripts/
COPY app app
COPY templates templates
COPY migrations migrations
COPY --from=assets /src/node_modules/htmx.org/dist/htmx.min.js app/static/vendor/htmx.min.js
COPY --from=assets /src/node_modules/webm-muxer/build/webm-muxer.mjs app/static/vendor/webm-muxer.mjs
COPY --from=assets /src/node_modules/swagger-ui-dist/swagger-ui-bundle.js app/static/vendor/swagger-ui-bundle.js
COPY --from=assets /src/node_modules/swagger-ui-dist/swagger-ui.css app/static/vendor/swagger-ui.css
COPY --from=assets /src/node_modules/uplot/dist/uPlot.iife.min.js app/static/vendor/uPlot.iife.min.js
COPY --from=assets /src/node_modules/uplot/dist/uPlot.min.css app/static/vendor/uPlot.min.css

# The browser's local-analysis bundle into app/static/wasm/, as scripts/setup builds it:
# the kernel's PURE wheel, msgspec's Pyodide wheel, Jinja2 and MarkupSafe (their pure
# Python files, read from an install of them), Pyodide from the npm package. Jinja2 and
# MarkupSafe come from /wheels without an index: the versions resolved for
# requirements-app.txt above (hence no pins on that line).
# Node runs Pyodide's CPython to byte-compile the bundle (scripts/pyodide_compile.mjs):
# the official Node binary needs only glibc; node_modules has pyodide and its ws.
COPY --from=assets /usr/local/bin/node /usr/local/bin/node
COPY --from=assets /src/node_modules node_modules
# hadolint ignore=DL3013
RUN python -m build --no-isolation --outdir build/wheels kernel \
    && ./scripts/fetch_pyodide_wheels python \
    && pip install --no-deps --no-index --find-links=/wheels jinja2 markupsafe \
    && python scripts/build_wasm.py

# CHRONICLE_REQUIRE_BUNDLE: the wheel build fails rather than ship an image without it.
RUN CHRONICLE_REQUIRE_BUNDLE=1 pip wheel --no-deps --no-build-isolation --wheel-dir /wheels .

# --- runtime --------------------------------------------------------------------------------
FROM python:${PYTHON_VERSION}-slim-${DEBIAN} AS runtime

# tini as PID 1: forwards SIGTERM to the app and reaps the embedded PostgreSQL's processes.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends tini \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 chronicle \
    && useradd --system --uid 10001 --gid chronicle --no-create-home \
        --home-dir /var/lib/chronicle --shell /usr/sbin/nologin chronicle \
    && install -d -o chronicle -g chronicle -m 0750 /var/lib/chronicle

# Only the builder's wheels, without an index (so exactly the pinned versions); then the
# base image's own build tools go.
# hadolint ignore=DL3013
RUN --mount=type=bind,from=builder,source=/wheels,target=/wheels \
    pip install --no-cache-dir --no-index --find-links=/wheels \
        --disable-pip-version-check chronicle \
    && pip uninstall -y --disable-pip-version-check setuptools wheel pip

ENV PYTHONUNBUFFERED=1 \
    APP_HOST=0.0.0.0 \
    PORT=8000 \
    VAR_DIR=/var/lib/chronicle \
    SHUTDOWN_TIMEOUT=20 \
    LOG_LEVEL=info

# Numeric, so that runAsNonRoot-style checks can verify it.
USER 10001:10001
WORKDIR /var/lib/chronicle
# Embedded PostgreSQL (pgdata/), local storage (storage/), the generated secret key and the
# upload temporary files; with DATABASE_URL and an s3:// STORAGE_URL only the latter two.
VOLUME ["/var/lib/chronicle"]
EXPOSE 8000

# GET /health on the app's own port: the database and the storage answer (app/web/health.py).
# start-period: the first start runs initdb and the migrations.
HEALTHCHECK --interval=30s --timeout=10s --start-period=90s --retries=3 \
    CMD ["python", "-m", "app.web.health", "--timeout", "8"]

STOPSIGNAL SIGTERM
ENTRYPOINT ["tini", "--"]
CMD ["python", "-m", "app", "serve", "--migrate"]
