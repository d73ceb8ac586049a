"""A fake Cal.com: API v2 under /v2 and API v1 under /api/v1, after tests/fixtures/calcom.

Bookings live in memory: a booked time leaves later slot lists, a reschedule makes a booking
with a new uid and cancels the old one, a cancel marks the booking cancelled. Answers are the
fixture files with this booking's values written over them, so their shapes are Cal.com's.
Auth is checked as Cal.com does (Bearer for v2, `?apiKey=` for v1), and so is v2's
`cal-api-version` header. `script` (or `fail_next`) makes the next calls fail.
"""

from tests.fakes.calcom.bookings import FIXTURES, FakeBooking
from tests.fakes.calcom.fake import FakeCalcom

__all__ = ["FIXTURES", "FakeBooking", "FakeCalcom"]
