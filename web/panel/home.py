"""Landing page: what is running and where to look."""

from __future__ import annotations

from quart import Blueprint, render_template
from quart_schema import hide

bp = Blueprint("home", __name__)


@bp.get("/")
@hide
async def index() -> str:
    return await render_template("index.html")
