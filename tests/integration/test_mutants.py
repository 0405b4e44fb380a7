"""The engine's guarantees, each broken in a copy of the project: the unit tests must fail every time
(tests/mutants.py). `make test` checks each against its own test file; `make test-all` against the
whole unit suite."""

from __future__ import annotations

import pytest

from tests.mutants import MUTANTS, Mutant, run


@pytest.mark.parametrize("mutant", MUTANTS, ids=[m.name for m in MUTANTS])
def test_its_test_file_catches_a_broken_guarantee(mutant: Mutant) -> None:
    caught, summary, seconds = run(mutant)
    print(f"\n{mutant.name}: {'caught by ' if caught else 'SURVIVED: '}{summary} ({seconds:.0f} s)")
    assert caught, f"nothing in {mutant.first} fails when {mutant.guarantee!r} is broken"


@pytest.mark.exhaustive
@pytest.mark.parametrize("mutant", MUTANTS, ids=[m.name for m in MUTANTS])
def test_the_whole_unit_suite_catches_a_broken_guarantee(mutant: Mutant) -> None:
    caught, summary, seconds = run(mutant, whole=True)
    print(f"\n{mutant.name}: {'caught by ' if caught else 'SURVIVED: '}{summary} ({seconds:.0f} s)")
    assert caught, f"nothing fails when {mutant.guarantee!r} is broken"
