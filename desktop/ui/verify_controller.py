"""What the Verify a signed PDF dialog asks of the open store (through ``desktop.services.signing_setup``): the
partnerships, their root certificates (public) and a partnership's trust bundle. Each is one short unit of work on
the main thread; the dialog holds no sessions and sees only plain data.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.models import Partnership
from desktop.reports.trust_guide import trust_bundle
from desktop.services import signing_setup
from desktop.services.actor import Actor
from desktop.services.errors import NotFound
from desktop.ui.context import SessionSource


@dataclass(frozen=True)
class TrustBundle:
    """What a partnership gives recipients to check its PDFs: the root certificate and the guide."""

    partnership: str
    pem: bytes
    files: dict[str, bytes]  # file name: content


def _partnerships(session: Session) -> list[Partnership]:
    return list(session.scalars(select(Partnership).order_by(Partnership.name)))


def partnerships(store: SessionSource) -> list[tuple[int, str]]:
    """(id, name) of every partnership in the store, by name."""
    with store.session() as session:
        return [(p.id, p.name) for p in _partnerships(session)]


def store_roots(store: SessionSource) -> dict[str, bytes]:
    """Partnership name: its root certificate (public), for every partnership that has one, by name."""
    roots: dict[str, bytes] = {}
    with store.session() as session:
        for partnership in _partnerships(session):
            try:
                roots[partnership.name] = signing_setup.root_pem(session, partnership)
            except NotFound:
                continue
    return roots


def bundle(store: SessionSource, partnership_id: int, actor: Actor) -> TrustBundle:
    """The partnership's trust bundle (its signing root made first if it has none, audited under ``actor``)."""
    with store.session() as session:
        partnership = session.get(Partnership, partnership_id)
        if partnership is None:
            raise NotFound("That partnership is no longer in the store.")
        signing_setup.ensure_root(session, partnership, actor=actor)
        pem = signing_setup.root_pem(session, partnership)
        files = trust_bundle(partnership.name, pem, short_name=partnership.short_name,
                             contact=partnership.notice_contact)
        return TrustBundle(partnership.name, pem, files)
