"""Benchmark: what tagging (PDF/UA structure, marked content, artifacts) costs.

Run:  .venv/bin/python -m bench.tagging [--repeat N]

The same documents are built with the tagging layer switched off and on, in alternating runs so that machine noise
falls on both alike; medians. Aim: tagging makes a build at most 20% slower. The pack is the agenda benchmark's
120-page pack; with tagging off its front sheet and cover reports are untagged and there is no tree to join (its
stamps are artifact forms either way).
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "reports"))  # the same synthetic plans as the tests

from pypdf import PdfReader  # noqa: E402
from report_fixtures import make_appendices, make_snapshot  # noqa: E402

from bench.agenda import build_store  # noqa: E402
from bench.common import table  # noqa: E402
from desktop.models import Meeting  # noqa: E402
from desktop.reports import tagging  # noqa: E402
from desktop.reports.agenda_pack import PackOptions, build_agenda_pack  # noqa: E402
from desktop.reports.delivery_update import UpdateOptions, build_delivery_update  # noqa: E402
from desktop.store import Store  # noqa: E402

OPTIONS = UpdateOptions(marking="OFFICIAL-SENSITIVE", prepared_by="Community Safety Co-ordinator", version="1.0")


def compare(build: Callable[[], bytes], repeat: int) -> tuple[float, float, int, int]:
    """Medians (off, on) in seconds and sizes (off, on) in bytes, runs alternating."""
    off: list[float] = []
    on: list[float] = []
    sizes = [0, 0]
    for _ in range(repeat):
        for enabled, samples in ((False, off), (True, on)):
            tagging.set_enabled(enabled)
            start = time.perf_counter()
            pdf = build()
            samples.append(time.perf_counter() - start)
            sizes[enabled] = len(pdf)
    tagging.set_enabled(True)
    return statistics.median(off), statistics.median(on), sizes[0], sizes[1]


def row(what: str, pages: int, result: tuple[float, float, int, int]) -> list[str]:
    off, on, size_off, size_on = result
    return [what, str(pages), f"{1000 * off:,.0f} ms", f"{1000 * on:,.0f} ms", f"{100 * (on / off - 1):+.0f}%",
            f"{size_off / 1024:,.0f} → {size_on / 1024:,.0f} KiB"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    rows = []
    build_delivery_update(make_snapshot(10), OPTIONS)  # fonts, styles, imports
    worst = 0.0
    for n in (50, 500):
        snapshot, appendices = make_snapshot(n), make_appendices()
        result = compare(lambda s=snapshot, a=appendices: build_delivery_update(s, OPTIONS, a),  # type: ignore[misc]
                         args.repeat if n <= 50 else max(2, args.repeat // 2))
        pages = len(PdfReader(io.BytesIO(build_delivery_update(snapshot, OPTIONS, appendices))).pages)
        rows.append(row(f"delivery-plan update, {n} actions", pages, result))
        worst = max(worst, result[1] / result[0] - 1)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.pathways"
        meeting_id = build_store(path, 120)
        with Store.open(path, "benchmark passphrase 2016") as store, store.session() as session:
            meeting = session.get(Meeting, meeting_id)

            def pack() -> bytes:
                session.expire_all()
                return build_agenda_pack(session, meeting, PackOptions()).pdf

            result = compare(pack, args.repeat)
            pages = len(PdfReader(io.BytesIO(pack())).pages)
    rows.append(row("agenda pack, assembled (unsigned)", pages, result))
    worst = max(worst, result[1] / result[0] - 1)
    print(table(["document", "pages", "untagged", "tagged", "cost", "size"], rows))
    print(f"\nTagging costs at most {100 * worst:.0f}% (aim ≤ 20%).")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
