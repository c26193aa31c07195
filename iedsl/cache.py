"""The compiled-rule cache: compile once, start warm.

A rule pack is compiled into a :class:`~iedsl.program.Program`, which pickles; the
cache keeps that pickle together with a stamp of every file it was built from
(rule files, includes, term files: path, size, modification time and SHA-256).
A later load checks the stamps — sizes and times first, contents only when those
differ — and unpickles the program instead of parsing and compiling again.  Any
change to any file, to iedsl's code or version, or to Python's makes a miss.

The cache lives in ``$IEDSL_CACHE_DIR``, else ``$XDG_CACHE_HOME/iedsl``, else
``~/.cache/iedsl``.  Writes go to a temporary file renamed into place, so
concurrent runs never see half a cache entry; an unreadable entry is a miss.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import os
import pickle
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .program import PROGRAM_VERSION

CACHE_FORMAT = 1


def cache_dir() -> Path:
    env = os.environ.get("IEDSL_CACHE_DIR")
    if env:
        return Path(env)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "iedsl"


@dataclass(frozen=True, slots=True)
class Stamp:
    path: str
    size: int
    mtime_ns: int
    sha256: str

    @classmethod
    def of(cls, path: str) -> Stamp:
        data = Path(path).read_bytes()
        st = os.stat(path)
        return cls(path, st.st_size, st.st_mtime_ns, hashlib.sha256(data).hexdigest())

    def still_valid(self) -> bool:
        try:
            st = os.stat(self.path)
        except OSError:
            return False
        if st.st_size == self.size and st.st_mtime_ns == self.mtime_ns:
            return True
        try:
            return hashlib.sha256(Path(self.path).read_bytes()).hexdigest() == self.sha256
        except OSError:
            return False


_CODE_HASH: list[str] = []


def _code_hash() -> str:
    """A digest of iedsl's own source: a changed engine never reads an old program."""
    if not _CODE_HASH:
        h = hashlib.sha256()
        for f in sorted(Path(__file__).parent.glob("*.py")):
            h.update(f.name.encode())
            h.update(f.read_bytes())
        _CODE_HASH.append(h.hexdigest())
    return _CODE_HASH[0]


def _entry_path(top: Path) -> Path:
    from . import __version__

    parts = [str(top.resolve()), __version__, str(PROGRAM_VERSION), str(CACHE_FORMAT),
             sys.version, _code_hash()]
    if top.is_dir():   # a new top-level rule file must be a miss too
        parts += sorted(p.name for p in top.glob("*.ie"))
    key = "\0".join(parts)
    return cache_dir() / f"{hashlib.sha256(key.encode()).hexdigest()[:32]}.pickle"


def load_cached(top: Path) -> tuple[Any, Any] | None:
    """``(program, warnings)`` from the cache if every source file is unchanged."""
    path = _entry_path(top)
    try:
        with open(path, "rb") as fh:
            # two pickles in a row: the stamps, checked before the program is read
            stamps = pickle.load(fh)
            if not all(s.still_valid() for s in stamps):
                return None
            return _load_without_gc(fh)
    except Exception:   # a damaged or foreign cache entry is just a miss
        return None


def _load_without_gc(fh: Any) -> Any:
    """Unpickle with the cyclic garbage collector paused.

    A program is tens of thousands of small tuples, none in a cycle; each allocation
    counts towards a collection, so the collector ran over the growing heap again and
    again and took two thirds of the load (0.15 s against 0.05 s for the bundled pack).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        return pickle.load(fh)
    finally:
        if enabled:
            gc.enable()


def store(top: Path, files: list[str], program: Any, warnings: Any) -> None:
    """Save a compiled program; failures to write are ignored (the cache is optional),
    and so is a program that will not pickle: it is compiled again next time."""
    try:
        stamps = [Stamp.of(f) for f in files]
        path = _entry_path(top)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        try:
            # straight to the file: a million-term program is hundreds of MB, and
            # pickling it to bytes first held it in memory twice
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(stamps, fh, protocol=pickle.HIGHEST_PROTOCOL)
                pickle.dump((program, warnings), fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    except (OSError, pickle.PicklingError, TypeError, AttributeError, RecursionError):
        return
