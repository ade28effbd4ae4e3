"""Chronicle: the web application (Litestar, Jinja2 + htmx, Piccolo on PostgreSQL)."""

import os

# Piccolo finds its engine and apps through this module (the documented override of a root
# piccolo_conf.py); an explicit PICCOLO_CONF in the environment still wins.
os.environ.setdefault("PICCOLO_CONF", "app.piccolo_conf")
