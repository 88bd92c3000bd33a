"""Measuring helpers for benchmarks: peak memory of a process tree, size on disk, percentiles, load."""

from __future__ import annotations

import math
import os
import threading
from pathlib import Path

_PAGE = os.sysconf("SC_PAGE_SIZE")


def _children() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])  # the name in parentheses may hold spaces
        kids.setdefault(ppid, []).append(int(entry))
    return kids


def tree_rss(pid: int) -> int:
    """Resident bytes of pid and all its descendants (pages shared between them counted in each)."""
    kids = _children()
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            total += int(Path(f"/proc/{p}/statm").read_text().split()[1]) * _PAGE
        except (OSError, IndexError, ValueError):
            pass
        todo.extend(kids.get(p, []))
    return total


class PeakRSS:
    """Samples tree_rss of some processes every interval seconds from a thread; peak is the largest sum."""

    def __init__(self, *pids: int, interval: float = 0.25) -> None:
        self.pids = list(pids)
        self.interval = interval
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while True:
            self.peak = max(self.peak, sum(tree_rss(p) for p in self.pids))
            if self._stop.wait(self.interval):
                return

    def __enter__(self) -> PeakRSS:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def dir_bytes(*paths: Path) -> int:
    """Bytes of every file under the paths (allocated size, as `du` counts)."""
    total = 0
    for root in paths:
        if root.is_file():
            total += root.stat().st_blocks * 512
            continue
        for dirpath, _, names in os.walk(root):
            for name in names:
                try:
                    total += os.lstat(os.path.join(dirpath, name)).st_blocks * 512
                except OSError:
                    pass
    return total


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) by nearest rank."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(q / 100 * len(ordered))))
    return ordered[rank - 1]


def load_average() -> float:
    """The one-minute load average (how busy the machine's other processes kept it)."""
    return os.getloadavg()[0]
