"""The encrypted SQLCipher store. No Qt here."""

from desktop.store.errors import (
    NotAStore,
    StoreDamaged,
    StoreError,
    StoreExists,
    StoreNotFound,
    StoreTooNew,
    WeakPassphrase,
    WrongPassphrase,
)
from desktop.store.store import Store, restore

__all__ = [
    "NotAStore",
    "Store",
    "StoreDamaged",
    "StoreError",
    "StoreExists",
    "StoreNotFound",
    "StoreTooNew",
    "WeakPassphrase",
    "WrongPassphrase",
    "restore",
]
