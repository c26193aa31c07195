"""What the numbers were measured on: CPU, cores, memory, software, commit, date.

Throughput figures mean nothing without the machine, and iedsl changes under the
benchmark, so the commit (and whether the tree was dirty) is recorded too.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import subprocess
from importlib import metadata
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
PACKAGES = ("iedsl", "pyahocorasick", "flashtext", "spacy", "regex", "lark", "matplotlib",
            "psutil")


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _ram_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 2**20
    except OSError:
        pass
    return None


def _git(*args: str) -> str:
    try:
        return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True,
                              timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def _version(dist: str) -> str | None:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def _native() -> bool:
    """Whether iedsl's optional C loops are built and enabled here (the workers
    inherit this process's environment, so they run the same)."""
    from iedsl import speedups

    return speedups.native is not None


def describe() -> dict[str, Any]:
    """A JSON-ready description of this machine and software."""
    dirty = _git("status", "--porcelain", "--", "iedsl", "rules", "grammars")
    return {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "usable_cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
        else os.cpu_count(),
        "ram_gib": _ram_gib(),
        "os": f"{platform.system()} {platform.release()}",
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "packages": {p: _version(p) for p in PACKAGES},
        "iedsl_native": _native(),
        "commit": _git("rev-parse", "--short", "HEAD"),
        "engine_tree_dirty": bool(dirty),
        "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    }
