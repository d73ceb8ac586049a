"""`make report` (scripts/report.py): a company's usage report written as a file."""

from __future__ import annotations

from pathlib import Path

from domain.settings import Settings
from tests.support.factories import Cast
from tests.support.processes import run_script


async def test_make_report_writes_the_file(cast: Cast, settings: Settings, tmp_path: Path) -> None:
    company = str(cast.a.company.id)
    args = ["--company-id", company, "--format", "pdf", "--out", str(tmp_path)]
    done = await run_script(settings, "-m", "scripts.report", *args)
    assert done.returncode == 0, done.stderr
    written = Path(done.stdout.strip())
    assert written.parent == tmp_path and written.name.startswith("consumo-acme-")
    assert written.read_bytes().startswith(b"%PDF-")
