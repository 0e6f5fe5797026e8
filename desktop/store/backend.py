"""One way to open a store, whichever backend: a ``.pathways`` file, or a ``postgresql://`` server address."""

from __future__ import annotations

from pathlib import Path
from typing import cast

from desktop.store.server import ServerStore, is_server_url
from desktop.store.store import Store


def open_target(target: Path | str, passphrase: str, *, check_later: bool = False) -> Store:
    """Unlock a file with its passphrase, or connect to a server with the partnership's data passphrase.

    A ServerStore offers the part of Store the app and the commands use (units of work, ``meta``, ``close``,
    ``is_open``); file-only operations (backup, rekey, the integrity check) stay with files. ``check_later``: a
    file's whole-file integrity check runs beside the first reads (Store.open); a server checks its own pages.
    """
    if isinstance(target, str) and is_server_url(target):
        return cast(Store, ServerStore.open(target, passphrase))
    return Store.open(Path(target), passphrase, check_later=check_later)
