"""Link previews over HTTP: a save page's OpenGraph/Twitter tags (title "country, date,
patch", a description) and og:image, which always resolves to a 1200x630 PNG: the map's
og.png where game data draws it (tests/app/maps/test_map_routes.py), the summary card
(card.png) here, on a site without game data, for EU4 and other games alike."""

from __future__ import annotations

import io
import secrets

import pytest
from PIL import Image
from support.corpus import save_file
from support.html import parse_html
from support.saves import text_save

HOI4 = "hoi4/lokisharp_GER_1936.1.1.12_v1.14.4_trimmed.hoi4"


def metas(text: str) -> dict[str, str | None]:
    return {
        a.get("property") or a.get("name") or "": a.get("content")
        for tag, a in parse_html(text).elements
        if tag == "meta"
    }


def assert_card(browser, url: str) -> bytes:
    answer = browser.get(url)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "image/png"
    assert Image.open(io.BytesIO(answer.content)).size == (1200, 630)
    return answer.content


def test_an_eu4_save_without_game_data_previews_with_its_card(browser, new_user):
    owner = new_user("card")
    save = text_save(player="CAS", name="Castile", date="1687.3.1", minor=36, seed=7)
    save_id = owner.upload(save, name="my campaign.eu4").json()["save_id"]
    tags = metas(browser.get(f"/saves/{save_id}").text)
    title = "Castile, 1 March 1687, EU4 1.36.0"
    assert tags["og:title"] == tags["twitter:title"] == tags["og:image:alt"] == title
    described = tags["og:description"] or ""
    assert described.startswith("Castile's campaign, up to 1 March 1687 shared by card")
    assert tags["description"] == tags["twitter:description"] == described
    assert tags["og:url"] == f"{browser.base}/saves/{save_id}"
    card = f"{browser.base}/saves/{save_id}/card.png"
    assert tags["og:image"] == tags["twitter:image"] == card
    assert tags["twitter:card"] == "summary_large_image"
    assert (tags["og:image:width"], tags["og:image:height"]) == ("1200", "630")
    first = assert_card(browser, card)
    # Kept and revalidated like the map's pictures: the same bytes, 304 for its ETag.
    again = browser.get(card)
    assert again.content == first
    etag = again.headers["etag"]
    assert browser.get(card, headers={"If-None-Match": etag}).status_code == 304
    # Its words change with the save (an edited name is not drawn: the card stays).
    owner.post(f"/saves/{save_id}/edit", data={"filename": "renamed.eu4", "aar": ""})
    assert browser.get(card).headers["etag"] == etag


def test_a_save_of_another_game_has_a_card_too(browser, new_user):
    owner = new_user("cardhoi")
    # A copy of its own (tests/app/maps uploads the corpus file itself on this server).
    data = save_file(HOI4).read_bytes()
    seed = f"tutorial=no\ntest_seed={secrets.randbits(48)}\n".encode()
    data = data.replace(b"tutorial=no\n", seed, 1)
    response = owner.upload(data, name="ger.hoi4")
    assert response.status_code == 201, response.text
    save_id = response.json()["save_id"]
    tags = metas(browser.get(f"/saves/{save_id}").text)
    assert tags["og:image"] == f"{browser.base}/saves/{save_id}/card.png"
    assert "Hearts of Iron IV" in (tags["og:description"] or "")
    assert_card(browser, tags["og:image"] or "")


@pytest.mark.parametrize("save_id", ["nosuchsave", "bad%20id"])
def test_the_card_of_no_save_is_a_readable_404(browser, save_id):
    answer = browser.get(f"/saves/{save_id}/card.png")
    assert answer.status_code in (404, 400)
    assert "image/png" not in answer.headers["content-type"]
