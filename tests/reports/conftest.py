"""Fixtures for the document tests (builders live in report_fixtures.py so test modules can import them)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from report_fixtures import make_appendices, make_snapshot

from desktop.services import pki
from desktop.services.frozen import PlanSnapshotData
from desktop.services.published import PublishedAppendix


@pytest.fixture
def snapshot_factory() -> Callable[..., PlanSnapshotData]:
    return make_snapshot


@pytest.fixture
def snapshot() -> PlanSnapshotData:
    return make_snapshot(40)


@pytest.fixture
def appendices() -> tuple[PublishedAppendix, ...]:
    return make_appendices()


@pytest.fixture(scope="session")
def pki_root() -> pki.CertifiedKey:
    return pki.create_root("County Durham and Darlington Community Safety Partnership")


@pytest.fixture(scope="session")
def signer(pki_root: pki.CertifiedKey) -> pki.SignerMaterial:
    cert = pki.issue_signer(
        pki_root,
        common_name="Jo Bloggs",
        organisation="Durham County Council",
        title="Community Safety Co-ordinator",
    )
    return pki.signer_material(cert, [pki_root.certificate_pem])
