"""Passphrase strength: a store's passphrase is the only thing protecting plan and offender data on a lost laptop."""

from __future__ import annotations

import math
from dataclasses import dataclass

MIN_LENGTH = 12
COMMON = {
    "password", "passphrase", "letmein", "qwerty", "123456", "iloveyou", "welcome", "admin", "pathways",
    "changeme", "football", "monkey", "dragon", "sunshine", "princess", "trustno1",
}


@dataclass(frozen=True)
class Strength:
    score: int  # 0 (very weak) … 4 (strong)
    bits: float
    problems: tuple[str, ...]

    @property
    def acceptable(self) -> bool:
        return not self.problems

    @property
    def label(self) -> str:
        return ("Very weak", "Weak", "Fair", "Good", "Strong")[self.score]


def assess(passphrase: str) -> Strength:
    problems: list[str] = []
    if len(passphrase) < MIN_LENGTH:
        problems.append(f"use at least {MIN_LENGTH} characters (a few unrelated words is easiest)")
    lowered = passphrase.casefold()
    if any(word in lowered for word in COMMON):
        problems.append("avoid common passwords and the application's name")
    if len(set(passphrase)) < max(4, len(passphrase) // 4):
        problems.append("avoid repeating the same characters")
    pool = 0
    pool += 26 if any(c.islower() for c in passphrase) else 0
    pool += 26 if any(c.isupper() for c in passphrase) else 0
    pool += 10 if any(c.isdigit() for c in passphrase) else 0
    pool += 33 if any(not c.isalnum() for c in passphrase) else 0
    bits = len(passphrase) * math.log2(pool) if pool else 0.0
    if bits < 50 and not problems:
        problems.append("make it longer or mix in words, digits and punctuation")
    score = 0 if problems and bits < 40 else 1 if problems else 2 if bits < 70 else 3 if bits < 90 else 4
    return Strength(score, round(bits, 1), tuple(problems))
