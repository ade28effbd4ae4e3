"""What the upload form says after a refusal: the next step for each kind of failure, and
the message a duplicate leaves on the page it redirects to (app.saves.controllers)."""

from __future__ import annotations

from typing import Any, Final

from app.analysis.errors import NO_TABLE
from app.saves import services

# A browser never lets a page set a file input: the text fields come back, the file not.
CHOOSE_AGAIN: Final = "Your name and report are kept below: choose the file again"


def upload_advice(exc: services.UploadError) -> str:
    """The sentence under the form's error: what to do next."""
    if isinstance(exc, services.TooLarge):
        return f"{CHOOSE_AGAIN}, a smaller one (a zipped save, as the game writes it)."
    if isinstance(exc, (services.StorageUnavailable, services.DatabaseUnavailable)):
        return f"{CHOOSE_AGAIN} and upload it in a minute: the site is having trouble."
    if exc.message.endswith(NO_TABLE):
        return f"{CHOOSE_AGAIN}: a normal (non-ironman) save of the game."
    return f"{CHOOSE_AGAIN} (or another save) and upload it."


def duplicate_message(save_id: str) -> dict[str, Any]:
    """The flash of a duplicate's redirect: a sentence and a link to the page it is on
    (templates/base.html.jinja2 renders a message with ``href`` as a link)."""
    return {
        "text": "This save was uploaded before, so here is its page:",
        "href": f"/saves/{save_id}",
        "link": f"/saves/{save_id}",
    }
