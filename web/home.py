"""Landing page: what is running and where to look."""

from __future__ import annotations

from quart import Blueprint, render_template

bp = Blueprint("home", __name__)


@bp.get("/")
async def index() -> str:
    return await render_template("index.html")
