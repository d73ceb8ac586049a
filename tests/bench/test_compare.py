"""bench/compare.py: without the seed stack it says so and exits 2, before installing or
starting anything."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.compare import main


def test_exits_2_when_the_seed_stack_is_missing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--seed-dir", str(tmp_path / "nowhere")]) == 2
    assert "no seed stack at" in capsys.readouterr().out
