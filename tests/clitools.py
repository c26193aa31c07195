"""Helpers shared by the tests that drive the command line in-process."""

from __future__ import annotations

import pytest

from iedsl.cli import main


def call(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """``iedsl ARGS`` in this process: exit code, stdout, stderr."""
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err
