"""Make sure Debian's Chromium is installed for the browser tests (`make test` runs this).

Playwright cannot download its own browsers here, so the panel's browser tests drive
/usr/bin/chromium from Debian's `chromium` package, installed with apt-get when missing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")


def ensure_chromium() -> Path:
    """The browser's path, installing the package first when it is missing."""
    if CHROMIUM.exists():
        return CHROMIUM
    apt = shutil.which("apt-get")
    if apt is None:
        raise RuntimeError("Chromium is missing and apt-get is not available: install chromium")
    sudo = [] if os.geteuid() == 0 else ["sudo", "-n"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = [*sudo, apt, "install", "-y", "--no-install-recommends", "chromium"]
    if subprocess.run(install, env=env, check=False).returncode != 0:
        # A fresh machine may have no package lists yet.
        subprocess.run([*sudo, apt, "update"], env=env, check=True)
        subprocess.run(install, env=env, check=True)
    if not CHROMIUM.exists():
        raise RuntimeError("apt-get finished but /usr/bin/chromium is still missing")
    return CHROMIUM


if __name__ == "__main__":
    print(ensure_chromium())
    sys.exit(0)
