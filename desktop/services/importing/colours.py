"""Cell fill colours → RAG: trackers that show status only as a red, amber or green cell.

Excel stores a fill as an RGB value, an index into the old 56-colour palette, or a theme colour (an accent of the
workbook's theme) lightened or darkened by a tint. All three are resolved to RGB here, and an RGB colour is read as
the scheme status whose hue is nearest (pale "Bad"/"Good" style fills and strong traffic-light fills alike). Each
status sits at the hue spreadsheet traffic lights give it rather than at Pathways' own darker shade, so that Excel's
yellows count as amber and its olive and lime greens as green. Whites, greys and colours far from every status are
not statuses.
"""

from __future__ import annotations

import colorsys
import xml.etree.ElementTree as ET
from typing import Any

from desktop.services.rag import RagScheme, RagStatus

_DRAWING_NS = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
# Theme colour index → element of <a:clrScheme>: Excel swaps the first two pairs (0 is "light 1", 1 "dark 1").
_THEME_ORDER = ("lt1", "dk1", "lt2", "dk2", "accent1", "accent2", "accent3", "accent4", "accent5", "accent6",
                "hlink", "folHlink")
MAX_HUE_DISTANCE = 45.0  # degrees: further from every status than this is not a RAG colour
# Where each status sits on the colour wheel (degrees) as trackers colour them; other statuses use their own colour.
STATUS_HUES = {"red": 0.0, "amber_red": 22.0, "amber": 42.0, "amber_green": 78.0, "green": 110.0, "blue": 215.0}


def theme_colours(theme_xml: bytes | str | None) -> list[str]:
    """The workbook theme's colours as "rrggbb", in Excel's theme index order; [] when there is no theme."""
    if not theme_xml:
        return []
    try:
        root = ET.fromstring(theme_xml)
    except ET.ParseError:
        return []
    scheme = root.find(f".//{_DRAWING_NS}clrScheme")
    if scheme is None:
        return []
    found: dict[str, str] = {}
    for element in scheme:
        name = element.tag.replace(_DRAWING_NS, "")
        for child in element:
            value = child.get("val") if child.tag.endswith("srgbClr") else child.get("lastClr")
            if value and len(value) == 6:
                found[name] = value.lower()
    return [found.get(name, "") for name in _THEME_ORDER]


def _tinted(rgb: str, tint: float) -> str:
    """Excel's tint: lightness moved towards white (tint > 0) or black (tint < 0), hue kept."""
    r, g, b = (int(rgb[i:i + 2], 16) / 255 for i in (0, 2, 4))
    h, lightness, s = colorsys.rgb_to_hls(r, g, b)
    lightness = lightness * (1 + tint) if tint < 0 else lightness * (1 - tint) + tint
    r, g, b = colorsys.hls_to_rgb(h, max(0.0, min(1.0, lightness)), s)
    return "".join(f"{round(x * 255):02x}" for x in (r, g, b))


def _indexed(index: int) -> str:
    from openpyxl.styles.colors import COLOR_INDEX

    if 0 <= index < len(COLOR_INDEX) and index < 64:
        value = str(COLOR_INDEX[index])
        return value[-6:].lower()
    return ""


def fill_rgb(fill: Any, theme: list[str]) -> str:
    """A cell's solid fill as "rrggbb", or "" when the cell has no solid fill (or its colour cannot be resolved)."""
    if fill is None or getattr(fill, "fill_type", None) != "solid":
        return ""
    colour = getattr(fill, "fgColor", None)
    if colour is None:
        return ""
    kind = getattr(colour, "type", "")
    rgb = ""
    try:
        if kind == "rgb" and isinstance(colour.rgb, str) and len(colour.rgb) >= 6:
            rgb = colour.rgb[-6:].lower()
        elif kind == "theme" and isinstance(colour.theme, int) and 0 <= colour.theme < len(theme):
            rgb = theme[colour.theme]
        elif kind == "indexed" and isinstance(colour.indexed, int):
            rgb = _indexed(colour.indexed)
    except (TypeError, ValueError):
        return ""
    if not rgb or any(c not in "0123456789abcdef" for c in rgb):
        return ""
    tint = float(getattr(colour, "tint", 0.0) or 0.0)
    return _tinted(rgb, max(-1.0, min(1.0, tint))) if tint else rgb


def _hls(rgb: str) -> tuple[float, float, float]:
    r, g, b = (int(rgb[i:i + 2], 16) / 255 for i in (0, 2, 4))
    h, lightness, s = colorsys.rgb_to_hls(r, g, b)
    return h * 360, lightness, s


def is_rag_like(rgb: str) -> bool:
    """A coloured fill that could be a status: saturated, neither near-white nor near-black."""
    if not rgb:
        return False
    _, lightness, s = _hls(rgb)
    return s >= 0.25 and 0.12 <= lightness <= 0.95


def is_status_colour(rgb: str) -> bool:
    """A fill that reads as red, amber or green in any scheme (blue banding and header shading do not)."""
    if not is_rag_like(rgb):
        return False
    hue = _hls(rgb)[0]
    return any(_hue_distance(hue, STATUS_HUES[k]) <= MAX_HUE_DISTANCE for k in ("red", "amber", "green"))


def _greyish(rgb: str) -> bool:
    _, lightness, s = _hls(rgb)
    return s < 0.12 and 0.25 <= lightness <= 0.8


def _hue_distance(a: float, b: float) -> float:
    d = abs(a - b) % 360
    return min(d, 360 - d)


def nearest_status(rgb: str, sch: RagScheme, *, allow_grey: bool = False) -> RagStatus | None:
    """The scheme status whose colour is nearest in hue to ``rgb``; None for white, and for colours no status is
    near. Grey (a BRAG scheme's "not started") counts only when ``allow_grey`` (a fill in a RAG column), since
    grey is also how tables shade rows."""
    if not rgb:
        return None
    if _greyish(rgb):
        grey = sch.find("grey")
        return grey if allow_grey else None
    if not is_rag_like(rgb):
        return None
    hue = _hls(rgb)[0]
    best: tuple[float, RagStatus] | None = None
    for status in sch.statuses:
        colour = status.colour.lstrip("#").lower()
        if status.key not in STATUS_HUES and not is_rag_like(colour):
            continue
        distance = _hue_distance(hue, STATUS_HUES.get(status.key, _hls(colour)[0]))
        if best is None or distance < best[0]:
            best = (distance, status)
    if best is None or best[0] > MAX_HUE_DISTANCE:
        return None
    return best[1]
