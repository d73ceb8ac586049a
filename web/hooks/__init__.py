"""Webhooks: what other systems push to us (Whaticket messages, Cal.com bookings, payment
events). Each verifies its sender before reading anything else."""

from __future__ import annotations

from quart import Blueprint

from web.hooks import billing, calcom, whaticket

bp = Blueprint("hooks", __name__)
for area in (whaticket, calcom, billing):
    bp.register_blueprint(area.bp)
