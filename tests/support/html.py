"""The one HTML parser of the web tests (the standard library's, no regexes over markup).

``parse_html(text)`` gives a ``Page``: the text of every element with an id, the tags seen,
the attributes of every element and link, the top-level tags (a fragment's roots), and the
rows of tables (cell texts, whitespace folded) by the id of any element around them.
"""

from __future__ import annotations

from collections.abc import Iterator
from html.parser import HTMLParser

VOID = frozenset(
    ("area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
     "track", "wbr")
)  # fmt: skip


class Page(HTMLParser):
    """A parsed document or fragment."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: dict[str, str] = {}
        """Text of every element with an id (as written: whitespace kept)."""
        self.tags: list[str] = []
        """Every start tag, in document order."""
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        """Every element: (tag, attributes), in document order."""
        self.roots: list[str] = []
        """The top-level tags (a fragment's: ``["section"]``)."""
        self._rows: list[tuple[frozenset[str], list[str]]] = []
        self._stack: list[tuple[str, str | None]] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    # --- what tests read ---------------------------------------------------------------

    @property
    def links(self) -> list[dict[str, str | None]]:
        """The attributes of every ``<a>``."""
        return [attributes for tag, attributes in self.elements if tag == "a"]

    @property
    def hrefs(self) -> list[str]:
        """The ``href`` of every ``<a>`` that has one."""
        return [href for link in self.links if (href := link.get("href"))]

    def text(self, element_id: str) -> str:
        """The text of the element with ``element_id``, stripped (KeyError when absent)."""
        return self.ids[element_id].strip()

    def texts(self) -> dict[str, str]:
        """``text()`` of every element with an id."""
        return {element_id: text.strip() for element_id, text in self.ids.items()}

    def rows(self, within: str) -> list[list[str]]:
        """The rows (cell texts, whitespace folded) of the tables inside the element whose
        id is ``within`` (the header row included)."""
        return [cells for around, cells in self._rows if within in around]

    def attribute_values(self, *names: str) -> Iterator[str]:
        """The values of the attributes ``names`` on every element, in document order."""
        for _tag, attributes in self.elements:
            for name, value in attributes.items():
                if name in names and value is not None:
                    yield value

    # --- HTMLParser --------------------------------------------------------------------

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.tags.append(tag)
        self.elements.append((tag, attributes))
        if not self._stack:
            self.roots.append(tag)
        if tag in VOID:
            return
        element_id = attributes.get("id")
        self._stack.append((tag, element_id))
        if element_id:
            self.ids.setdefault(element_id, "")
        if tag == "tr":
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        if tag == "tr" and self._row is not None:
            around = frozenset(element_id for _, element_id in self._stack if element_id)
            self._rows.append((around, self._row))
            self._row = None
        if any(open_tag == tag for open_tag, _ in self._stack):
            while self._stack.pop()[0] != tag:
                pass

    def handle_data(self, data: str) -> None:
        for _, element_id in self._stack:
            if element_id:
                self.ids[element_id] += data
        if self._cell is not None:
            self._cell.append(data)


def parse_html(text: str) -> Page:
    """``text`` parsed (a whole page or a fragment)."""
    page = Page()
    page.feed(text)
    page.close()
    return page
