"""The in-process model's kept states: bounded by count, light (no full logits array kept), and the
fixed start of a prompt kept on disk for the next process."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant.models.generation import LlamaCppChatModel, prefix_states

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


class _CountingLlama:
    """Stands in for a loaded ``Llama``: counts the prompts it evaluates and keeps their states."""

    def __init__(self) -> None:
        self.cache = prefix_states(4)
        self.evaluated = 0

    def create_chat_completion(self, *, messages: list[dict[str, str]], **_: object) -> list[dict]:
        self.evaluated += 1
        key = tuple(range(1, 1 + len(messages[0]["content"])))
        self.cache[key] = state(list(key))
        return [{"choices": [{"delta": {"content": "x"}}]}]


def loaded_model(tmp_path: Path, llama: _CountingLlama) -> LlamaCppChatModel:
    gguf = tmp_path / "model.gguf"
    if not gguf.exists():
        gguf.write_bytes(b"GGUF")
    model = LlamaCppChatModel(gguf, states_dir=tmp_path / "states")
    model._llama = llama  # loaded: the test is about what happens after
    return model


def test_a_primed_prompt_is_evaluated_once_across_processes(tmp_path: Path) -> None:
    messages = [{"role": "system", "content": "Answer from the sentences."}]
    first = _CountingLlama()
    loaded_model(tmp_path, first).prime(messages)
    assert first.evaluated == 1 and len(list((tmp_path / "states").glob("*.npz"))) == 1

    second = _CountingLlama()  # another process: reads the kept state instead of evaluating
    loaded_model(tmp_path, second).prime(messages)
    assert second.evaluated == 0
    (key, kept), *_ = second.cache.cache_state.items()
    assert key == tuple(range(1, 1 + len(messages[0]["content"]))) and kept.llama_state == b"kv"

    third = _CountingLlama()  # other messages: another file, evaluated
    loaded_model(tmp_path, third).prime([{"role": "system", "content": "Say YES or NO."}])
    assert third.evaluated == 1 and len(list((tmp_path / "states").glob("*.npz"))) == 2


def test_an_unreadable_kept_state_is_evaluated_again(tmp_path: Path) -> None:
    messages = [{"role": "system", "content": "Answer from the sentences."}]
    loaded_model(tmp_path, _CountingLlama()).prime(messages)
    (kept,) = (tmp_path / "states").glob("*.npz")
    kept.write_bytes(b"cut short")
    again = _CountingLlama()
    loaded_model(tmp_path, again).prime(messages)
    assert again.evaluated == 1


def test_only_the_newest_kept_states_stay_on_disk(tmp_path: Path) -> None:
    for k in range(6):
        loaded_model(tmp_path, _CountingLlama()).prime([{"role": "system", "content": "x" * (k + 1)}])
    assert len(list((tmp_path / "states").glob("*.npz"))) == 4
