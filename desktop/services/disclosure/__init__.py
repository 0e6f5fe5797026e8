"""Disclosure control for offender-profile appendices and the identifier check every export goes through.

- ``rules``: the partnership's disclosure rule (threshold, rounding, secondary suppression, k) and its presets.
- ``suppression`` / ``audit``: small-count suppression of count tables, and the attacker model that proves it.
- ``generalise``: k-anonymity and pseudonyms for Partner rows.
- ``identifiers`` / ``output_check``: the scanner for direct identifiers and identifier patterns in any output.
- ``aggregates``, ``profiles``, ``importing``, ``demo``: the use cases built on them.
"""
