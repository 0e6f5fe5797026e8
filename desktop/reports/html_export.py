"""The HTML version of the delivery-plan update and of the agenda pack's front sheet.

GOV.UK's guidance for public sector bodies is "HTML first": a web page reflows, zooms and reads aloud better than
any PDF. Each page is built from the same data as its PDF (the closed quarter's frozen snapshot, the same published
appendices, the same counts) and is one self-contained file: styles inline, the chart as inline SVG with its
description, no scripts, nothing fetched. It names the snapshot's SHA-256 and links to the signed PDF, which stays
the record; the HTML goes through the same export gate as every other export.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

from desktop.reports.chart_text import rag_chart_text
from desktop.reports.charts import CategoryCounts, Series
from desktop.reports.delivery_update import UpdateOptions, _direction_counts, _objective_counts, _severity
from desktop.reports.flowables import RagPalette, long_date, short_date
from desktop.reports.front_sheet import _sub_lines
from desktop.reports.styles import DEMO_NOTICE, DIRECTION_SYMBOLS, DIRECTION_WORDS
from desktop.services.frozen import FrozenAction, PlanSnapshotData
from desktop.services.indicators import format_parts, format_value
from desktop.services.pack_contents import PackData, PackItem
from desktop.services.published import PublishedAppendix, PublishedTable, RedactionNotice
from desktop.services.quarter_status import CARRY_FORWARD_RULE
from desktop.services.rag import scheme

_CSS = """
body{font-family:"DejaVu Sans",Verdana,Arial,sans-serif;font-size:1rem;line-height:1.5;color:#1b1f24;
max-width:60rem;margin:0 auto;padding:1rem 1.5rem}
h1,h2,h3{color:#1f3a5f;line-height:1.25}h3{color:#1b1f24}
a{color:#1d4f91}a:focus{outline:3px solid #ffbf47;outline-offset:0;background:#ffbf47;color:#0b0c0c}
table{border-collapse:collapse;margin:0.5rem 0 1rem;width:100%}caption{text-align:left;font-weight:bold;
padding:0.25rem 0}th,td{border:1px solid #b8c0c8;padding:0.3rem 0.45rem;text-align:left;vertical-align:top}
thead th{background:#dde4ec}td.num,th.num{text-align:right}
.chip{display:inline-block;min-width:1.4em;padding:0 0.3em;border:1px solid #b8c0c8;font-weight:bold;
text-align:center}
.marking{font-weight:bold;border:2px solid #1b1f24;padding:0.3rem 0.6rem;display:inline-block}
.demo{color:#a4161a;font-weight:bold}.notice{background:#fff6e0;border-left:5px solid #c98a00;padding:0.5rem 1rem}
.hash{font-family:"DejaVu Sans Mono",monospace;word-break:break-all}.note{font-style:italic;font-size:0.9rem}
dl.details{display:grid;grid-template-columns:max-content 1fr;gap:0.2rem 1rem}dt{font-weight:bold}dd{margin:0}
"""


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _page(title: str, body: Sequence[str], *, lang: str = "en-GB") -> str:
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n<main>\n"
        + "\n".join(body) + "\n</main>\n</body>\n</html>\n"
    )


def _table(caption: str, headers: Sequence[str], rows: Sequence[Sequence[str]], *, row_headers: bool = False,
           numeric: Sequence[bool] = ()) -> str:
    """Cells are already HTML; header cells carry scope."""
    def cls(i: int) -> str:
        return ' class="num"' if i < len(numeric) and numeric[i] else ""

    head = "".join(f'<th scope="col"{cls(i)}>{h}</th>' for i, h in enumerate(headers))
    body = []
    for row in rows:
        cells = []
        for i, cell in enumerate(row):
            if i == 0 and row_headers:
                cells.append(f'<th scope="row">{cell}</th>')
            else:
                cells.append(f"<td{cls(i)}>{cell}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (f"<table>\n<caption>{caption}</caption>\n<thead><tr>{head}</tr></thead>\n<tbody>\n"
            + "\n".join(body) + "\n</tbody>\n</table>")


def _chip(palette: RagPalette, key: str | None) -> str:
    chip = palette.chip(key)
    fill = chip.fill.hexval().replace("0x", "#")
    text = chip.text.hexval().replace("0x", "#")
    return (f'<span class="chip" style="background:{fill};color:{text}" aria-hidden="true">{_e(chip.letter)}</span>'
            f" {_e(chip.label)}")


def _direction(direction: str) -> str:
    key = direction if direction in DIRECTION_SYMBOLS else "none"
    return f'<span aria-hidden="true">{DIRECTION_SYMBOLS[key]}</span> {_e(DIRECTION_WORDS[key])}'


def _svg_chart(categories: Sequence[CategoryCounts], series: Sequence[Series], chart_id: str) -> str:
    """A stacked bar per category, letters in the segments, the numbers in the description (role="img")."""
    row, bar, label_w, plot_w = 28, 18, 150, 420
    top = max(1, max((sum(c.counts.get(s.key, 0) for s in series) for c in categories), default=1))
    height = row * len(categories) + 10
    description = rag_chart_text(categories, series)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="{chart_id}-t {chart_id}-d" '
             f'viewBox="0 0 {label_w + plot_w + 40} {height}" width="100%" style="max-width:40rem">',
             f'<title id="{chart_id}-t">Number of actions in each status, by objective</title>',
             f'<desc id="{chart_id}-d">{_e(description)}</desc>']
    for n, c in enumerate(categories):
        y = 5 + n * row
        parts.append(f'<text x="{label_w - 6}" y="{y + bar - 5}" text-anchor="end" font-size="12">'
                     f"{_e(c.code or c.title)}</text>")
        x = float(label_w)
        for s in series:
            count = c.counts.get(s.key, 0)
            if not count:
                continue
            w = plot_w * count / top
            fill = s.fill.hexval().replace("0x", "#")
            ink = s.text.hexval().replace("0x", "#")
            parts.append(f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar}" fill="{fill}" '
                         'stroke="#b8c0c8"/>')
            if w >= 14:
                parts.append(f'<text x="{x + w / 2:.1f}" y="{y + bar - 5}" text-anchor="middle" font-size="11" '
                             f'font-weight="bold" fill="{ink}">{_e(s.letter)}</text>')
            x += w
        total = sum(c.counts.get(s.key, 0) for s in series)
        parts.append(f'<text x="{x + 4:.1f}" y="{y + bar - 5}" font-size="12">{total}</text>')
    parts.append("</svg>")
    return "".join(parts)


# ---- the delivery-plan update


def update_html(data: PlanSnapshotData, options: UpdateOptions, appendices: Sequence[PublishedAppendix],
                *, pdf_name: str, pdf_sha256: str = "") -> str:
    """The update as one HTML page; ``pdf_name`` is the signed PDF it accompanies (linked relatively)."""
    palette = RagPalette(scheme(data.rag_scheme))
    issue_date = options.issue_date or dt.date.today()
    title = f"{data.plan_title} — Delivery plan update {data.period_label}"
    body: list[str] = []
    if data.is_demo or any(a.is_demo for a in appendices):
        body.append(f'<p class="demo">{_e(DEMO_NOTICE)}</p>')
    body += [
        f'<p class="marking">Protective marking: {_e(options.marking)}</p>',
        f"<p>{_e(data.partnership)}</p>",
        f"<h1>{_e(data.plan_title)}: delivery plan update, {_e(data.period_label)}</h1>",
        f'<p>This is the web version of the update. The signed PDF is the record: '
        f'<a href="{_e(pdf_name)}">{_e(title)} (PDF)</a>.</p>',
        '<dl class="details">',
    ]
    details = [
        ("Reporting period", f"{data.period_label} ({long_date(data.period_start)} to {long_date(data.period_end)})"),
        ("Plan", data.plan_title + (f", {data.plan_period}" if data.plan_period else "")),
        ("Owning group", data.owning_group),
        ("Date of issue", long_date(issue_date)),
        ("Prepared by", options.prepared_by or data.closed_by),
        ("Quarter closed", long_date(data.closed_at)),
    ]
    body += [f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in details if v.strip()]
    body.append(f'<dt>Snapshot SHA-256</dt><dd class="hash">{_e(data.sha256())}</dd>')
    if pdf_sha256:
        body.append(f'<dt>Signed PDF SHA-256</dt><dd class="hash">{_e(pdf_sha256)}</dd>')
    body.append("</dl>")
    body += _summary_html(data, options, palette)
    body += _exceptions_html(data, palette)
    body += _plan_html(data, palette)
    indicators = data.extra.get("indicators") or []
    if indicators:
        body += _indicators_html(indicators)
    for appendix in appendices:
        body += _appendix_html(appendix)
    body += _key_html(data, palette)
    return _page(title, body)


def _summary_html(data: PlanSnapshotData, options: UpdateOptions, palette: RagPalette) -> list[str]:
    actions = data.actions()
    previous = data.previous_period_label or "the previous quarter"
    out = ["<h2>1. Summary</h2>",
           f"<p>This update reports the position of the {len(actions)} actions in the {_e(data.plan_title)} at the "
           f"close of {_e(data.period_label)}, compared with {_e(previous)}.</p>"]
    messages = [m for m in options.key_messages if m.strip()]
    if messages:
        out += ["<h3>Key messages</h3>", "<ul>" + "".join(f"<li>{_e(m)}</li>" for m in messages) + "</ul>"]
    counts = data.status_counts()
    now, before = counts.by_rag, data.previous_counts
    total_now, total_before = sum(now.values()), sum(before.values())
    rows = []
    for chip in palette.ordered():
        n_now, n_before = now.get(chip.key, 0), before.get(chip.key, 0)
        if chip.key == "none" and n_now == 0 and n_before == 0:
            continue
        share = f"{100 * n_now / total_now:.0f}%" if total_now else "–"
        change = n_now - n_before
        carried = str(counts.carried_of(chip.key)) if chip.key != "none" else "–"
        rows.append([_chip(palette, chip.key), str(n_now), share, carried, str(n_before) if before else "–",
                     (f"{change:+d}" if change else "no change") if before else "–"])
    rows.append(["All actions", str(total_now), "100%" if total_now else "–", str(sum(counts.carried.values())),
                 str(total_before) if before else "–", "–"])
    last_q = data.previous_period_label or "Last quarter"
    out.append(_table(f"RAG status, {_e(data.period_label)} and {_e(last_q)}",
                      ["Status", _e(data.period_label), "Share", "Not updated", _e(last_q), "Change"], rows,
                      row_headers=True, numeric=[False, True, True, True, True, True]))
    out.append(f'<p class="note">{_e(CARRY_FORWARD_RULE)}</p>')
    out.append(f'<p class="note">{_e(palette.scheme.rollup_rule)}</p>')
    d = _direction_counts(actions)
    out.append(f"<p>Since {_e(previous)}: {d['improved']} improved, {d['worse']} got worse, {d['same']} unchanged, "
               f"{d['new']} with no earlier status to compare, {d['none']} with no status.</p>")
    categories = [CategoryCounts(o.code, o.title, _objective_counts(o.priorities, data.period_label))
                  for o in data.objectives]
    series = [Series(c.key, c.letter, c.label, c.fill, c.text) for c in palette.ordered()]
    if categories:
        out += ["<h3>RAG status by objective</h3>",
                f"<figure>{_svg_chart(categories, series, 'rag-by-objective')}<figcaption>Figure 1: number of "
                f"actions in each status, by objective, {_e(data.period_label)}. Key: "
                + ", ".join(f"{_e(s.letter)} {_e(s.label)}" for s in series) + ".</figcaption></figure>"]
    return out


def _exceptions_html(data: PlanSnapshotData, palette: RagPalette) -> list[str]:
    rag = palette.scheme
    flagged = [a for a in data.actions() if (st := rag.find(a.rag)) is not None and st.needs_remedial]
    flagged.sort(key=lambda a: -_severity(rag, a.rag))
    labels = " and ".join(st.label for st in sorted(rag.statuses, key=lambda x: -x.severity) if st.needs_remedial)
    out = [f"<h2>2. Exceptions: {_e(labels)} actions</h2>"]
    if not flagged:
        return out + [f"<p>No actions are rated {_e(labels)} this quarter.</p>"]
    for a in flagged:
        owner = a.remedial_owner.strip() or "owner not recorded"
        out += [f"<h3>{_e(a.code)} {_e(a.text)}</h3>",
                '<dl class="details">',
                f"<dt>Status</dt><dd>{_chip(palette, a.rag)}{_mark(a)} ({_direction(a.direction)})</dd>",
                f"<dt>Lead</dt><dd>{_e(_lead(a))}</dd>",
                f"<dt>Timescale</dt><dd>{_e(a.timescale.strip() or short_date(a.due_date) or 'Not set')}</dd>",
                f"<dt>Commentary</dt><dd>{_e(a.commentary or 'Not recorded')}</dd>",
                f"<dt>Remedial action ({_e(owner)})</dt><dd>{_e(a.remedial_action or 'Not recorded')}</dd>",
                "</dl>"]
    return out


def _mark(a: FrozenAction) -> str:
    """" (not updated since 2015/16 Q3)" beside a carried-forward status, as in the PDF."""
    return f" <em>({_e(a.mark)})</em>" if a.mark else ""


def _lead(a: FrozenAction) -> str:
    lead = a.lead + (f"; with {'; '.join(a.joint_leads)}" if a.joint_leads else "")
    return lead + (f", {a.lead_organisation}" if a.lead_organisation else "")


def _plan_html(data: PlanSnapshotData, palette: RagPalette) -> list[str]:
    out = ["<h2>3. The delivery plan</h2>"]
    if data.aim.strip():
        out.append(f"<p><strong>Aim:</strong> {_e(data.aim)}</p>")
    headers = ["Ref", "Action", "Progress measures and outcome", "Lead officer and organisation", "Timescale",
               "RAG", "Direction of travel", "Progress this quarter"]
    for objective in data.objectives:
        out.append(f"<h3>{_e(objective.code)} {_e(objective.title)}</h3>")
        out.append(f"<p>Objective status (roll-up): {_chip(palette, objective.rollup_rag)}</p>")
        for priority in objective.priorities:
            rows = [[_e(a.code), _e(a.text), _e("; ".join(a.progress_measures) + (
                f" Outcome: {a.expected_outcome}" if a.expected_outcome else "")), _e(_lead(a)),
                _e(a.timescale.strip() or short_date(a.due_date)), _chip(palette, a.rag) + _mark(a),
                _direction(a.direction),
                _e(a.commentary)] for a in priority.actions]
            rollup = palette.chip(priority.rollup_rag).label
            caption = f"Priority {_e(priority.code)}: {_e(priority.text)} (roll-up: {_e(rollup)})"
            out.append(_table(caption, headers, rows, row_headers=True) if rows
                       else f"<p>{caption}: no actions under this priority.</p>")
    return out


def _indicators_html(indicators: Sequence[Mapping[str, Any]]) -> list[str]:
    """The same figures as the PDF's indicators table: baseline, target, latest (with comparators), RAG."""
    rows = []
    for item in indicators:
        unit = str(item.get("unit") or "count")
        baseline: Mapping[str, Any] = item.get("baseline") or {}
        if baseline.get("value") is not None:
            base = format_value(baseline["value"], unit)
        else:
            base = format_parts(baseline["parts"], unit) if baseline.get("parts") else str(baseline.get("label") or "–")
        target: Mapping[str, Any] = item.get("target") or {}
        assessment: Mapping[str, Any] = item.get("assessment") or {}
        latest: Mapping[str, Any] = assessment.get("latest") or {}
        shown = "–"
        if latest:
            value = latest.get("value")
            shown = format_value(value, unit) if value is not None else format_parts(latest.get("parts") or {}, unit)
            shown += f" ({latest.get('period', '')})"
            if latest.get("national") is not None:
                shown += f"; England and Wales {format_value(latest['national'], unit)}"
        rows.append([_e(f"{item.get('code', '')} {item.get('name', '')}".strip()), _e(base),
                     _e(target.get("text") or "No target"), _e(shown)])
    return ["<h2>4. Performance indicators</h2>",
            _table("The latest figure of each indicator against its baseline and target",
                   ["Indicator", "Baseline", "Target", "Latest"], rows, row_headers=True),
            "<p>Each indicator's trend chart is in the PDF, described in its alternative text.</p>"]


def _appendix_html(appendix: PublishedAppendix) -> list[str]:
    out = [f"<h2>{_e(appendix.title)}</h2>", f"<p>Disclosure profile: <strong>{_e(appendix.profile.capitalize())}"
           "</strong></p>"]
    out += [f"<p>{_e(p)}</p>" for p in appendix.intro.split("\n\n") if p.strip()]
    for part in appendix.parts:
        if isinstance(part, PublishedTable):
            rows = [[_e(c) + (" †" if (r, i) in part.suppressed else "") for i, c in enumerate(row)]
                    for r, row in enumerate(part.rows)]
            out.append(_table(_e(part.title), [_e(c) for c in part.columns], rows, row_headers=True))
            notes = (["† Hidden or rounded under the disclosure rule below."] if part.suppressed else []) + (
                [part.note] if part.note.strip() else [])
            out += [f'<p class="note">{_e(n)}</p>' for n in notes]
        elif isinstance(part, RedactionNotice):
            out.append(f'<div class="notice"><h3>{_e(part.title)}</h3><p>{_e(part.text)}</p></div>')
    return out


def _key_html(data: PlanSnapshotData, palette: RagPalette) -> list[str]:
    defs = {st.key: st.definition for st in palette.scheme.statuses}
    defs["none"] = "No status was recorded for the action this quarter."
    rows = [[_chip(palette, c.key), _e(defs[c.key])] for c in palette.ordered()]
    return ["<h2>RAG key and notes</h2>",
            _table(f"Scheme: {_e(palette.scheme.name)}", ["Status", "Definition"], rows, row_headers=True),
            f'<p class="note">{_e(palette.scheme.rollup_rule)}</p>',
            f"<p>Built by Pathways from the frozen snapshot of {_e(data.period_label)}. Snapshot SHA-256: "
            f'<span class="hash">{_e(data.sha256())}</span>. To check the signed PDF, trust the partnership\'s '
            "signing root once and open the signature panel of your PDF reader, or run "
            "<code>pathways verify</code>.</p>"]


# ---- the agenda pack's front sheet


def front_sheet_html(data: PackData, ranges: Mapping[int, str], *, part: str = "A", issued_on: dt.date | None = None,
                     pdf_name: str = "", pdf_sha256: str = "") -> str:
    """The front sheet (agenda) as a web page, with each paper's page range in the pack and a link to it."""
    what = "Agenda" if part.upper() == "A" else "Agenda, Part B (exempt information)"
    title = f"{data.committee}, {long_date(data.date)}: {what}"
    body: list[str] = []
    if data.is_demo:
        body.append(f'<p class="demo">{_e(DEMO_NOTICE)}</p>')
    body += [f"<h1>{_e(data.committee)}</h1>", '<dl class="details">',
             f"<dt>Date</dt><dd>{_e(long_date(data.date))}</dd>", f"<dt>Time</dt><dd>{_e(data.time)}</dd>",
             f"<dt>Venue</dt><dd>{_e(data.venue)}</dd>"]
    issued = issued_on or data.issued_on
    if issued:
        body.append(f"<dt>Issued</dt><dd>{_e(long_date(issued))}</dd>")
    body.append("</dl>")
    if pdf_name:
        body.append(f'<p>The papers are in the signed agenda pack: <a href="{_e(pdf_name)}">{_e(title)} (PDF)</a>'
                    + (f' (SHA-256 <span class="hash">{_e(pdf_sha256)}</span>)' if pdf_sha256 else "") + ".</p>")
    body.append("<h2>Business</h2>")
    public = [i for i in data.items if not i.exempt]
    exempt = [i for i in data.items if i.exempt]
    if part.upper() == "A":
        body += ["<h3>Part A</h3>", f"<p>{_e(data.public_notice)}</p>" if data.public_notice else "",
                 _items(public, ranges)]
    if exempt:
        body += ["<h3>Part B</h3>", "<p>Items which are likely to be considered in the absence of the press and "
                 "public (exempt information).</p>", _items(exempt, ranges)]
    if data.contact:
        body.append(f"<p>Contact: {_e(data.contact)}</p>")
    return _page(title, body)


def _items(items: Sequence[PackItem], ranges: Mapping[int, str]) -> str:
    out = ['<ul class="agenda" style="list-style:none;padding-left:0">']
    for item in items:
        pages = f" {_e(ranges[item.id])}" if item.id in ranges else ""
        decision = " <strong>For decision</strong>" if item.kind == "decision" else ""
        subs = "".join(f"<li>{_e(line)}</li>" for line in _sub_lines(item))
        indent = f' style="margin-left:{1.5 * item.depth:.1f}rem"' if item.depth else ""
        out.append(f"<li{indent}><strong>{_e(item.number)}.</strong> {_e(item.title)}{pages}{decision}"
                   + (f"<ul>{subs}</ul>" if subs else "") + "</li>")
    out.append("</ul>")
    return "\n".join(out)
