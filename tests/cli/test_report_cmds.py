"""update-pdf → trust-bundle → verify, as a coordinator and a board member's clerk would run them."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from desktop.cli import main
from desktop.models import ActionUpdate
from desktop.store import Store

PASSPHRASE = "test passphrase: Tees Valley 2015"  # as tests/conftest.py


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATHWAYS_PASSPHRASE", PASSPHRASE)


def test_signed_update_verifies_against_the_partnership_root(
    demo_store_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], env: None
) -> None:
    out = tmp_path / "update.pdf"
    code, text, err = _run(capsys, "update-pdf", str(demo_store_path), "--plan", "Durham", "--period",
                           "2015/16 Q3", "--out", str(out))
    assert code == 0, err
    assert "signed by Community Safety Manager" in text
    reader = PdfReader(out)
    body = "\n".join(page.extract_text() for page in reader.pages)
    assert "2015/16 Q3" in body and "DEMONSTRATION DATA" in body
    for code_ in ("1.1", "2.7", "CDYOS 1", "DYOS 16"):
        assert code_ in body

    trust = tmp_path / "trust"
    assert _run(capsys, "trust-bundle", str(demo_store_path), "--out", str(trust), "--partnership", "Durham")[0] == 0
    (root,) = trust.glob("*.pem")
    code, text, _ = _run(capsys, "verify", str(out), "--trust", str(root))
    assert code == 0 and "OK: intact, trusted" in text

    code, text, _ = _run(capsys, "verify", str(out))
    assert code == 1 and "not trusted" in text

    data = bytearray(out.read_bytes())
    data[len(data) // 3] ^= 0x20
    tampered = tmp_path / "tampered.pdf"
    tampered.write_bytes(bytes(data))
    code, text, _ = _run(capsys, "verify", str(tampered), "--trust", str(root))
    assert code == 1 and "modified" in text.lower()


def test_other_partnerships_root_is_not_trusted(
    demo_store_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], env: None
) -> None:
    out = tmp_path / "hartlepool.pdf"
    assert _run(capsys, "update-pdf", str(demo_store_path), "--plan", "Hartlepool", "--period", "latest-closed",
                "--out", str(out))[0] == 0
    durham = tmp_path / "durham"
    _run(capsys, "trust-bundle", str(demo_store_path), "--out", str(durham), "--partnership", "Durham")
    (root,) = durham.glob("*.pem")
    code, text, _ = _run(capsys, "verify", str(out), "--trust", str(root))
    assert code == 1 and "Trusted: no" in text


def test_open_quarter_has_no_snapshot(
    demo_store_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], env: None
) -> None:
    code, _, err = _run(capsys, "update-pdf", str(demo_store_path), "--plan", "Durham", "--period", "2015/16 Q4",
                        "--out", str(tmp_path / "x.pdf"))
    assert code == 2 and "has not been closed" in err
    assert not (tmp_path / "x.pdf").exists()


def test_pnc_id_in_commentary_blocks_the_export(
    demo_store_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], env: None
) -> None:
    # A careless commentary in a quarter that is then closed and published.
    from desktop.models import Plan
    from desktop.services.actor import Actor
    from desktop.services.periods import close_period
    from desktop.services.queries import current_period
    from desktop.services.updates import record_update

    with Store.open(demo_store_path, PASSPHRASE) as store, store.session() as s:
        plan = s.scalars(select(Plan).where(Plan.title.contains("Durham"))).one()
        period = current_period(s, plan.id)
        assert period is not None
        action = plan.objectives[0].priorities[0].actions[0]
        last = s.scalars(select(ActionUpdate).where(ActionUpdate.action_id == action.id)
                         .order_by(ActionUpdate.id.desc())).first()
        record_update(s, Actor(None, "test"), action, period, rag=last.rag if last else "green",
                      commentary="Met the offender (PNC 12/345678X) at Durham custody suite.",
                      remedial_action="n/a", remedial_owner=action.primary_lead)
        close_period(s, Actor(None, "test"), period)
        label = period.label

    out = tmp_path / "blocked.pdf"
    code, _, err = _run(capsys, "update-pdf", str(demo_store_path), "--plan", "Durham", "--period", label,
                        "--out", str(out))
    assert code == 2
    assert "PNC" in err and "Nothing was written" in err
    assert "345678" not in err  # the message names the kind of identifier, not the identifier itself
    assert not out.exists()
    assert list(tmp_path.glob("*.part")) == [] and list(tmp_path.glob(".*.part")) == []
