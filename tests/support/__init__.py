"""Plain helpers the tests share. Fixtures live in the conftest.py files; what a test calls
lives here, one module per subject, so that no test module imports another:

- factories: test data through the models and the domain (companies and their settings, the
  permission cast, contacts, conversations, messages, appointments, reminders)
- reads: what tests assert on, selected through the models (rows, values, counts)
- paths: the repository root and the wire-contract fixtures
- webhooks: signed Whaticket deliveries (bodies, headers, posting them)
- api: a bearer token for the JSON API
- panel: logging in to the panel and its CSRF token, htmx headers
- chat: a customer writing and the secretary's replies; a conversation to work on
- jobs: a job's context for calling jobs directly, a real SAQ worker in the test loop
- bursts: many customers writing at once, and how many replies each message got
- waiting: polling until something another task or process does is visible
- clock: moments relative to now, computed when a test runs (never at collection)
- agenda: a company on the local calendar, booking and dispatching reminders
- calcom: Cal.com's signed webhook deliveries and the client's test vectors
- hostile: hypothesis strategies for what strangers send (the recorded webhook bodies with
  hostile fields) and the seeded, bounded settings of the property tests
- processes: our scripts run as `make` runs them, in another process, and their output as it comes
- browser: steps of the real-browser journeys
"""
