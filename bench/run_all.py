"""`make bench`: run every benchmark in bench/, each in a fresh process, and rewrite docs/performance.md."""

from __future__ import annotations

import datetime as dt
import os
import platform
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCHES = [
    ("store", "Encrypted store vs plain SQLite: unlock and bulk work (issues #2, #17)"),
    ("startup", "Cold start and memory (issue #9)"),
    ("ui", "Desktop: unlock to table, filter latency (issues #3, #17)"),
    ("reports", "Delivery-plan update: build and sign (issue #4)"),
    ("agenda", "Agenda pack: assemble and sign (issue #7)"),
    ("importing", "Importing a plan (issue #8)"),
    ("tagging", "Tagged PDF: what tagging costs (issue #16)"),
    ("quarter_status", "Carried-forward statuses and counts (issue #14)"),
    ("server_writers", "Shared server: 20 concurrent writers (issue #18)"),
]


NOTES = """## Reading these figures

- **Unlock (issue #17).** The key derivation (PBKDF2-HMAC-SHA512, 256,000 iterations, about 0.1 s on an idle core)
  is the price of every guess against a stolen store and is not lowered. What changed is when work happens:
  the desktop derives the key while the passphrase is typed (after a 0.12 s pause in typing, the key for what has
  been typed so far; Enter then finds it ready), and it shows the plan before the whole-file check (every page's
  HMAC, then SQLite's quick_check), which then runs on a second connection and thread. Every page that is read is
  still HMAC-checked as it is decrypted, and no write is committed until the whole-file check has passed; when it
  fails, the store refuses every write and the desktop says so. `pathways` commands still check first. The table
  shows the plan's first 200 rows as soon as they are read; the other rows follow on the worker thread, and nothing
  that counts (dashboard, quarter close, My actions, filter counts) uses the rows until all are in. "First rows"
  and "all rows" are both printed.
- **Encrypted vs plain unlock.** The plain store is opened the same way minus the key (same checks that it is a
  Pathways store at the current schema) and reads the same rows, runs alternating. With the key derived after Enter
  the derivation is most of the gap; with the key derived while typing, what is left is decrypting the pages read.
  Bulk writes and reads through the same code are within about 1.3x.
- **The machine.** These runs share two cores with other work; absolute times move by 2-4x between quiet and busy
  moments (the key derivation alone is printed beside the unlock figures as a yardstick). Compare ratios, which
  are measured side by side.
- **Delivery-plan updates** cost about 5–6 ms per action whatever the size (the plan is laid out in tables of 12
  actions, so layout stays linear); signing is about 25 ms with EC P-256 (RSA-3072 would be ten times slower).
- **Tagging** adds the marked-content operators and one structure element per heading, paragraph, list item, table
  row and cell: about 23 elements per action. ReportLab writes PDF 1.4 without object streams, so they are stored
  uncompressed (about 80 bytes each): a long plan's file is about 2.4 times larger. The time is kept down by writing
  the elements as compact bytes rather than through ReportLab's general dictionary formatting. Rewriting the file
  with object streams (pikepdf, measured: 350 → 207 KiB in 78 ms at 50 actions, 2,038 → 885 KiB in 0.69 s at 500)
  would bring it back below the untagged size; not done, as it adds a dependency and about 7% more time.
- **Shared server.** 20 writers on 10 shared actions is a worst case on purpose: most saves race another writer for
  the same action, so conflicts outnumber saves; each conflict is a writer told "someone else recorded an update"
  and saving again, never a lost or overwritten update. Every save also waits its turn on the audit chain's head row
  (one chain, one order), which bounds throughput; the 20 writers share this machine's 2 cores with the server.
- **Import** was 27.5 s for 5,000 rows when every action went through the ORM one at a time; it now inserts actions,
  leads, pathways and audit events set-based.
- **Import of trackers (issue #15).** Reading each cell's fill colour (for RAG given only as colour) adds about 8%
  CPU to reading a 5,000-row workbook (0.59 → 0.63 s CPU, side by side), and the new readers (question headings,
  section rows, note lines, sentence statuses) about 3–10% to the preview (1.12 → 1.19 s CPU). Recording the
  statuses that now come with a new plan goes through `updates.record_updates`: the same rule as an update entered
  in the app (`updates.check_update`, called by both paths), then one multi-row insert of the updates and one
  `audit.record_many` for their audit events. `bench/importing.py --colours` (5,000 actions coloured in, each with
  progress, two in three with a remedial action), on the shared 2-core machine (load average 4–6):

  | 5,000 imported statuses                  | apply (actions + statuses) | writing the statuses     |
  |------------------------------------------|----------------------------|--------------------------|
  | before: one audited `record_update` each | 43.4 s (1 run)             | about 40 s (≈ 8 ms each) |
  | after: `record_updates`, set-based       | 4.3–5.4 s (median 5.0 s)   | 0.9–1.4 s                |

  For comparison the plan-only import of the same 5,000 rows applied in 3.1–3.2 s in the same session, so the
  statuses now add about 1–2 s. Two details mattered: the updates are inserted with a Core `insert` on the table
  (the ORM's bulk insert splits the rows into a batch per run of the same None-valued columns: many small
  statements here), and the suggestion is computed from the four columns it reads rather than from 5,000 loaded
  ORM actions.
  About half of what remains is `audit.record_many` building and hashing an event per update.
"""


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30 if hasattr(os, "sysconf") else 0
    return f"{cpu}, {os.cpu_count()} cores, {mem:.0f} GiB; {platform.platform()}; Python {platform.python_version()}"


def main() -> int:
    sections = []
    failed = 0
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    for name, title in BENCHES:
        if not (ROOT / "bench" / f"{name}.py").exists():
            continue
        print(f"== {name}", file=sys.stderr, flush=True)
        result = subprocess.run([sys.executable, "-m", f"bench.{name}"], cwd=ROOT, env=env, capture_output=True,
                                text=True, check=False)
        body = result.stdout.strip()
        if result.returncode:
            failed += 1
            body += f"\n\n(benchmark failed with exit status {result.returncode}: {result.stderr.strip()[-400:]})"
        print(body, file=sys.stderr)
        sections.append(f"## {title}\n\n{body}\n")
    header = (
        "# Performance\n\n"
        f"Measured by `make bench` on {dt.date.today():%d %B %Y}.\n\n"
        f"Machine: {machine()}; load average {load:.1f} when the run started.\n\n"
        "Each figure is a median of repeated runs measured side by side in one run; ratios compare runs made in the "
        "same process tree minutes apart. Machines are noisy: compare ratios, not absolute numbers across machines.\n"
    )
    (ROOT / "docs" / "performance.md").write_text(header + "\n" + "\n".join(sections) + "\n" + NOTES,
                                                   encoding="utf-8")
    print("wrote docs/performance.md", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
