"""ASGI entry point for Hypercorn: `hypercorn web.asgi:app`."""

from web.app import create_app

app = create_app()
