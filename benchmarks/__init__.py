"""Throughput benchmarks for iedsl against its peers (issue 5).

Run ``python -m benchmarks`` from the repository root (``--quick`` for a two-minute
smoke run, ``--help`` for the options).  The harness is not a test suite: timings are
facts about one machine, so they live in ``benchmarks/results/latest.json`` and
``docs/performance.md`` instead of in assertions that would flake in CI.

Layout, one stage per module:

    corpus.py     news-like text built locally from the seeds and the RAMS windows
    lexicons.py   deterministic generated lexicons of 1k .. 1M terms (TSV + rule file)
    peers.py      the matchers under test: iedsl and every peer, behind one interface
    pack.py       the bundled pack's word lists, read textually for the spaCy peer
    worker.py     runs one (method, lexicon) measurement in a fresh child process
    measure.py    timing, medians, child-process management, peak RSS
    suites.py     the sections of a run (lexicon sweep, pack, compile, CLI, ...)
    targets.py    the issue's targets, turned into PASS/FAIL lines
    machine.py    what the numbers were measured on
    report.py     the stdout table and docs/performance.md
    plot.py       docs/performance.png
    __main__.py   argument parsing; chains the sections
    profile.py    ``python -m benchmarks.profile``: cProfile of iedsl on the same text
"""
