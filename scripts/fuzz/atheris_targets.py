"""Coverage-guided fuzzing (atheris) of what reads untrusted files: the spreadsheet readers and `verify`.

Optional and not part of `make test`: install with `.venv/bin/pip install -e '.[fuzz]'` (atheris ships wheels
for Linux and macOS), then run one target for as long as you like, for example

    .venv/bin/python scripts/fuzz/atheris_targets.py plan-reader -max_total_time=300
    .venv/bin/python scripts/fuzz/atheris_targets.py verify -runs=100000 corpus/

Targets: plan-reader, profile-reader, indicator-reader, verify. An input that raises anything other than a
Pathways error (one clear message) is a crash: atheris stops and writes it to crash-<hash> for a regression test.
The property-based versions of the same checks run in tests/reliability/test_fuzz.py.
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

try:
    import atheris
except ImportError:  # optional: say how to get it rather than fail with a traceback
    sys.exit("atheris is not installed: .venv/bin/pip install -e '.[fuzz]' (Linux or macOS).")

with atheris.instrument_imports():  # everything below is imported here first, so all of it is instrumented
    from desktop.reports.signing import verify_pdf
    from desktop.services.disclosure.importing import read_table
    from desktop.services.errors import PathwaysError
    from desktop.services.importing.reading import read_bytes
    from desktop.services.indicator_import import read_value_rows

_SCRATCH = Path(tempfile.mkdtemp(prefix="pathways-fuzz-"))  # fuzz inputs only: never plan data


def _indicator(data: bytes) -> None:
    for suffix in (".csv", ".xlsx"):
        path = _SCRATCH / f"values{suffix}"
        path.write_bytes(data)
        try:
            read_value_rows(path)
        except PathwaysError:
            pass


def _clear_or_result(read: Callable[[bytes, str], object]) -> Callable[[bytes], None]:
    """Each input read as a workbook and as CSV: a result, or a refusal with a message."""
    def target(data: bytes) -> None:
        for name in ("fuzz.xlsx", "fuzz.csv"):
            try:
                read(data, name)
            except PathwaysError as exc:
                if not str(exc).strip():
                    raise AssertionError("a refusal without a message") from exc
    return target


def _verify(data: bytes) -> None:
    report = verify_pdf(data)
    if report.ok:  # no trust root was given, so nothing may verify as trusted
        raise AssertionError("verify trusted a document with no trust root")


TARGETS: dict[str, Callable[[bytes], None]] = {
    "plan-reader": _clear_or_result(read_bytes),
    "profile-reader": _clear_or_result(read_table),
    "indicator-reader": _indicator,
    "verify": _verify,
}


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in TARGETS:
        sys.exit(f"usage: {sys.argv[0]} {{{','.join(TARGETS)}}} [libFuzzer options]")
    target = TARGETS[sys.argv.pop(1)]
    atheris.Setup(sys.argv, target)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
