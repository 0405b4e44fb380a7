"""Answer metrics on the gold set, for the assistant and for a plain LangChain baseline, side by side.

The baseline is the usual "stuff" chain with the same models: 1000-character chunks, the 4 nearest
in a langchain-chroma store, one prompt, the model's answer shown as it is.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from assistant.config import Settings
from assistant.errors import ModelError
from assistant.lexical import fold
from assistant.pipeline import Assistant
from assistant.types import Answer
from eval.gold import GoldItem, covers, evidence_spans

_REFUSAL_HINTS = (
    "not_in_sources",
    "ne répondent pas",
    "do not answer",
    "見つかりません",
    "ne contiennent pas",
    "ne précisent pas",
    "do not contain",
    "no information",
    "not mentioned",
    "ありません",
    "je ne sais pas",
)


def facts_present(text: str, facts: list[list[str]]) -> bool:
    folded = fold(text)
    return all(any(fold(alt) in folded for alt in group) for group in facts)


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def score(items: Sequence[GoldItem], results: Sequence[dict[str, Any]], *, cited: bool) -> dict[str, Any]:
    answerable = [(i, r) for i, r in zip(items, results, strict=True) if i.answerable]
    unanswerable = [(i, r) for i, r in zip(items, results, strict=True) if not i.answerable]
    out: dict[str, Any] = {
        "n": len(items),
        "accuracy": sum(not r["refused"] and facts_present(r["text"], i.facts) for i, r in answerable)
        / max(1, len(answerable)),
        "refused_unanswerable": sum(r["refused"] for _, r in unanswerable) / max(1, len(unanswerable)),
        "false_refusals": sum(r["refused"] for _, r in answerable) / max(1, len(answerable)),
        "ttft_p50_s": _percentile([r["first_token"] for r in results], 0.5) / 1000,
        "ttft_p95_s": _percentile([r["first_token"] for r in results], 0.95) / 1000,
        "total_p50_s": _percentile([r["total"] for r in results], 0.5) / 1000,
        "total_p95_s": _percentile([r["total"] for r in results], 0.95) / 1000,
    }
    if cited:
        citations = [c for r in results for c in r["citations"]]
        out["citation_validity"] = sum(c["valid"] for c in citations) / len(citations) if citations else 1.0
        out["gold_cited"] = sum(r["gold_cited"] for _, r in answerable) / max(1, len(answerable))
    else:
        out["citation_validity"] = None
        out["gold_cited"] = None
    out["misses"] = [
        i.id
        for i, r in zip(items, results, strict=True)
        if (i.answerable and (r["refused"] or not facts_present(r["text"], i.facts)))
        or (not i.answerable and not r["refused"])
    ]
    return out


def run_assistant(assistant: Assistant, items: Sequence[GoldItem], corpus_dir: Path) -> list[dict[str, Any]]:
    results = []
    for item in items:
        history = [(q, "") for q in item.history]
        answer = assistant.answer(item.question, history=history)
        spans = evidence_spans(item, assistant.catalog) if item.answerable else []
        results.append(_result(answer, spans, corpus_dir, assistant.catalog.text))
        print(
            f"  {item.id:6} {'REFUSED' if answer.refused else 'answer '} "
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
        "refused": answer.refused,
        "citations": citations,
        "gold_cited": any(
            covers(c.doc_id, c.start, c.end, spans, share=0.3)
            or any(d == c.doc_id and c.start <= s.start < c.end for d, s in spans)
            for c in answer.citations
        ),
        "first_token": answer.timings_ms.get("first_token", 0.0),
        "total": answer.timings_ms.get("total", 0.0),
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
            refused = any(h in text.casefold() for h in _REFUSAL_HINTS)
            results.append(
                {
                    "text": text,
                    "refused": refused,
                    "citations": [],
                    "gold_cited": False,
                    "first_token": first if first is not None else total,
                    "total": total,
                }
            )
            print(f"  {item.id:6} baseline {total / 1000:5.1f}s {' '.join(text.split())[:110]}", flush=True)
    return results


_ROLES = {"system": "system", "human": "user", "ai": "assistant"}


def answer_metrics(settings: Settings, items: Sequence[GoldItem], *, baseline: bool = True) -> dict[str, Any]:
    assistant = Assistant(settings)
    assistant.warm_up()
    print("\nassistant answers:")
    ours = score(items, run_assistant(assistant, items, settings.corpus_dir), cited=True)
    out = {"assistant": ours}
    if baseline:
        print("\nbaseline answers:")
        out["baseline"] = score(items, run_baseline(assistant, items), cited=False)
    return out


def print_answers(metrics: dict[str, Any]) -> None:
    ours, base = metrics["assistant"], metrics.get("baseline")
    rows: list[tuple[str, str, Callable[[Any], str]]] = [
        ("accuracy (key facts present)", "accuracy", lambda v: f"{v:.2f}"),
        ("citation validity", "citation_validity", lambda v: "n/a" if v is None else f"{v:.2f}"),
        ("gold passage cited", "gold_cited", lambda v: "n/a" if v is None else f"{v:.2f}"),
        ("unanswerable refused", "refused_unanswerable", lambda v: f"{v:.2f}"),
        ("false refusals", "false_refusals", lambda v: f"{v:.2f}"),
        ("time to first token p50 (s)", "ttft_p50_s", lambda v: f"{v:.1f}"),
        ("time to first token p95 (s)", "ttft_p95_s", lambda v: f"{v:.1f}"),
        ("total time p50 (s)", "total_p50_s", lambda v: f"{v:.1f}"),
        ("total time p95 (s)", "total_p95_s", lambda v: f"{v:.1f}"),
    ]
    print(f"\nAnswers ({ours['n']} questions)")
    print(f"{'metric':32} {'assistant':>10} {'baseline':>10} {'ratio':>7}")
    for label, key, fmt in rows:
        a, b = ours.get(key), (base or {}).get(key)
        ratio = f"{a / b:.2f}" if isinstance(a, float) and isinstance(b, float) and b else ""
        print(f"{label:32} {fmt(a):>10} {fmt(b) if base else '':>10} {ratio:>7}")
    print(f"  assistant misses: {' '.join(ours['misses'])}")
    if base:
        print(f"  baseline misses: {' '.join(base['misses'])}")
