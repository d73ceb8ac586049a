"""Imports every model module so both metadata objects are complete (Alembic, create_all)."""

from domain.agenda import models as agenda  # noqa: F401
from domain.auth import models as auth  # noqa: F401
from domain.billing import models as billing  # noqa: F401
from domain.conversations import models as conversations  # noqa: F401
from domain.feedback import models as feedback  # noqa: F401
from domain.insights import models as insights  # noqa: F401
from domain.operations import models as operations  # noqa: F401
from domain.tenancy import models as tenancy  # noqa: F401
