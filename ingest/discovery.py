"""Which files an ingest reads: a walk of the given paths that reports, rather than trips on, links
that loop or leave the directory, pipes and devices, unreadable directories and names that are not UTF-8."""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ingest.manifest import MANIFEST


@dataclass
class Found:
    """Files to read, directories whose vanished files are pruned, and entries skipped with a reason."""

    files: list[Path] = field(default_factory=list)
    dirs: list[Path] = field(default_factory=list)
    bad: list[tuple[Path, str]] = field(default_factory=list)  # (path, reason)


def discover(paths: Iterable[Path]) -> Found:
    """Files under the given paths, in path order; hidden files and directories and manifests left out."""
    found = Found()
    for p in paths:
        if p.is_dir():
            found.dirs.append(p)
            _walk(p, found)
        elif p.exists() or p.is_symlink():
            reason = _problem(p, None)
            if reason:
                found.bad.append((p, reason))
            else:
                found.files.append(p)
        else:
            raise FileNotFoundError(p)
    return found


def _walk(top: Path, found: Found) -> None:
    inside = top.resolve()
    files: list[Path] = []

    def unreadable(exc: OSError) -> None:
        found.bad.append((Path(exc.filename or top), f"cannot list the directory ({exc.strerror})"))

    for dirpath, dirnames, filenames in os.walk(top, onerror=unreadable, followlinks=False):
        here = Path(dirpath)
        for name in list(dirnames):
            if name.startswith(".") or (here / name).is_symlink():
                dirnames.remove(name)
                if not name.startswith("."):
                    found.bad.append((here / name, "a link to a directory (not followed; copy or link the files)"))
        dirnames.sort()
        for name in filenames:
            if name.startswith(".") or name == MANIFEST:
                continue
            path = here / name
            reason = _problem(path, inside)
            if reason:
                found.bad.append((path, reason))
            else:
                files.append(path)
    found.files.extend(sorted(files, key=str))


def _problem(path: Path, inside: Path | None) -> str | None:
    """Why path cannot be read as a document, or None; inside: the directory a link must stay in."""
    if not _utf8(str(path)):
        return "the name is not valid UTF-8; rename it (e.g. convmv -f cp949 -t utf8 --notest NAME)"
    if not path.name.isprintable():
        return "the name holds control characters (a line break or tab); rename it"
    if path.is_symlink():
        try:
            target = path.resolve(strict=True)
        except FileNotFoundError:
            return "a broken symbolic link (its target is missing)"
        except (RuntimeError, OSError):  # Python 3.11 raises RuntimeError for a loop, 3.13 OSError
            return "a symbolic link loop"
        if inside is not None and not target.is_relative_to(inside):
            return f"a symbolic link to {shown(target)}, outside {shown(inside)}/ (not followed)"
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        return f"cannot be read ({exc.strerror})"
    if not stat.S_ISREG(mode):
        kind = "a named pipe" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode) else "a device"
        return f"not a regular file ({kind})"
    return None


def _utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def shown(path: Path | str) -> str:
    """A path printable on one line: undecodable bytes and control characters escaped."""
    raw = os.fsencode(str(path)).decode("utf-8", "backslashreplace")
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in raw)


def hash_file(path: Path) -> Any:
    """A SHA-256 object fed the file's bytes, read a block at a time."""
    hasher = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(2**20):
            hasher.update(block)
    return hasher
