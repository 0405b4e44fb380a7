"""The engine's guarantees, each broken in a copy of the project: the unit suite must fail every time
(tests/mutants.py; a few seconds a mutant, since the suite stops at its first failure)."""

from __future__ import annotations

import pytest

from tests.mutants import MUTANTS, Mutant, run


@pytest.mark.parametrize("mutant", MUTANTS, ids=[m.name for m in MUTANTS])
def test_the_unit_suite_catches_a_broken_guarantee(mutant: Mutant) -> None:
    caught, summary, seconds = run(mutant)
    print(f"\n{mutant.name}: {'caught by ' if caught else 'SURVIVED: '}{summary} ({seconds:.0f} s)")
    assert caught, f"nothing fails when {mutant.guarantee!r} is broken"
