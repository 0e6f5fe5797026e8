"""New passphrases: NIST SP 800-63B-4 rules over the zxcvbn estimate, with refusals a person can act on."""

from __future__ import annotations

import pytest

from desktop.store.passphrase import MAX_LENGTH, MIN_LENGTH, SCORED_CHUNK, assess

# The two passphrases the old hand-written rules refused ("pass" as a substring of a common password).
ISSUE_EXAMPLES = ["held-out check passphrase 7", "my passphrase is long and unusual 93"]


@pytest.mark.parametrize("passphrase", ISSUE_EXAMPLES)
def test_the_issues_passphrases_are_accepted(passphrase: str) -> None:
    strength = assess(passphrase)
    assert strength.acceptable, strength.message
    assert strength.label == "Strong" and strength.score == 4 and strength.message == ""


@pytest.mark.parametrize("passphrase", [
    "Password1234567!",   # 16 characters, every "composition rule" met, yet a common password with digits
    "passwordpassword",   # a repeat
    "football football",  # a common password twice
    "iloveyou12345678",
    "qwertyuiopasdfgh",   # a keyboard walk
    "abcdefghijklmnop",   # a sequence
    "aaaaaaaaaaaaaaaa",
    "summer2024summer",
])
def test_long_enough_but_guessable_is_refused_with_the_reason(passphrase: str) -> None:
    strength = assess(passphrase)
    assert len(passphrase) >= MIN_LENGTH
    assert not strength.acceptable
    assert strength.message.startswith("It would be easy to guess")
    assert strength.suggestion  # and what would be better
    assert strength.score <= 3


@pytest.mark.parametrize("passphrase", ["password1", "Tr0ub4dor&3", "letmein", "CSP2016!", "abc", ""])
def test_short_passphrases_are_refused_whatever_their_mix(passphrase: str) -> None:
    strength = assess(passphrase)
    assert not strength.acceptable
    assert f"a passphrase needs at least {MIN_LENGTH}" in strength.message
    assert "unrelated words" in strength.message
    assert strength.score <= 1


def test_no_composition_rules() -> None:
    # Lower-case words and spaces only: no capital, digit or symbol is demanded.
    assert assess("velvet tractor orbits lazily").acceptable
    assert assess("otter kiln semaphore").acceptable


def test_common_passwords_are_blocked_even_when_long_enough() -> None:
    # A 15+ character entry of zxcvbn's common-password list, as typed and with separators.
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    common = next(p for p in FREQUENCY_LISTS["passwords"] if len(p) >= MIN_LENGTH)
    for variant in (common, common.upper()):
        strength = assess(variant)
        assert not strength.acceptable
        assert "most commonly used passwords" in strength.message


@pytest.mark.parametrize("passphrase", ["Pathways orchard lantern 1987", "my pathways2024 lantern orchard",
                                        "lantern-orchard-PATHWAYS-meadow"])
def test_the_applications_name_is_blocked_as_a_whole_word(passphrase: str) -> None:
    strength = assess(passphrase)
    assert not strength.acceptable
    assert "\u201cPathways\u201d, the application's name" in strength.message
    assert "Leave out \u201cPathways\u201d" in strength.message


def test_a_word_merely_containing_the_name_is_not_blocked() -> None:
    # Whole words only: "pathwaysian" is not the name, and "pass" inside "passphrase" was the old rule's mistake.
    assert assess("pathwaysian lantern orchard meadow").acceptable
    assert assess("compassionate lantern orchard").acceptable


def test_the_partnerships_names_are_blocked_as_whole_words() -> None:
    names = ("Safer Hartlepool Partnership", "SHP")
    refused = assess("safer hartlepool partnership lantern 1987", names)
    assert not refused.acceptable and "your partnership's name" in refused.message
    assert not assess("lantern orchard shp meadow 1987", names).acceptable
    # The place alone, or the name's words scattered, are not the partnership's name.
    assert assess("hartlepool lantern orchard meadow", names).acceptable
    assert assess("lantern orchard meadow", names).acceptable


def test_long_passphrases_are_allowed_and_the_part_past_72_characters_counts() -> None:
    long = "the heron waited by the weir while the kettle sang and the rain kept on falling softly all afternoon"
    assert len(long) > SCORED_CHUNK and len(long) >= 64
    strength = assess(long)
    assert strength.acceptable
    prefix_only = assess(long[:SCORED_CHUNK])
    assert strength.guesses_log10 > prefix_only.guesses_log10  # new words past 72 characters add to the estimate
    # Repeating what came before adds nothing.
    repeated = assess(long[:SCORED_CHUNK] + " " + long[:SCORED_CHUNK])
    assert repeated.guesses_log10 == prefix_only.guesses_log10


def test_a_weak_start_can_be_rescued_only_by_new_words() -> None:
    weak_start = "a" * SCORED_CHUNK
    assert not assess(weak_start + "a" * 40).acceptable
    assert assess(weak_start + " velvet tractor orbits lazily").acceptable


def test_absurdly_long_input_is_refused_plainly() -> None:
    strength = assess("x" * (MAX_LENGTH + 1))
    assert not strength.acceptable and "more than the 1,024" in strength.message


def test_the_meter_rises_as_a_passphrase_grows() -> None:
    scores = [assess("velvet tractor orbits lazily"[:n]).score for n in (3, 8, 14, 20, 28)]
    assert scores == sorted(scores) and scores[0] <= 1 and scores[-1] == 4
