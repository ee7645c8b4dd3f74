"""The one typed settings object; the only place that reads the environment."""

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

BackendName = Literal["auto", "local", "openai", "openai-compatible", "extractive"]


class Settings(BaseSettings):
    """Advisor settings, read from ADVISOR_* environment variables and a .env file."""

    model_config = SettingsConfigDict(
        env_prefix="ADVISOR_", env_file=".env", extra="ignore", populate_by_name=True
    )

    corpus_dir: Path = Field(Path("corpus"), description="Folder of source documents (.md/.txt).")
    index_dir: Path = Field(Path("index"), description="Folder of the embedded Chroma store.")
    chroma_url: str | None = Field(
        None, description="URL of a Chroma server (http://host:port) used instead of index_dir."
    )
    chroma_auth_token: str | None = Field(
        None, description="Token for a protected Chroma server (sent as a Bearer token)."
    )
    chroma_tenant: str = Field("default_tenant", description="Chroma tenant on the server.")
    chroma_database: str = Field("default_database", description="Chroma database on the server.")
    collection: str = Field("career_guide", description="Chroma collection name.")
    llm: BackendName = Field("auto", description="Language-model backend.")
    llm_model: str | None = Field(None, description="Model name for openai/openai-compatible.")
    llm_temperature: float = Field(0.0, ge=0.0, le=2.0, description="Sampling temperature.")
    llm_max_tokens: int = Field(160, ge=16, le=4096, description="Longest generated answer.")
    llm_timeout_s: float = Field(
        60.0, gt=0, description="Deadline of one model reply, the whole stream, seconds."
    )
    llm_retries: int = Field(0, ge=0, le=5, description="Retries of a failed model request.")
    local_threads: int = Field(2, ge=1, le=64, description="CPU threads of the local model.")
    local_context: int = Field(4096, ge=512, description="Context window of the local model.")
    openai_api_key: str | None = Field(
        None, validation_alias="OPENAI_API_KEY", description="Key for the OpenAI API."
    )
    openai_base_url: str | None = Field(
        None,
        validation_alias="OPENAI_BASE_URL",
        description="Base URL of an OpenAI-compatible server (Ollama, vLLM, llama.cpp, LM Studio).",
    )
    top_k: int = Field(6, ge=1, le=50, description="Passages retrieved per question.")
    scope_threshold: float = Field(
        0.40,
        ge=0.0,
        le=1.0,
        description="Minimum similarity of the question's topic to some sentence of the guide.",
    )
    scope_unknown_threshold: float = Field(
        0.60,
        ge=0.0,
        le=1.0,
        description="The same minimum when the topic has words the guide never uses.",
    )
    max_question_chars: int = Field(
        1000, ge=10, description="Longest question accepted, in characters."
    )
    max_file_mb: float = Field(
        5.0, gt=0, description="Corpus files larger than this (MB) are skipped with a warning."
    )
    judge_model: str | None = Field(
        None, description="Model for the eval's optional LLM faithfulness judge (llama-index)."
    )
    judge_base_url: str | None = Field(None, description="OpenAI-compatible URL of the judge.")
    judge_api_key: str | None = Field(None, description="API key of the judge model.")
    serve_host: str = Field("127.0.0.1", description="Address the browser chat listens on.")
    serve_port: int = Field(7860, ge=1, le=65535, description="Port of the browser chat.")
    serve_auth: str | None = Field(
        None, description="Basic auth for the browser chat as 'user:password'; unset = none."
    )
    serve_concurrency: int = Field(
        2, ge=1, le=64, description="Answers computed at once; more requests wait in the queue."
    )
    serve_queue_size: int = Field(
        64, ge=1, le=10_000, description="Requests that may wait for an answer slot at once."
    )
    warm_model: bool = Field(
        False, description="Load the local model in the background when `advisor serve` starts."
    )
    show_progress: bool = Field(True, description="Show a progress bar while embedding.")
    data_dir: Path = Field(
        Path("data"), description="Folder of the advisor's own data (check-ins, feedback)."
    )
    database_url: str | None = Field(
        None, description="SQLAlchemy URL of the database; unset = SQLite in data_dir."
    )
