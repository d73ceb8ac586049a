"""Make sure Debian's Chromium is installed for the browser tests (`make test` runs this).

Playwright cannot download its own browsers here, so the panel's browser tests drive
/usr/bin/chromium from Debian's `chromium` package, installed with apt-get when missing.
`ensure_debian_package` does the same for any tool (`make bench-compare` installs `wrk` so).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")


def ensure_debian_package(package: str, binary: Path) -> Path:
    """`binary`'s path, installing Debian's `package` first when it is missing."""
    if binary.exists():
        return binary
    apt = shutil.which("apt-get")
    if apt is None:
        raise RuntimeError(f"{binary} is missing and apt-get is not available: install {package}")
    sudo = [] if os.geteuid() == 0 else ["sudo", "-n"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = [*sudo, apt, "install", "-y", "--no-install-recommends", package]
    if subprocess.run(install, env=env, check=False).returncode != 0:
        # A fresh machine may have no package lists yet.
        subprocess.run([*sudo, apt, "update"], env=env, check=True)
        subprocess.run(install, env=env, check=True)
    if not binary.exists():
        raise RuntimeError(f"apt-get finished but {binary} is still missing")
    return binary


def ensure_chromium() -> Path:
    """The browser's path, installing the package first when it is missing."""
    return ensure_debian_package("chromium", CHROMIUM)


if __name__ == "__main__":
    print(ensure_chromium())
    sys.exit(0)
