"""Timing, medians and child processes.

Every measurement that builds something big runs in a fresh child process
(``python -m benchmarks.worker``): a 1M-term automaton left behind by one method would
otherwise sit in the caches and the heap of the next, and the peak RSS of a process
can only be read for the whole process.  The parent only orchestrates, so its own
memory never shows up in a number.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent


def median(values: Sequence[float]) -> float | None:
    return statistics.median(values) if values else None


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MB.

    Read from ``VmHWM`` in ``/proc/self/status`` where there is one: ``ru_maxrss``
    survives ``exec``, so a child spawned by a big parent starts with the parent's
    peak (a benchmark parent holding a 1M-term list made every child "use" 470 MB).
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024 / 1e6
    except (OSError, ValueError, IndexError):
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6


@dataclass(slots=True)
class Passes:
    """Timed passes over a corpus, stopped early when a time budget runs out.

    Each pass has two clocks: wall time, and the CPU time of this process (user +
    system).  On an idle machine they agree; when other work shares the two cores,
    CPU time still measures what the method cost, so it is what the report uses.
    """

    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    partial_mb: float | None = None   # MB processed when the first pass was cut short
    partial_wall: float | None = None
    partial_cpu: float | None = None

    @property
    def complete(self) -> bool:
        return self.partial_mb is None


def time_passes(run: Callable[[str], Any], docs: Sequence[str], sizes_mb: Sequence[float],
                repeats: int, budget: float) -> Passes:
    """Up to ``repeats`` full passes over ``docs``, within about ``budget`` seconds.

    The first pass stops between documents once the budget is spent (a regex
    alternation over a big lexicon would otherwise run for hours); later passes are
    only started while the budget allows another one of the same length.  A warm-up
    document runs first so lazy initialisation is not charged to the first pass.
    """
    import gc

    out = Passes()
    if docs:
        run(docs[0][:2000])
    spent = 0.0
    total = sum(sizes_mb)
    for _ in range(repeats):
        gc.collect()
        t0, c0 = time.perf_counter(), time.process_time()
        done = 0.0
        for doc, mb in zip(docs, sizes_mb, strict=True):
            run(doc)
            done += mb
            if not out.wall and time.perf_counter() - t0 > budget:
                break
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        if done < total - 1e-9:
            out.partial_mb, out.partial_wall, out.partial_cpu = done, wall, cpu
            return out
        out.wall.append(wall)
        out.cpu.append(cpu)
        spent += wall
        if spent + wall > budget:   # another pass would overrun the budget
            break
    return out


@dataclass(frozen=True, slots=True)
class ChildResult:
    """What a child process reported, or why it reported nothing."""

    status: str                     # "ok" | "timeout" | "error"
    data: Mapping[str, Any]
    wall: float
    message: str = ""


def bench_env(cache: Path) -> dict[str, str]:
    """Environment for a child: unbuffered, quiet, with the given rule cache directory.

    Each measurement gets a fresh cache directory, so a compile is really a compile;
    the warm-start measurement passes the same one to several runs.
    """
    env = dict(os.environ)
    env.pop("IEDSL_NO_CACHE", None)
    env.update(PYTHONUNBUFFERED="1", PYTHONHASHSEED="0", XDG_CACHE_HOME=str(cache),
               IEDSL_CACHE_DIR=str(cache / "iedsl"), TQDM_DISABLE="1")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH")) if p)
    return env


def run_child(spec: Mapping[str, Any], timeout: float) -> ChildResult:
    """Run ``python -m benchmarks.worker`` on ``spec`` and read its JSON answer."""
    t0 = time.perf_counter()
    cmd = [sys.executable, "-m", "benchmarks.worker", json.dumps(spec)]
    try:
        with tempfile.TemporaryDirectory(prefix="iedsl-bench-cache-") as cache:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                                  env=bench_env(Path(cache)), cwd=REPO)
    except subprocess.TimeoutExpired:
        return ChildResult("timeout", {}, time.perf_counter() - t0,
                           f"no answer within {timeout:.0f} s")
    wall = time.perf_counter() - t0
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode != 0 or not lines:
        tail = (proc.stderr.strip().splitlines() or ["(no output)"])[-1]
        return ChildResult("error", {}, wall, f"exit {proc.returncode}: {tail}")
    data = json.loads(lines[-1])
    return ChildResult(data.get("status", "ok"), data, wall, data.get("message", ""))


@dataclass(frozen=True, slots=True)
class Timed:
    """One command run to completion by :func:`time_command`."""

    wall: float          # seconds
    rss_mb: float        # peak RSS of the command's main process
    code: int            # exit code (-1: the wrapper failed)
    err: str             # last lines of stderr
    cpu: float = 0.0     # CPU seconds of the command and the workers it waited for
    others: float = 0.0  # cores kept busy by other work meanwhile (from /proc/stat)


def time_command(cmd: Sequence[str], *, env: Mapping[str, str] | None = None,
                 cwd: Path = REPO, timeout: float = 600) -> Timed:
    """Run one command to completion and say what it cost.

    The command is started by a small wrapper process (``python -m
    benchmarks.measure``) that times it and reads its rusage: ``ru_maxrss`` survives
    ``exec``, so a command spawned straight from this (large) process would report
    this process's peak as its own.  Worker processes of ``-j N`` are grandchildren of
    the wrapper: their CPU time is in ``cpu``, not their memory in ``rss_mb``.
    """
    wrapper = [sys.executable, "-m", "benchmarks.measure", str(timeout), *cmd]
    full_env = dict(env) if env else dict(os.environ)
    full_env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(REPO), full_env.get("PYTHONPATH")) if p)
    try:
        proc = subprocess.run(wrapper, cwd=cwd, env=full_env, capture_output=True, text=True,
                              timeout=timeout + 60)
        return Timed(**json.loads(proc.stdout.strip().splitlines()[-1]))
    except (subprocess.TimeoutExpired, ValueError, IndexError, TypeError) as exc:
        return Timed(float("nan"), float("nan"), -1, f"wrapper failed: {exc}")


def _busy_seconds() -> float:
    """CPU seconds all cores have spent busy since boot (``/proc/stat``), or 0."""
    try:
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return 0.0
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return (sum(fields) - idle) / os.sysconf("SC_CLK_TCK")


def _timed(argv: list[str]) -> dict[str, Any]:
    """The wrapper's side of :func:`time_command`: run ``argv[1:]``, time it, report."""
    import threading

    timeout, cmd = float(argv[0]), argv[1:]
    with tempfile.TemporaryFile() as err:
        busy0 = _busy_seconds()
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err)
        timer = threading.Timer(timeout, proc.kill)
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        wall = time.perf_counter() - t0
        busy = _busy_seconds() - busy0
        proc.returncode = code = os.waitstatus_to_exitcode(status)
        err.seek(0)
        tail = err.read().decode("utf-8", "replace").strip().splitlines()[-3:]
    cpu = usage.ru_utime + usage.ru_stime
    return {"wall": wall, "rss_mb": usage.ru_maxrss * 1024 / 1e6, "code": code,
            "err": " | ".join(tail), "cpu": cpu,
            "others": max(0.0, busy - cpu) / wall if busy and wall > 0 else 0.0}


#: Below this many busy cores (other work, sampled over a second) the machine is idle.
IDLE_LOAD = 0.3


def busy_cores(interval: float = 1.0) -> float:
    """How many cores other processes keep busy, sampled over ``interval`` seconds.

    Read from ``/proc/stat`` (the parent is asleep while sampling, so the figure is
    other work); the 1-minute load average is the fallback where there is no
    ``/proc``.  The load average alone lags by minutes: right after a benchmark child
    finishes it still reads about 1 on an idle machine.
    """
    def sample() -> tuple[int, int]:
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
        return sum(fields) - idle, sum(fields)

    try:
        busy0, total0 = sample()
        time.sleep(interval)
        busy1, total1 = sample()
    except (OSError, ValueError, IndexError):
        return os.getloadavg()[0]
    return (busy1 - busy0) / max(1, total1 - total0) * (os.cpu_count() or 1)


def wait_idle(seconds: float, log: Callable[[str], None]) -> float:
    """Wait up to ``seconds`` for other work to finish; warn if it does not.

    Wall-clock figures (CLI start-up, ``-j 2``) need both cores free; on a shared
    machine the best the harness can do is wait for a quiet moment and say so when
    there was none.  Returns the number of busy cores it ended with.
    """
    deadline = time.monotonic() + seconds
    busy = busy_cores()
    while busy >= IDLE_LOAD and time.monotonic() < deadline:
        time.sleep(2)
        busy = busy_cores()
    if busy >= IDLE_LOAD:
        log(f"  (other work keeps {busy:.1f} of {os.cpu_count()} cores busy: wall-clock "
            "figures will suffer)")
    return busy


if __name__ == "__main__":
    print(json.dumps(_timed(sys.argv[1:])))
