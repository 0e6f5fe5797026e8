"""The logical structure of a document as it is drawn: elements in reading order, and the marked content
(page, MCID) each one owns. Plain Python, no PDF objects: desktop.reports.tagging.writer turns it into a
/StructTreeRoot when the document is saved."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field


@dataclass(frozen=True)
class MarkedRef:
    """One marked-content sequence: ``/Tag <</MCID mcid>> BDC … EMC`` on page ``page`` (0-based)."""

    page: int
    mcid: int


@dataclass(eq=False)
class Element:
    role: str  # a standard structure type: Document, H1, P, L, LI, LBody, Table, TR, TH, TD, Figure, Form …
    parent: Element | None = None
    kids: list[Element | MarkedRef] = field(default_factory=list)
    alt: str = ""
    attributes: dict[str, str | int] = field(default_factory=dict)  # layout/table attributes (/O /Table …)
    keep_empty: bool = False  # table cells stay even when empty, so every row has its cells

    def walk(self) -> Iterator[Element]:
        yield self
        for kid in self.kids:
            if isinstance(kid, Element):
                yield from kid.walk()

    def has_content(self) -> bool:
        return any(isinstance(k, MarkedRef) or k.has_content() for k in self.kids)


class StructTree:
    """Elements are opened and closed as flowables draw; content is numbered per page in drawing order."""

    def __init__(self) -> None:
        self.root = Element("Document")
        self.stack: list[Element] = [self.root]
        self.pages: list[list[Element]] = []  # page → MCID → the element that owns it

    @property
    def current(self) -> Element:
        return self.stack[-1]

    def open(self, role: str, *, alt: str = "", attributes: dict[str, str | int] | None = None,
             keep_empty: bool = False) -> Element:
        element = Element(role, self.current, alt=alt, attributes=dict(attributes or {}), keep_empty=keep_empty)
        self.current.kids.append(element)
        self.stack.append(element)
        return element

    def enter(self, element: Element) -> None:
        """Continue an element opened earlier (a table carried over to the next page)."""
        self.stack.append(element)

    def close(self, element: Element) -> None:
        if self.stack[-1] is not element:
            raise RuntimeError(f"structure out of order: closing {element.role} inside {self.stack[-1].role}")
        self.stack.pop()

    def add_content(self, page: int) -> MarkedRef:
        while len(self.pages) <= page:
            self.pages.append([])
        ref = MarkedRef(page, len(self.pages[page]))
        self.pages[page].append(self.current)
        self.current.kids.append(ref)
        return ref

    def drop_content(self, ref: MarkedRef) -> None:
        """Forget a marked sequence that turned out to draw nothing (it is always the last one)."""
        owner = self.pages[ref.page].pop()
        owner.kids.remove(ref)

    def prune(self) -> None:
        """Remove elements that own no content (a paragraph that drew nothing, an empty list)."""

        def keep(element: Element) -> bool:
            element.kids = [k for k in element.kids if isinstance(k, MarkedRef) or keep(k)]
            return element.keep_empty or bool(element.kids)

        keep(self.root)

    def elements(self) -> Iterator[Element]:
        return self.root.walk()
