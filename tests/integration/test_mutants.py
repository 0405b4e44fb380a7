"""The engine's guarantees, each broken in a copy of the project: the unit tests must fail every time
(tests/mutants.py). `make test` checks each against its own test file, two at a time; `make test-all`
against the whole unit suite."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.mutants import MUTANTS, run


def test_each_guarantee_broken_is_caught_by_its_test_file() -> None:
    with ThreadPoolExecutor(max_workers=2) as pool:  # each mutant runs its tests in a process of its own
        results = list(pool.map(run, MUTANTS))
    report(results)


@pytest.mark.exhaustive
def test_each_guarantee_broken_is_caught_by_the_whole_unit_suite() -> None:
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda m: run(m, whole=True), MUTANTS))
    report(results)


def report(results: list[tuple[bool, str, float]]) -> None:
    for mutant, (caught, summary, seconds) in zip(MUTANTS, results, strict=True):
        print(f"{mutant.name}: {'caught by ' if caught else 'SURVIVED: '}{summary} ({seconds:.0f} s)")
    survivors = [m.name for m, (caught, _, _) in zip(MUTANTS, results, strict=True) if not caught]
    assert survivors == [], f"nothing fails when these guarantees are broken: {survivors}"
