"""`python -m tasks tasks.worker.settings`: SAQ's own command line, on uvloop.

A worker process spends most of its CPU moving bytes between sockets (PostgreSQL, Redis,
Gemini, Whaticket); uvloop's event loop does that in C. SAQ creates its loop with
`asyncio.new_event_loop()`, which honours the policy set here.
"""

from __future__ import annotations

import asyncio
import sys

from saq.__main__ import main

if sys.platform != "win32":
    import uvloop

    asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())

main()
