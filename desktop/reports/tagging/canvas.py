"""A canvas that tags what it draws.

Every page's content starts as an /Artifact: running headers, footers, page numbers, rules and table backgrounds
need nothing further. When a flowable draws real content the canvas closes the artifact, opens
``/Role <</MCID n>> BDC`` for the structure element the drawing belongs to, and reopens the artifact after it.
So nothing on a page is ever left neither tagged nor an artifact, and the structure tree follows the order in
which the story was laid out: the reading order.
"""

from __future__ import annotations

from typing import Any

from reportlab.pdfgen.canvas import Canvas

from desktop.reports.styles import SANS, register_fonts
from desktop.reports.tagging.tree import MarkedRef, StructTree
from desktop.reports.tagging.writer import write_structure

ARTIFACT_OPEN = "/Artifact BMC"
_ENABLED = [True]  # bench/ switches tagging off to measure what it costs


def set_enabled(enabled: bool) -> None:
    _ENABLED[0] = enabled


class TaggingCanvas(Canvas):  # type: ignore[misc]  # ReportLab ships no type hints
    """Mix in before a Canvas subclass: ``class Tagged(TaggingCanvas, NumberedCanvas)``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.pw_tree: StructTree | None = StructTree() if _ENABLED[0] else None
        self._pw_pages: list[Any] = []
        self._pw_mark: tuple[MarkedRef, int] | None = None
        if self.pw_tree is not None and not kwargs.get("initialFontName"):
            # ReportLab's default font is an unembedded Helvetica, set in every page's preamble
            register_fonts()
            kwargs["initialFontName"] = SANS
        super().__init__(*args, **kwargs)
        self._pw_open_page()

    # ---- page boundaries

    def _pw_open_page(self) -> None:
        if self.pw_tree is not None:
            self._code.append(ARTIFACT_OPEN)

    def _startPage(self) -> None:  # noqa: N802 - ReportLab's name
        super()._startPage()
        if getattr(self, "pw_tree", None) is not None:
            self._pw_open_page()

    def showPage(self) -> None:  # noqa: N802 - ReportLab's name
        if self.pw_tree is not None:
            if self._pw_mark is not None:
                self.pw_end()
            self._code.append("EMC")
        super().showPage()
        if self.pw_tree is not None:
            self._pw_pages.append(self._doc.Pages.pages[-1])

    def save(self) -> None:
        if self.pw_tree is not None:
            code: list[str] = self._code
            if code == [ARTIFACT_OPEN]:  # the page opened after the last one: never shown
                code.clear()
            elif code:
                self.showPage()
            self.setViewerPreference("DisplayDocTitle", "true")
            write_structure(self._doc, self._pw_pages, self.pw_tree)
        super().save()

    # ---- marked content

    @property
    def pw_marking(self) -> bool:
        return self._pw_mark is not None

    def pw_begin(self, tag: str = "P") -> bool:
        """Start marked content owned by the tree's current element; False if already inside one."""
        if self.pw_tree is None or self._pw_mark is not None:
            return False
        ref = self.pw_tree.add_content(self._pageNumber - 1)
        self._code.append("EMC")
        self._code.append(f"/{tag} <</MCID {ref.mcid}>> BDC")
        self._pw_mark = (ref, len(self._code))
        return True

    def pw_end(self) -> None:
        if self.pw_tree is None or self._pw_mark is None:
            return
        ref, start = self._pw_mark
        self._pw_mark = None
        if len(self._code) == start:  # drew nothing (a bookmark, a spacer): leave no empty sequence behind
            del self._code[-2:]
            self.pw_tree.drop_content(ref)
            return
        self._code.append("EMC")
        self._code.append(ARTIFACT_OPEN)


_CLASSES: dict[type, type] = {}


def tagged(base: type = Canvas) -> type:
    """The tagging version of canvas class ``base``, for ``doc.build(story, canvasmaker=tagged(base))``."""
    from desktop.reports.tagging import hooks  # installs the flowable hook on first use

    hooks.install()
    cls = _CLASSES.get(base)
    if cls is None:
        cls = type(f"Tagged{base.__name__}", (TaggingCanvas, base), {})
        _CLASSES[base] = cls
    return cls
