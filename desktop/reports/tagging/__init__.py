"""Tagged PDF (PDF/UA-1) for the documents Pathways builds with ReportLab.

ReportLab writes no structure of its own, so this package adds it as a layer: a canvas that marks content
(``canvas``), a hook that decides which element each flowable draws (``hooks``), the structure tree in reading
order (``tree``) and its PDF objects (``writer``, ``xmp``). Builders opt in with one argument,
``doc.build(story, canvasmaker=tagged(Base))``, and give charts their alternative text with ``describe``.
See docs/accessible-publishing.md for why it is built this way.
"""

from desktop.reports.tagging.canvas import TaggingCanvas, set_enabled, tagged
from desktop.reports.tagging.hooks import describe, set_role, table_headers

__all__ = ["TaggingCanvas", "describe", "set_enabled", "set_role", "table_headers", "tagged"]
