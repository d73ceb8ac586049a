"""The one settings object. Read once at start (`Settings()`), then passed down.

Every secret may also come from a file: `FOO_FILE=/run/secrets/foo` fills `FOO`
(Docker/Kubernetes secrets). Nothing else in the code base reads `os.environ`.
"""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic.fields import FieldInfo
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)


class FileSecretsSource(PydanticBaseSettingsSource):
    """Fills `NAME` from the file named by `NAME_FILE`, for every field."""

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        path = os.environ.get(f"{field_name.upper()}_FILE")
        if not path:
            return None, field_name, False
        return Path(path).read_text(encoding="utf-8").strip(), field_name, False

    def __call__(self) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for name, field in self.settings_cls.model_fields.items():
            value, key, _ = self.get_field_value(field, name)
            if value is not None:
                values[key] = value
        return values


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=False
    )

    env: Literal["development", "test", "production"] = "development"

    # Infrastructure. Unset in development means: start embedded servers under data_dir.
    database_url: str | None = None
    redis_url: str | None = None
    data_dir: Path = Path("var")
    redis_namespace: str = Field(default="sv", pattern=r"^[a-z][a-z0-9_]{0,30}$")
    db_pool_size: int = 10
    db_max_overflow: int = 10

    # Web
    host: str = "127.0.0.1"
    port: int = 8080
    # Web server processes: one per core by default, so the webhook uses the whole host (one
    # Python process is one core at most); the worker runs niced beside them (worker_nice).
    web_workers: int = Field(default_factory=lambda: available_cores(), ge=1, le=64)
    # Where outside systems (Whaticket, Cal.com, people) reach us, e.g. https://painel.clinica.com.br;
    # unset: each URL the product shows is built from the request's own scheme and host.
    public_base_url: str | None = None
    secret_key: SecretStr | None = None
    access_log: bool = True
    # Slowloris: Hypercorn drops a request that sends nothing for this long while it still
    # owes bytes (per read: a slow but progressing client is served), ...
    web_read_timeout_seconds: int = Field(default=10, ge=1, le=300)
    # ... and a connection that has not sent complete headers (or idles between requests).
    web_keep_alive_seconds: int = Field(default=5, ge=1, le=300)

    # API authentication (T5)
    access_token_ttl_seconds: int = Field(default=3600, ge=60, le=86400)
    # Failed logins allowed per e-mail per window (5x that per client address).
    login_max_failures: int = Field(default=10, ge=1)
    login_window_seconds: int = Field(default=900, ge=1)
    # An access token's user (active, still holding its role) is re-checked in the database
    # at most this often per process: deactivation or removal takes effect within it.
    auth_recheck_seconds: float = Field(default=5.0, ge=0, le=60)

    # Outgoing calls to URLs a company sets (Whaticket, Cal.com, alert URL) may reach
    # loopback and private networks only when this is true; unset means true in development
    # and test (local fakes) and false in production. Cloud metadata is refused always.
    allow_private_targets: bool | None = None

    # Worker
    # Jobs a worker runs at once. A reply mostly waits on Gemini and Whaticket, so many run
    # side by side in one process; CPU, not this number, should be the limit.
    worker_concurrency: int = Field(default=100, ge=1, le=500)
    # When `make run` puts web and workers on one host, workers run at this lower CPU
    # priority: under a burst the webhook keeps answering fast and the backlog drains after.
    worker_nice: int = Field(default=10, ge=0, le=19)
    # SAQ's stop waits this long for *all* its tasks (idle upkeep loops included) before
    # cancelling; a cancelled job is retried and our jobs are idempotent, so keep it short.
    worker_shutdown_grace_seconds: int = Field(default=5, ge=0)
    sweeper_grace_seconds: int = Field(default=30, ge=1)
    # A worker renews its lease every tenth of this; a job held by a worker whose lease lapsed
    # (killed, or cut off from Redis) runs again at most this long (plus a sweep) later.
    worker_lease_seconds: int = Field(default=30, ge=5, le=600)
    # Anti-flood: replies to at most this many messages per contact per minute (P8).
    flood_max_per_minute: int = Field(default=8, ge=1)
    # Short-term memory (P1): the last turns per contact kept in Redis for this long.
    memory_turns: int = Field(default=10, ge=1, le=100)
    memory_ttl_seconds: int = Field(default=24 * 3600, ge=60)
    sweeper_batch: int = Field(default=1000, ge=1)

    # Webhook (W1-W6)
    shared_secret: SecretStr | None = None
    webhook_token: SecretStr | None = None
    webhook_tolerance_seconds: int = 300
    webhook_max_body_bytes: int = 64 * 1024

    # Whaticket (defaults of the demo company; a company's own settings override them)
    whaticket_base_url: str | None = None
    whaticket_token: SecretStr | None = None
    whaticket_email: str | None = None
    whaticket_password: SecretStr | None = None
    whaticket_timeout_seconds: float = Field(default=15.0, gt=0)

    # Gemini (defaults of the demo company; a company's own settings override them)
    gemini_api_key: SecretStr | None = None
    gemini_model: str = "gemini-2.5-flash"
    gemini_base_url: str | None = None
    gemini_timeout_seconds: float = Field(default=20.0, gt=0)

    # Cal.com (G1): the demo company's defaults; a company's own settings override them.
    # CAL_API_BASE_URL ends in /v2 (API v2) or /api/v1 (older self-hosted instances).
    cal_api_base_url: str | None = None
    cal_api_key: SecretStr | None = None
    cal_event_type_id: int | None = None
    cal_webhook_secret: SecretStr | None = None
    cal_default_user_id: int | None = None
    cal_default_days_ahead: int = Field(default=7, ge=1, le=60)
    cal_timeout_seconds: float = Field(default=15.0, gt=0)

    # Reminders and no-show (G5, G6): every company's defaults; its agenda settings override.
    # Minutes before the start, comma-separated ("1440,60" = 24 h and 1 h before).
    reminder_offsets_minutes: str = Field(default="1440,60", pattern=r"^\d+(,\d+)*$")
    # An appointment not confirmed nor checked in this long after its end is a no-show.
    no_show_grace_minutes: int = Field(default=30, ge=0, le=24 * 60)
    # Reminders claimed per transaction by the dispatcher.
    reminder_batch: int = Field(default=500, ge=1, le=5000)

    # Pós-Atendimento (G7): every company's defaults; its "followup" settings override.
    # Minutes after an appointment's end before its follow-up goes out.
    followup_delay_minutes: int = Field(default=60, ge=0, le=7 * 24 * 60)
    # Local hours no follow-up is sent in ("21:00-08:00": it waits until 08:00).
    followup_quiet_hours: str = Field(
        default="21:00-08:00", pattern=r"^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$"
    )
    # Every Nth follow-up asks the NPS question (0-10) instead of CSAT (1-5); 0: never.
    followup_nps_every: int = Field(default=5, ge=0, le=1000)
    # Follow-ups claimed per transaction by the dispatcher.
    followup_batch: int = Field(default=200, ge=1, le=5000)

    # Billing (T3): the estimated cost of usage, in the plans' currency
    billing_cost_per_message: Decimal = Field(default=Decimal("0.05"), ge=0)
    billing_cost_per_thousand_tokens: Decimal = Field(default=Decimal("0.02"), ge=0)
    # Payment providers (T4): the demo company's defaults; a company's own settings override.
    stripe_webhook_secret: SecretStr | None = None
    mercadopago_webhook_secret: SecretStr | None = None
    mercadopago_access_token: SecretStr | None = None
    mercadopago_api_base_url: str | None = None

    # Bootstrap
    admin_email: str = "admin@example.com"
    admin_password: SecretStr | None = None
    default_timezone: str = "America/Sao_Paulo"

    # Logs and metrics
    log_level: str = "INFO"
    log_json: bool = True
    metrics_flush_seconds: float = Field(default=1.0, gt=0)
    # Bearer token Prometheus sends to /metrics; unset: /metrics answers loopback clients only.
    metrics_token: SecretStr | None = None

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Explicit values, then the environment, then *_FILE, then .env.
        assert isinstance(env_settings, EnvSettingsSource)
        return (init_settings, env_settings, FileSecretsSource(settings_cls), dotenv_settings)

    @field_validator("database_url", "redis_url", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: Any) -> Any:
        return value or None

    @model_validator(mode="after")
    def _refuse_insecure_production(self) -> Settings:
        if self.env != "production":
            return self
        missing = [
            name
            for name, value in (
                ("DATABASE_URL", self.database_url),
                ("REDIS_URL", self.redis_url),
                ("SECRET_KEY", self.secret_key),
            )
            if not value
        ]
        if missing:
            raise ValueError(f"production needs {', '.join(missing)}")
        assert self.secret_key is not None
        if len(self.secret_key.get_secret_value()) < 32:
            raise ValueError("SECRET_KEY must be at least 32 characters in production")
        return self

    @property
    def private_targets_allowed(self) -> bool:
        """Whether company URLs may point at loopback or private networks (see above)."""
        if self.allow_private_targets is not None:
            return self.allow_private_targets
        return self.env != "production"

    @property
    def signing_key(self) -> str:
        """The key of our access tokens (SECRET_KEY; `make run` generates one in development)."""
        if not self.secret_key:
            raise RuntimeError("SECRET_KEY is not set: access tokens cannot be signed")
        return self.secret_key.get_secret_value()

    @property
    def async_database_url(self) -> str:
        """DATABASE_URL with the asyncpg driver, whatever scheme the user wrote."""
        if not self.database_url:
            raise RuntimeError("DATABASE_URL is not set (embedded servers start only via scripts)")
        return to_asyncpg_url(self.database_url)


def available_cores() -> int:
    """Cores this process may run on (its CPU affinity, e.g. a container's cpuset)."""
    try:
        return max(1, min(64, len(os.sched_getaffinity(0))))
    except AttributeError:  # not on Linux
        return max(1, min(64, os.cpu_count() or 1))


def to_asyncpg_url(url: str) -> str:
    """`postgres://` and `postgresql://` become `postgresql+asyncpg://`."""
    for prefix in ("postgresql+asyncpg://", "postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+asyncpg://" + url[len(prefix) :]
    raise ValueError("DATABASE_URL must be a postgresql:// URL")
