"""What the upload form and Share answer, over HTTP: a save already on the site opens its
page (a redirect and a flash linking it) instead of an error; a refused file gives the form
back with its text fields kept and the next step; a binary save on this site (no token
table) is explained for players. The API keeps its JSON answers (409 with the id)."""

from __future__ import annotations

import html

from support.html import parse_html
from support.saves import Vocabulary, to_binary

from app.analysis.errors import NO_TABLE
from app.saves.upload_advice import CHOOSE_AGAIN

HX = {"HX-Request": "true"}
# Text that must come back as it was typed (markup characters, quotes, a line break).
NAME = 'Rome <"first"> & co.eu4'
AAR = "Day one: <b>bold</b> & 'quoted'\nDay two."


def form_post(owner, data: bytes, *, headers=None, **fields: str):
    """The upload form posted as a browser without JavaScript does (the CSRF field)."""
    return owner.post(
        "/saves",
        csrf=False,
        headers=headers,
        data={"_csrf_token": owner.csrf, **fields},
        files={"file": ("picked.eu4", data)},
    )


def test_a_duplicate_from_the_form_opens_the_existing_page(new_user, make_save):
    owner, other = new_user("dupform"), new_user("dupother")
    save = make_save()
    first = owner.upload(save).json()["save_id"]
    response = form_post(other, save)
    assert response.status_code == 303
    assert response.headers["location"] == f"/saves/{first}"
    page = other.get(response.headers["location"])
    assert page.status_code == 200
    flash = [a for tag, a in parse_html(page.text).elements if tag == "a"]
    assert {"href": f"/saves/{first}"} in flash
    assert "This save was uploaded before, so here is its page:" in html.unescape(page.text)
    assert "Sharing failed" not in page.text and 'role="alert"' not in page.text


def test_a_duplicate_shared_with_htmx_redirects_to_it(new_user, make_save):
    """Share (app/static/local/local.js) and the htmx form follow HX-Redirect."""
    owner = new_user("duphx")
    save = make_save()
    first = owner.upload(save).json()["save_id"]
    response = owner.post("/saves", headers=HX, files={"file": ("again.eu4", save)})
    assert response.status_code == 200
    assert response.headers["hx-redirect"] == f"/saves/{first}"
    # the API still answers 409 with the id, for scripts
    again = owner.upload(save)
    assert again.status_code == 409 and again.json()["save_id"] == first


def test_a_refused_file_keeps_the_forms_text_and_says_what_next(new_user):
    owner = new_user("keep")
    response = form_post(owner, b"\x00\x01 nonsense", filename=NAME, aar=AAR)
    assert response.status_code == 422
    page = parse_html(response.text)
    assert "html" in page.tags  # without JavaScript: the whole page, the form in it
    fields = {a.get("name"): a for tag, a in page.elements if tag in ("input", "textarea")}
    assert fields["filename"]["value"] == NAME
    assert fields["file"].get("value") is None  # a browser cannot be given a file
    # the textarea's text, exactly as typed
    assert f">{html.escape(AAR, quote=False)}</textarea>" in response.text.replace("&#39;", "'")
    text = html.unescape(response.text)
    assert f"{CHOOSE_AGAIN} (or another save) and upload it." in text
    # htmx: the form fragment, with the same text kept
    fragment = owner.post(
        "/saves",
        headers=HX,
        data={"filename": NAME, "aar": AAR},
        files={"file": ("x.eu4", b"\x00\x01 nonsense")},
    )
    assert fragment.status_code == 422
    doc = parse_html(fragment.text)
    assert "html" not in doc.tags
    kept = {a.get("name"): a.get("value") for tag, a in doc.elements if tag == "input"}
    assert kept["filename"] == NAME
    assert CHOOSE_AGAIN in html.unescape(fragment.text)


def test_a_binary_save_without_a_token_table_is_explained_for_players(
    new_user, app_server, make_save
):
    assert app_server.settings.kernel.tokens_dir is None
    owner = new_user("ironman")
    binary = to_binary(make_save(), Vocabulary())
    response = form_post(owner, binary, filename="iron.eu4")
    assert response.status_code == 422
    text = html.unescape(response.text)
    assert NO_TABLE in text and "16-bit" not in text
    assert "ironman" in NO_TABLE and "operator can enable" in NO_TABLE and "text" in NO_TABLE
    assert f"{CHOOSE_AGAIN}: a normal (non-ironman) save of the game." in text
    api = owner.upload(binary)
    assert api.status_code == 422 and api.json()["detail"] == NO_TABLE
