"""Disclosure rules: which counts are hidden, how the rest are rounded, and the sentence printed under each table.

The partnership chooses a rule by key (``Partnership.disclosure_rule``); the presets follow the published practice
collected in the reference anchors (§5): "<5 with secondary suppression" (NHS Digital's former HES rule), the ONS
"10-5 rule", and Ofqual/DASA rounding to 5 with 1-4 shown as "<5".
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop.services.errors import ValidationError

DEFAULT_RULE_KEY = "lt5_secondary"
DEFAULT_K = 5
SECONDARY_SYMBOL = "*"


@dataclass(frozen=True)
class DisclosureRule:
    key: str
    name: str
    threshold: int  # counts below this are hidden (primary suppression)
    rounding_base: int  # 1: published exactly; 5: rounded to the nearest 5 (half up)
    secondary: bool  # hide further cells so that no hidden count can be worked back from totals
    suppress_zero: bool  # a true zero is hidden too (ONS/UK LLC: "counts below 10, including zero")
    description: str  # printed under every table the rule was applied to
    k: int = DEFAULT_K  # Partner profile: every published quasi-identifier combination covers at least k people

    @property
    def symbol(self) -> str:
        """How a primary-suppressed count is shown: "<5", "<10"."""
        return f"<{self.threshold}"

    @property
    def lowest_hidden(self) -> int:
        return 0 if self.suppress_zero else 1

    def is_primary(self, count: int) -> bool:
        return self.lowest_hidden <= count < self.threshold

    def round(self, count: int) -> int:
        """Round half up to the rule's base (totals are rounded after being added up from unrounded counts)."""
        base = self.rounding_base
        return count if base == 1 else ((count + base // 2) // base) * base

    def published_bounds(self, shown: int) -> tuple[int, int]:
        """What a reader can infer about a count from its published (rounded) value."""
        if shown == 0 and not self.suppress_zero:
            return 0, 0
        base = self.rounding_base
        low = shown - base // 2
        return max(low, self.threshold), low + base - 1


def _describe(threshold: int, base: int, secondary: bool, suppress_zero: bool) -> str:
    hidden = f"0 to {threshold - 1}" if suppress_zero else f"1 to {threshold - 1}"
    parts = [f"Counts of {hidden} are shown as \u201c<{threshold}\u201d."]
    if base > 1:
        parts.append(
            f"Other counts are rounded to the nearest {base}; totals are added up from the unrounded counts and then "
            "rounded, so figures may not add up."
        )
    else:
        parts.append("Totals are added up from the full counts.")
    if secondary:
        parts.append(
            f"Cells marked \u201c{SECONDARY_SYMBOL}\u201d are also hidden so that no small count can be worked out "
            "from the totals (secondary suppression)."
        )
    else:
        parts.append(
            f"Where a small count could still be worked out from the totals, a further cell is hidden and marked "
            f"\u201c{SECONDARY_SYMBOL}\u201d."
        )
    if not suppress_zero:
        parts.append("A true zero is shown as 0.")
    return " ".join(parts)


def make_rule(
    key: str,
    name: str,
    *,
    threshold: int,
    rounding_base: int = 1,
    secondary: bool = True,
    suppress_zero: bool = False,
    k: int = DEFAULT_K,
) -> DisclosureRule:
    """A rule from a partnership's own settings; the printed description always matches the parameters."""
    if threshold - (0 if suppress_zero else 1) < 2:
        # "<2" would tell the reader the hidden count is exactly 1.
        raise ValidationError("The suppression threshold must hide at least two possible counts.", field="threshold")
    if rounding_base < 1 or rounding_base // 2 >= threshold:
        # A shown count must never round down to 0, or a published 0 would no longer mean "none".
        raise ValidationError(
            "The rounding base must be 1 (no rounding) or less than twice the threshold.", field="rounding_base"
        )
    if rounding_base == 1 and not secondary:
        # Exact totals with a single hidden cell in a line give the cell away by subtraction.
        raise ValidationError("A rule without rounding needs secondary suppression.", field="secondary")
    if k < 2:
        raise ValidationError("k must be at least 2.", field="k")
    return DisclosureRule(
        key=key,
        name=name,
        threshold=threshold,
        rounding_base=rounding_base,
        secondary=secondary,
        suppress_zero=suppress_zero,
        description=_describe(threshold, rounding_base, secondary, suppress_zero),
        k=k,
    )


PRESETS: dict[str, DisclosureRule] = {
    rule.key: rule
    for rule in (
        make_rule("lt5_secondary", "<5 with secondary suppression", threshold=5),
        make_rule(
            "ons_10_5", "ONS-style 10-5 rule", threshold=10, rounding_base=5, secondary=False, suppress_zero=True
        ),
        make_rule(
            "round5_lt5", "Rounded to 5, 1-4 shown as <5 (Ofqual/DASA)", threshold=5, rounding_base=5, secondary=False
        ),
    )
}


def rule_for(key: str | None, *, k: int | None = None) -> DisclosureRule:
    """The preset named by a partnership setting (the default when unset), optionally with its own k."""
    rule = PRESETS.get(key or DEFAULT_RULE_KEY)
    if rule is None:
        raise ValidationError(f"'{key}' is not a known disclosure rule.", field="disclosure_rule")
    if k is not None and k != rule.k:
        return make_rule(
            rule.key,
            rule.name,
            threshold=rule.threshold,
            rounding_base=rule.rounding_base,
            secondary=rule.secondary,
            suppress_zero=rule.suppress_zero,
            k=k,
        )
    return rule
