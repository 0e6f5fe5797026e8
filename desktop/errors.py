"""The root of every error a user can act on, below every layer so that ``store`` and ``services`` share it."""

from __future__ import annotations


class PathwaysError(Exception):
    """Base for every expected, user-facing failure. Its message is one sentence, safe to show, with no personal
    data."""


class ConcurrentChange(PathwaysError):
    """Someone else changed the same thing first; nothing of this change was saved (a shared server's conflict, or
    an action updated since the user started)."""
