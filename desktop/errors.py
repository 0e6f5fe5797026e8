"""The root of every error a user can act on, below every layer so that ``store`` and ``services`` share it."""

from __future__ import annotations


class PathwaysError(Exception):
    """Base for every expected, user-facing failure. Its message is one sentence, safe to show, with no personal
    data."""
