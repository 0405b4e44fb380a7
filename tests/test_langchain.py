"""The assistant as LangChain parts: the hybrid retriever in a plain LCEL chain, the checked answer as a Runnable."""

from __future__ import annotations

from langchain_core.documents import Document
from langchain_core.runnables import RunnableLambda

from assistant.answer.shapes import answer_json
from assistant.config import Settings
from assistant.langchain import HybridRetriever, checked_answer
from tests.fakes import FakeChatModel, grounded
from tests.test_evidence_answers import make

QUESTION = "Où ont eu lieu les Rencontres en 2014 ?"


def test_the_retriever_gives_documents_with_their_place_in_the_source_to_an_lcel_chain(settings: Settings) -> None:
    assistant = make(settings, FakeChatModel())
    chain = HybridRetriever(assistant=assistant, top_k=2) | RunnableLambda(
        lambda docs: [(d.metadata["title"], d.metadata["start"], d.page_content) for d in docs]
    )
    found = chain.invoke(QUESTION)
    assert 0 < len(found) <= 2 and "Takamatsu en 2014" in found[0][2]
    docs: list[Document] = HybridRetriever(assistant=assistant).invoke(QUESTION)
    source = (settings.corpus_dir / docs[0].metadata["source"]).read_text(encoding="utf-8")
    assert source[docs[0].metadata["start"] : docs[0].metadata["end"]] == docs[0].page_content


def without_timings(reply: dict) -> dict:
    return {k: v for k, v in reply.items() if k != "timings_ms"}


def test_the_runnable_returns_what_ask_json_prints_and_streams_only_checked_text(settings: Settings) -> None:
    chat = FakeChatModel([grounded("Takamatsu", "Les Rencontres ont eu lieu à Takamatsu en 2014.")])
    assistant = make(settings, chat)
    expected = answer_json(assistant.answer(QUESTION))
    runnable = checked_answer(assistant)
    assert without_timings(runnable.invoke({"question": QUESTION})) == without_timings(expected)
    assert without_timings(runnable.invoke(QUESTION)) == without_timings(expected)
    events = list(runnable.stream(QUESTION))
    kinds = [e["event"] for e in events]
    assert kinds[0] == "progress" and kinds[-1] == "answer" and kinds.count("answer") == 1 and "evidence" in kinds
    written = "Les Rencontres ont eu lieu à Takamatsu en 2014."  # the model's words, unchecked until the end
    assert all(written not in str(e) for e in events[:-1])
    assert events[-1]["answer"]["answer"] == "Les Rencontres ont eu lieu à Takamatsu en 2014. [1]"


def test_the_runnable_takes_a_conversation(settings: Settings) -> None:
    chat = FakeChatModel([grounded("Takamatsu", "À Takamatsu.", standalone=QUESTION)])
    earlier = "Où ont eu lieu les Rencontres en 2008 ?"
    reply = checked_answer(make(settings, chat)).invoke(
        {"question": "Et en 2014 ?", "history": [[earlier, "À Nancy [1]."]]}
    )
    assert reply["question"] == "Et en 2014 ?" and reply["mode"] == "answer"
    assert earlier in chat.calls[0][-1]["content"]  # the history reached the rewriting of the follow-up
