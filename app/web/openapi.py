"""Error responses the OpenAPI document states, written once for every API controller."""

from __future__ import annotations

from typing import Any, Final

from litestar.openapi.datastructures import ResponseSpec


def error(description: str) -> ResponseSpec:
    """A JSON error body (``{"status_code": …, "detail": …}``) with ``description``."""
    return ResponseSpec(data_container=dict[str, Any], description=description)


# What every operation on one resource may answer.
ERRORS: Final = {
    400: error("Invalid input"),
    401: error("Not logged in / bad API key"),
    403: error("Not the owner or an admin"),
    404: error("Not found"),
}
# What the operations that need a user answer before they run: no credentials (401), a
# cookie session without the CSRF header (403: app.web.security).
AUTH_ERRORS: Final = {
    401: error("Not logged in / bad API key"),
    403: error("CSRF token missing or wrong"),
}
