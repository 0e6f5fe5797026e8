"""The export gate's check for HTML: the visible text, and everything a browser or screen reader exposes that is
not visible (the title, alternative text, aria labels, SVG titles and descriptions, link targets, meta content)."""

from __future__ import annotations

from html.parser import HTMLParser

from desktop.services.disclosure.identifiers import Finding, IdentifierSet, dedupe, scan_text

_EXPOSED_ATTRIBUTES = frozenset({"alt", "title", "aria-label", "aria-description", "href", "content", "summary"})


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.attributes: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.attributes += [value for name, value in attrs if name in _EXPOSED_ATTRIBUTES and value]
        if tag in ("p", "li", "tr", "h1", "h2", "h3", "dt", "dd", "caption", "title", "desc", "br", "div"):
            self.text.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th"):
            self.text.append(" ")

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def check_html(data: bytes, identifiers: IdentifierSet) -> list[Finding]:
    try:
        markup = data.decode("utf-8")
    except UnicodeDecodeError:
        markup = data.decode("cp1252", errors="replace")
    collector = _Collector()
    collector.feed(markup)
    collector.close()
    findings = scan_text("".join(collector.text), identifiers, "in the page text")
    for value in collector.attributes:
        findings += scan_text(value, identifiers, "in an attribute (alternative text, title or link)")
    return dedupe(findings)
