"""Benchmark: build and sign the delivery-plan update for plans of 50, 500 and 2,000 actions.

Run:  .venv/bin/python bench/reports.py [--repeat N]

Prints a table of medians to stdout. Aim: a 50-action update built and signed in at most 1 s, and a build cost per
action that stays flat as the plan grows (no quadratic layout). Plans are the synthetic ones the tests use.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "reports"))  # the same synthetic plans as the tests

from pypdf import PdfReader  # noqa: E402
from report_fixtures import make_appendices, make_snapshot  # noqa: E402

from desktop.reports.delivery_update import SIGNATURE_BOX, UpdateOptions, build_delivery_update  # noqa: E402
from desktop.reports.signing import sign_pdf, verify_pdf  # noqa: E402
from desktop.reports.styles import register_fonts  # noqa: E402
from desktop.services import pki  # noqa: E402

SIZES = (50, 500, 2000)
OPTIONS = UpdateOptions(marking="OFFICIAL-SENSITIVE", prepared_by="Community Safety Co-ordinator", version="1.0")


def _median(fn: Callable[[], object], repeat: int) -> tuple[float, object]:
    times = []
    result: object = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def _signer(kind: pki.KeyKind) -> tuple[pki.SignerMaterial, bytes]:
    root = pki.create_root(
        "County Durham and Darlington Community Safety Partnership", short_name="CDD CSP", key_kind=kind
    )
    cert = pki.issue_signer(
        root, common_name="Jo Bloggs", organisation="Durham County Council", title="Coordinator", key_kind=kind
    )
    return pki.signer_material(cert, [root.certificate_pem]), root.certificate_pem


def _sign(pdf: bytes, material: pki.SignerMaterial) -> bytes:
    return sign_pdf(
        pdf,
        material,
        field_box_on_page1=SIGNATURE_BOX,
        reason="Quarterly delivery plan update",
        location="Durham",
        signer_role="Community Safety Co-ordinator",
        signer_org="Durham County Council",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--repeat", type=int, default=5, help="runs per size (the 2,000-action plan uses fewer)")
    args = parser.parse_args()

    start = time.perf_counter()
    register_fonts()
    print(f"one-off font registration: {1000 * (time.perf_counter() - start):.0f} ms (first build in a process)")
    material, root = _signer(pki.DEFAULT_KEY_KIND)
    build_delivery_update(make_snapshot(10), OPTIONS)  # warm caches (styles, imports)

    print()
    print(f"{'actions':>8} {'pages':>6} {'build s':>9} {'sign s':>8} {'total s':>8} {'build ms/action':>16} {'KiB':>7}")
    for n in SIZES:
        data = make_snapshot(n)
        appendices = make_appendices()
        repeat = args.repeat if n <= 500 else max(1, min(args.repeat, 3))
        build_s, pdf = _median(lambda d=data, a=appendices: build_delivery_update(d, OPTIONS, a), repeat)
        assert isinstance(pdf, bytes)
        sign_s, signed = _median(lambda p=pdf: _sign(p, material), repeat)
        assert isinstance(signed, bytes) and verify_pdf(signed, [root]).ok
        pages = len(PdfReader(io.BytesIO(signed)).pages)
        print(
            f"{n:>8} {pages:>6} {build_s:>9.3f} {sign_s:>8.3f} {build_s + sign_s:>8.3f} "
            f"{1000 * build_s / n:>16.2f} {len(signed) / 1024:>7.0f}"
        )

    print()
    print("signing key (50-action update, median of signing only):")
    pdf = build_delivery_update(make_snapshot(50), OPTIONS)
    for kind in ("ec-p256", "rsa-3072"):
        mat, _ = _signer(kind)  # type: ignore[arg-type]
        sign_s, _ = _median(lambda m=mat: _sign(pdf, m), args.repeat)
        print(f"  {kind:<9} {1000 * sign_s:7.1f} ms")


if __name__ == "__main__":
    main()
