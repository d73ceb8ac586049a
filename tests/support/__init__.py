"""Plain helpers the tests share. Fixtures live in the conftest.py files; what a test calls
lives here, one module per subject, so that no test module imports another:

- paths: the repository root and the wire-contract fixtures
- webhooks: signed Whaticket deliveries (bodies, headers, posting them)
- api: a bearer token for the JSON API
- panel: logging in to the panel and its CSRF token, htmx headers
- chat: a customer writing and the secretary's replies; a conversation to work on
- jobs: a job's context for calling jobs directly, a real SAQ worker in the test loop
- waiting: polling until something another task or process does is visible
- clock: moments relative to now, computed when a test runs (never at collection)
- agenda: a company on the local calendar, booking and dispatching reminders
- browser: steps of the real-browser journeys
"""
