"""Answer metrics for the assistant and a plain LangChain baseline, side by side.

The baseline is the usual "stuff" chain with the same models: 1000-character chunks, the 4 nearest
in a langchain-chroma store, one prompt, the model's answer shown as it is.

Scoring: an answer is *right* when every key-fact group has an alternative in what is shown (for a
quoted answer, in its quotes), matched on word and number boundaries with citation markers removed
("4" is not found in "2014" or "[4]"); *wrong* when something is shown that is not right; *refused*
otherwise. A reply that says the sources are silent counts as refused for every system alike, unless it
gives every fact (an answer to a question in parts may say one part is unanswered); to an unanswerable
question, an answer that says one part is unanswered and answers another is shown.
"""

from __future__ import annotations

import hashlib
import json
import re
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from assistant.answer.checking import says_silent
from assistant.config import Settings
from assistant.errors import ModelError
from assistant.models.generation import ChatModel, Messages, OutputFormat
from assistant.pipeline import Assistant
from assistant.text.lexical import fold
from assistant.types import Answer
from eval.gold import GoldItem, covers, evidence_spans

# The assistant's own refusal messages (assistant/text/language.py) and what the baseline says instead.
_REFUSAL_HINTS = ("ne répondent pas", "do not answer", "見つかりません", "ありません", "je ne sais pas")
_MARKERS = re.compile(r"\[\s*\d+(?:\s*[,;]\s*\d+)*\s*\]|【\d+】")


def facts_present(text: str, facts: list[list[str]]) -> bool:
    """Every group has one alternative in ``text``, on word and number boundaries, markers removed."""
    folded = fold(_MARKERS.sub(" ", text))
    return all(any(fact_found(fold(alt), folded) for alt in group) for group in facts)


def fact_found(fact: str, text: str) -> bool:
    # A fact starts a word (so "decarbon" finds "décarbonée"); a number must also end where the text's does.
    end = r"(?!\d)" if fact[-1:].isdigit() else ""
    return re.search(r"(?<![0-9a-z])" + re.escape(fact) + end, text) is not None


def says_refusal(text: str) -> bool:
    """The same test for every system: the text says the sources do not hold the answer."""
    return says_silent(text) or any(h in text.casefold() for h in _REFUSAL_HINTS)


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def score(items: Sequence[GoldItem], results: Sequence[dict[str, Any]], *, cited: bool) -> dict[str, Any]:
    """Right / wrong / quoted / refused over the answerable questions, refusals of the others, timings;
    the same by language."""
    pairs = list(zip(items, results, strict=True))
    out = _counts(pairs)
    out["by_language"] = {lang: _counts([(i, r) for i, r in pairs if i.lang == lang]) for lang in ("fr", "en", "ja")}
    out["ttft_p50_s"] = _percentile([r["first_token"] for r in results], 0.5) / 1000
    out["ttft_p95_s"] = _percentile([r["first_token"] for r in results], 0.95) / 1000
    out["total_p50_s"] = _percentile([r["total"] for r in results], 0.5) / 1000
    out["total_p95_s"] = _percentile([r["total"] for r in results], 0.95) / 1000
    if cited:
        citations = [c for r in results for c in r["citations"]]
        out["citation_validity"] = sum(c["valid"] for c in citations) / len(citations) if citations else 1.0
        out["gold_cited"] = sum(r["gold_cited"] for i, r in pairs if i.answerable) / max(1, out["answerable"])
        # How tight the citations of right answers are: a quote that holds none of the key facts
        # supports, at best, the answer's other words.
        right = [(i, r) for i, r in pairs if verdict(i, r) == "right"]
        on_fact = [any(facts_present(q, [group]) for group in i.facts) for i, r in right for q in r["quotes"]]
        out["quotes_on_facts"] = sum(on_fact) / len(on_fact) if on_fact else None
        out["quotes_per_right"] = len(on_fact) / max(1, len(right))
    else:
        out["citation_validity"] = None
        out["gold_cited"] = None
        out["quotes_on_facts"] = None
        out["quotes_per_right"] = None
    out["verdicts"] = {i.id: verdict(i, r) for i, r in pairs}
    out["answers"] = {
        i.id: {
            "mode": r.get("mode"),
            "text": r["text"],
            "quotes": r.get("quotes", []),
            "dropped": r.get("dropped", []),
            "why": r.get("notice"),
        }
        for i, r in pairs
    }
    out["misses"] = [i.id for i, r in pairs if verdict(i, r) not in ("right", "refused-ok")]
    return out


def verdict(item: GoldItem, result: dict[str, Any]) -> str:
    """right | wrong | refused (answerable questions); refused-ok | shown (unanswerable ones)."""
    shown = " ".join(result.get("quotes") or []) if result.get("mode") == "quoted" else result["text"]
    if not item.answerable:  # an answer to one part of it, the other said unanswered, is shown
        silent = says_refusal(result["text"]) and result.get("mode") != "answer"
        return "refused-ok" if result["refused"] or silent else "shown"
    if result["refused"]:
        return "refused"
    if facts_present(shown, item.facts):
        return "right"  # every fact given, a part of the question said unanswered or not
    return "refused" if says_refusal(result["text"]) else "wrong"


def _counts(pairs: Sequence[tuple[GoldItem, dict[str, Any]]]) -> dict[str, Any]:
    answerable = [(i, r) for i, r in pairs if i.answerable]
    unanswerable = [(i, r) for i, r in pairs if not i.answerable]
    verdicts = [verdict(i, r) for i, r in answerable]
    n = max(1, len(answerable))
    return {
        "n": len(pairs),
        "answerable": len(answerable),
        "right": verdicts.count("right") / n,
        "wrong": verdicts.count("wrong") / n,
        "refused": verdicts.count("refused") / n,
        "quoted": sum(r.get("mode") == "quoted" for _, r in answerable) / n,
        "unanswerable_refused": sum(verdict(i, r) == "refused-ok" for i, r in unanswerable) / max(1, len(unanswerable)),
        "unanswerable": len(unanswerable),
    }


def run_assistant(assistant: Assistant, items: Sequence[GoldItem], corpus_dir: Path) -> list[dict[str, Any]]:
    results = []
    for item in items:
        history = [(q, "") for q in item.history]
        answer = assistant.answer(item.question, history=history)
        spans = evidence_spans(item, assistant.catalog) if item.answerable else []
        results.append(_result(answer, spans, corpus_dir, assistant.catalog.text))
        print(
            f"  {item.id:7} {answer.mode:8} "
            f"{answer.timings_ms.get('total', 0) / 1000:5.1f}s "
            f"{' '.join(answer.text.split())[:110]}",
            flush=True,
        )
    return results


def _result(answer: Answer, spans: list[Any], corpus_dir: Path, document_text: Callable[[str], str]) -> dict[str, Any]:
    citations = []
    for c in answer.citations:
        # Plain-text sources are read from disk; for the others, the text extracted at index time is
        # what offsets point into.
        path = corpus_dir / c.source
        source_text = path.read_text(encoding="utf-8") if path.suffix in (".txt", ".md") else document_text(c.doc_id)
        valid = c.quote == source_text[c.start : c.end]
        citations.append({"valid": valid, "doc_id": c.doc_id, "start": c.start, "end": c.end})
    return {
        "text": answer.text,
        "mode": answer.mode,
        "quotes": [c.quote for c in answer.citations],
        "refused": answer.refused,
        "dropped": list(answer.dropped_sentences),
        "notice": answer.notice,
        "citations": citations,
        "gold_cited": any(
            covers(c.doc_id, c.start, c.end, spans, share=0.3)
            or any(d == c.doc_id and c.start <= s.start < c.end for d, s in spans)
            for c in answer.citations
        ),
        "first_token": answer.timings_ms.get("first_token", 0.0),
        "total": answer.timings_ms.get("total", 0.0),
        "timings": dict(answer.timings_ms),  # when each stage ended, ms since the question came
    }


class _Embeddings:
    """Our embedder behind LangChain's Embeddings interface, so the baseline uses the same model."""

    def __init__(self, assistant: Assistant) -> None:
        self._embedder = assistant.embedder

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self._embedder.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        return self._embedder.embed_query(text)


def run_baseline(assistant: Assistant, items: Sequence[GoldItem]) -> list[dict[str, Any]]:
    """The plain LangChain "stuff" chain: k=4 chunks of 1000 characters, the model's own answer."""
    from langchain_chroma import Chroma
    from langchain_core.documents import Document
    from langchain_core.prompts import ChatPromptTemplate
    from langchain_core.runnables import RunnableGenerator, RunnablePassthrough
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    model = assistant.chat_model
    if model is None:
        raise SystemExit(f"The baseline needs the chat model: {assistant.chat_problem}")
    catalog = assistant.catalog
    docs = [
        Document(page_content=catalog.text(r.doc_id), metadata={"source": r.source}) for r in catalog.documents.values()
    ]
    chunks = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=100).split_documents(docs)

    def generate(prompts: Iterator[Any]) -> Iterator[str]:
        for value in prompts:
            messages = [{"role": _ROLES[m.type], "content": str(m.content)} for m in value.to_messages()]
            yield from model.stream(messages, max_tokens=200)

    with tempfile.TemporaryDirectory() as tmp:
        store = Chroma(collection_name="baseline", embedding_function=_Embeddings(assistant), persist_directory=tmp)
        store.add_documents(chunks)
        prompt = ChatPromptTemplate.from_messages(
            [
                (
                    "system",
                    "Answer the question using the following context. If you don't know the answer, "
                    "say that you don't know.\n\n{context}",
                ),
                ("human", "{question}"),
            ]
        )
        context = store.as_retriever(search_kwargs={"k": 4}) | (
            lambda found: "\n\n".join(d.page_content for d in found)
        )
        chain = {"context": context, "question": RunnablePassthrough()} | prompt | RunnableGenerator(generate)
        results = []
        for item in items:
            question = " ".join([*item.history, item.question])  # the baseline has no rewrite step
            started = time.perf_counter()
            pieces, first = [], None
            try:
                for piece in chain.stream(question):
                    first = first if first is not None else (time.perf_counter() - started) * 1000
                    pieces.append(piece)
            except ModelError as exc:  # a time-out is a failed answer, not the end of the run
                pieces.append(f"(no answer: {exc})")
            total = (time.perf_counter() - started) * 1000
            text = "".join(pieces)
            results.append(
                {
                    "text": text,
                    "mode": "answer",
                    "refused": says_refusal(text),
                    "citations": [],
                    "gold_cited": False,
                    "first_token": first if first is not None else total,
                    "total": total,
                }
            )
            print(f"  {item.id:6} baseline {total / 1000:5.1f}s {' '.join(text.split())[:110]}", flush=True)
    return results


_ROLES = {"system": "system", "human": "user", "ai": "assistant"}


class CachedChatModel:
    """A chat model whose replies are kept in a JSON file by prompt: re-running the eval after a change
    to the checks costs no generation. Timings of cached replies are not real: report them from a run
    without the cache."""

    def __init__(self, model: ChatModel, path: Path) -> None:
        self._model = model
        self._path = path
        self._replies: dict[str, str] = json.loads(path.read_text()) if path.exists() else {}

    @property
    def model_id(self) -> str:
        return self._model.model_id

    def stream(
        self,
        messages: Messages,
        *,
        max_tokens: int,
        temperature: float = 0.0,
        output: OutputFormat | None = None,
        timeout_s: float | None = None,
    ) -> Iterator[str]:
        key = hashlib.sha256(
            json.dumps([messages, max_tokens, temperature, output.grammar if output else None]).encode()
        ).hexdigest()
        if key not in self._replies:
            self._replies[key] = "".join(
                self._model.stream(
                    messages, max_tokens=max_tokens, temperature=temperature, output=output, timeout_s=timeout_s
                )
            )
            self._path.write_text(json.dumps(self._replies, ensure_ascii=False, indent=0))
        yield self._replies[key]


def answer_metrics(
    settings: Settings,
    items: Sequence[GoldItem],
    models: Assistant,
    *,
    baseline: bool = True,
    chat_model: ChatModel | None = None,
) -> dict[str, Any]:
    """The assistant's answers (and the baseline's) to ``items``, scored, with the models ``models`` has
    loaded (``chat_model`` instead of its own, for a cached one)."""
    model = chat_model or models.chat_model
    if model is None:
        raise SystemExit(f"Answers need the chat model: {models.chat_problem}")
    out: dict[str, Any] = {}
    assistant = Assistant(settings, embedder=models.embedder, second_embedder=models.second_embedder, chat_model=model)
    assistant.warm_up()
    print("\nassistant answers:", flush=True)
    out["assistant"] = score(items, run_assistant(assistant, items, settings.corpus_dir), cited=True)
    if baseline:
        print("\nbaseline answers:", flush=True)
        plain = Assistant(settings, embedder=models.embedder, second_embedder=models.second_embedder, chat_model=model)
        out["baseline"] = score(items, run_baseline(plain, items), cited=False)
    return out


def print_answers(metrics: dict[str, Any]) -> None:
    systems = list(metrics)
    rows: list[tuple[str, str, Callable[[Any], str]]] = [
        ("right (answerable)", "right", lambda v: f"{v:.2f}"),
        ("wrong facts shown", "wrong", lambda v: f"{v:.2f}"),
        ("quoted (of answerable)", "quoted", lambda v: f"{v:.2f}"),
        ("false refusals", "refused", lambda v: f"{v:.2f}"),
        ("unanswerable refused", "unanswerable_refused", lambda v: f"{v:.2f}"),
        ("citation validity", "citation_validity", lambda v: "n/a" if v is None else f"{v:.2f}"),
        ("gold passage cited", "gold_cited", lambda v: "n/a" if v is None else f"{v:.2f}"),
        ("quotes per right answer", "quotes_per_right", lambda v: "n/a" if v is None else f"{v:.1f}"),
        ("their quotes on a key fact", "quotes_on_facts", lambda v: "n/a" if v is None else f"{v:.2f}"),
        ("first token p50 (s)", "ttft_p50_s", lambda v: f"{v:.1f}"),
        ("first token p95 (s)", "ttft_p95_s", lambda v: f"{v:.1f}"),
        ("total p50 (s)", "total_p50_s", lambda v: f"{v:.1f}"),
        ("total p95 (s)", "total_p95_s", lambda v: f"{v:.1f}"),
    ]
    first = metrics[systems[0]]
    print(f"\nAnswers ({first['n']} questions, {first['answerable']} answerable)")
    print(f"{'metric':26} " + " ".join(f"{s:>10}" for s in systems))
    for label, key, fmt in rows:
        print(f"{label:26} " + " ".join(f"{fmt(metrics[s].get(key)):>10}" for s in systems))
    for lang in ("fr", "en", "ja"):
        cells = []
        for s in systems:
            m = metrics[s]["by_language"][lang]
            cells.append(f"{m['right']:.2f}/{m['wrong']:.2f}/{m['refused']:.2f}")
        print(f"{lang + ' right/wrong/refused':26} " + " ".join(f"{c:>10}" for c in cells))
    for s in systems:
        print(f"  {s} misses: {' '.join(metrics[s]['misses'])}")
