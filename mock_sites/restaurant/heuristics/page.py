"""TableTop's pages read from the observation text: result cards with their time slots, the
restaurant page's own slots, and the label -> value lists of the review and confirmation pages.

The generic reader (`agentq.components.obs_reading.PageReader`) parses the text tree; this one adds
the site's records through its hooks in the same single pass. Public text only; memoised.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from agentq.components.obs_reading import TIME_LABEL, Elem, PageRead, PageReader, Where

_SOLD_OUT = re.compile(r"(\d{1,2}:\d{2} [AP]M) \(sold out\)")
DETAIL_LABELS = frozenset(
    {"Restaurant", "Date", "Time", "Party size", "Name", "Phone", "Email", "Seating preference", "Occasion",
     "Special request", "Status"}
)


@dataclass(slots=True)
class Article:
    """A result card (or the restaurant page itself): title, its link, the slots it shows."""

    title: str = ""
    link: int | None = None
    meta: str = ""
    slots: list[tuple[str, int | None]] = field(default_factory=list)  # (time label, link id or None = sold out)
    no_tables: bool = False

    def available(self) -> dict[str, int]:
        return {label: eid for label, eid in self.slots if eid is not None}

    def sold_out(self) -> set[str]:
        return {label for label, eid in self.slots if eid is None}


@dataclass(slots=True)
class TableTopPage(PageRead):
    """A page read as TableTop's: the generic records plus its result cards and detail lists."""

    articles: list[Article] = field(default_factory=list)  # result cards, in order
    page_slots: Article = field(default_factory=Article)  # slots outside any card (restaurant page)
    _details: dict[str, str] | None = None

    def details(self) -> dict[str, str]:
        """Label -> value pairs of a review/confirmation list ("Time" -> "7:00 PM")."""
        if self._details is None:
            pairs: dict[str, str] = {}
            label: str | None = None
            for item in self.flow:
                if item in DETAIL_LABELS and (label is None or pairs[label]):
                    label = item
                    pairs.setdefault(label, "")
                    continue
                if label is not None:
                    current = pairs[label]
                    pairs[label] = current + item if item.startswith(",") or not current else f"{current} {item}"
            self._details = pairs
        return self._details


class _TableTopReader(PageReader[TableTopPage]):
    """The generic pass, plus cards: an article's first heading is its title, a link named like it
    its link, links labelled with a time its slots ("7:00 PM (sold out)" texts: sold-out slots)."""

    def __init__(self) -> None:
        self.cards: dict[int, Article] = {}  # article line number -> its card

    def new_page(self) -> TableTopPage:
        return TableTopPage()

    def _card(self, where: Where) -> Article | None:
        return self.cards.get(where.article) if where.article >= 0 else None

    def on_element(self, page: TableTopPage, element: Elem, where: Where) -> None:
        if element.role == "link":
            card = self._card(where)
            if TIME_LABEL.fullmatch(element.name):
                (card if card is not None else page.page_slots).slots.append((element.name, element.id))
            elif card is not None and card.link is None and card.title and element.name == card.title:
                card.link = element.id

    def on_heading(self, page: TableTopPage, level: int, heading: str, where: Where) -> None:
        card = self._card(where)
        if card is not None and not card.title:
            card.title = heading

    def on_text(self, page: TableTopPage, content: str, where: Where) -> None:
        card = self._card(where)
        sold = _SOLD_OUT.fullmatch(content)
        target = card if card is not None else page.page_slots
        if sold:
            target.slots.append((sold.group(1), None))
        elif content.startswith("No tables within an hour"):
            target.no_tables = True
        elif card is not None and not card.meta and "·" in content:
            card.meta = content

    def on_open(self, page: TableTopPage, role: str, where: Where) -> None:
        if role == "article":
            article = Article()
            self.cards[where.number] = article
            page.articles.append(article)


@lru_cache(maxsize=2048)
def read_page(text: str) -> TableTopPage:
    """Parse an observation text as a TableTop page (memoised; treat the result as read-only)."""
    return _TableTopReader().read(text)
