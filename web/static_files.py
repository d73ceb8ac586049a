"""/static/<name>: compressed when the browser accepts it, and cached.

plotly.js alone is 4.8 MB; gzip sends it as about 1.5 MB. Files are compressed once per
version and kept in memory (in a thread: a few hundred ms for plotly, not on the event loop).
Every `url_for('static', ...)` carries `?v=<content hash>`, so a versioned URL is cached by
the browser for a year (`immutable`); an unversioned one is revalidated with its ETag (304)."""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import mimetypes
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from quart import Quart, Response, request
from werkzeug.exceptions import NotFound
from werkzeug.security import safe_join

YEAR = 365 * 24 * 3600
# Text compresses; images and fonts are compressed already.
COMPRESSIBLE = ("text/", "application/javascript", "application/json", "image/svg+xml")
SMALLEST = 1024  # below this the gzip header costs more than it saves


@dataclass(frozen=True)
class StaticFile:
    """One file's bytes, its gzip form (when worth it), version and modification time."""

    body: bytes
    gzipped: bytes | None
    version: str
    modified: datetime
    mimetype: str


class StaticFiles:
    """The files under one folder, read and compressed once per change on disk."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._cache: dict[str, tuple[tuple[float, int], StaticFile]] = {}

    def path(self, name: str) -> Path:
        """The file `name` names under the folder; NotFound for anything else."""
        try:
            joined = safe_join(str(self.folder), name)
            found = Path(joined) if joined is not None else None
            if found is None or not found.is_file():
                raise NotFound()
        except (OSError, ValueError):  # a name too long for the filesystem, a NUL in it
            raise NotFound() from None
        return found

    def version(self, name: str) -> str | None:
        """The short content hash that versions `name`'s URLs (None: no such file)."""
        try:
            return self._load(self.path(name)).version
        except NotFound:
            return None

    async def get(self, name: str) -> StaticFile:
        path = self.path(name)
        stat = path.stat()
        cached = self._cache.get(name)
        if cached is not None and cached[0] == (stat.st_mtime, stat.st_size):
            return cached[1]
        return await asyncio.to_thread(self._load, path)

    def _load(self, path: Path) -> StaticFile:
        name = str(path.relative_to(self.folder))
        stat = path.stat()
        cached = self._cache.get(name)
        if cached is not None and cached[0] == (stat.st_mtime, stat.st_size):
            return cached[1]
        body = path.read_bytes()
        mimetype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        worth = len(body) >= SMALLEST and mimetype.startswith(COMPRESSIBLE)
        found = StaticFile(
            body=body,
            gzipped=gzip.compress(body, compresslevel=9, mtime=0) if worth else None,
            version=hashlib.sha256(body).hexdigest()[:12],
            modified=datetime.fromtimestamp(int(stat.st_mtime), UTC),
            mimetype=mimetype,
        )
        self._cache[name] = ((stat.st_mtime, stat.st_size), found)
        return found


def install(app: Quart) -> None:
    """Replace Quart's static view with the compressed, cached one; version every URL."""
    assert app.static_folder is not None
    files = StaticFiles(Path(app.static_folder))
    app.extensions["static_files"] = files

    @app.url_defaults
    def versioned(endpoint: str, values: dict[str, Any]) -> None:
        if endpoint == "static" and "filename" in values and "v" not in values:
            version = files.version(values["filename"])
            if version is not None:
                values["v"] = version

    async def static(filename: str) -> Response:
        found = await files.get(filename)
        gzipped = found.gzipped is not None and _accepts_gzip()
        body = found.gzipped if gzipped and found.gzipped is not None else found.body
        response = Response(body, mimetype=found.mimetype)
        if gzipped:
            response.headers["Content-Encoding"] = "gzip"
        if found.gzipped is not None:
            response.headers["Vary"] = "Accept-Encoding"
        response.set_etag(found.version + ("-gz" if gzipped else ""))
        response.last_modified = found.modified
        if request.args.get("v") == found.version:
            response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
        else:  # an unversioned (or stale) URL: keep it, but ask each time (a 304 is cheap)
            response.headers["Cache-Control"] = "public, no-cache"
        return await response.make_conditional(request)

    app.view_functions["static"] = static


def _accepts_gzip() -> bool:
    # Content codings are case-insensitive (RFC 9110 8.4.1): "GZIP" is gzip.
    return any(
        value.lower() == "gzip" and quality > 0 for value, quality in request.accept_encodings
    )
