"""Typed store failures. Each message is one sentence a user can act on; none contains plan data."""

from __future__ import annotations

from desktop.errors import PathwaysError


class StoreError(PathwaysError):
    """Base for failures opening, checking or copying a store."""


class StoreNotFound(StoreError):
    pass


class StoreExists(StoreError):
    pass


class WrongPassphrase(StoreError):
    pass


class NotAStore(StoreError):
    pass


class StoreDamaged(StoreError):
    pass


class StoreTooNew(StoreError):
    pass


class WeakPassphrase(StoreError):
    pass
