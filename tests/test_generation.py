"""The in-process model's kept states: bounded by count, and light (no full logits array kept)."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.models.generation import prefix_states

llama_cpp = pytest.importorskip("llama_cpp")


def state(tokens: list[int]) -> object:
    scores = np.ones((512, 1000), dtype=np.single)
    return llama_cpp.llama.LlamaState(
        input_ids=np.array(tokens, dtype=np.intc),
        scores=scores,
        n_tokens=len(tokens),
        llama_state=b"kv",
        llama_state_size=2,
        seed=0,
    )


def test_a_prompt_resumes_from_the_kept_state_that_began_like_it() -> None:
    cache = prefix_states(4)
    cache[(1, 2, 3, 9)] = state([1, 2, 3, 9])  # system prompt A, then a question
    cache[(5, 6, 7)] = state([5, 6, 7])  # system prompt B (a second reading)
    assert cache[(1, 2, 3, 4, 4)].n_tokens == 4  # the next question under A finds A's state
    with pytest.raises(KeyError):
        cache[(8, 8)]


def test_only_the_last_states_are_kept_and_without_their_full_logits() -> None:
    cache = prefix_states(2)
    for first in (1, 2, 3):
        cache[(first, 0)] = state([first, 0])
    assert list(cache.cache_state) == [(2, 0), (3, 0)]
    assert all(s.scores.shape == (1, 1000) for s in cache.cache_state.values())
    with pytest.raises(KeyError):
        cache[(1, 0)]
