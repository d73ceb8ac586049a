"""One settings object: environment, .env, *_FILE secrets, and no insecure production."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from domain.settings import Settings, to_asyncpg_url
from tests.support.paths import ROOT


def test_reads_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORT", "9000")
    monkeypatch.setenv("SHARED_SECRET", "from-env")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.port == 9000
    assert settings.shared_secret is not None
    assert settings.shared_secret.get_secret_value() == "from-env"


def test_reads_a_dotenv_file_and_the_environment_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("PORT=7000\nADMIN_EMAIL=dono@clinica.com.br\n")
    monkeypatch.setenv("PORT", "7001")
    settings = Settings(_env_file=env_file)  # type: ignore[call-arg]
    assert settings.admin_email == "dono@clinica.com.br"
    assert settings.port == 7001


def test_secrets_can_come_from_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    secret = tmp_path / "shared_secret"
    secret.write_text("from-file\n")
    monkeypatch.delenv("SHARED_SECRET", raising=False)
    monkeypatch.setenv("SHARED_SECRET_FILE", str(secret))
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.shared_secret is not None
    assert settings.shared_secret.get_secret_value() == "from-file"


def test_secrets_are_not_shown_in_repr(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHARED_SECRET", "do-not-print")
    assert "do-not-print" not in repr(Settings(_env_file=None))  # type: ignore[call-arg]


def test_production_refuses_insecure_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(ValidationError, match="DATABASE_URL, REDIS_URL, SECRET_KEY"):
        Settings(_env_file=None, env="production")  # type: ignore[call-arg]
    with pytest.raises(ValidationError, match="at least 32"):
        Settings(
            _env_file=None,  # type: ignore[call-arg]
            env="production",
            database_url="postgresql://db/x",
            redis_url="redis://r",
            secret_key="short",
        )


@pytest.mark.parametrize(
    "url",
    ["postgres://u@h/db", "postgresql://u@h/db", "postgresql+asyncpg://u@h/db"],
)
def test_database_urls_get_the_asyncpg_driver(url: str) -> None:
    assert to_asyncpg_url(url) == "postgresql+asyncpg://u@h/db"


def test_rejects_non_postgres_database_urls() -> None:
    with pytest.raises(ValueError):
        to_asyncpg_url("mysql://u@h/db")


def test_env_example_documents_every_setting() -> None:
    import re

    text = (ROOT / ".env.example").read_text()
    listed = set(re.findall(r"^#? ?([A-Z_]+)=", text, re.M))
    assert listed == {name.upper() for name in Settings.model_fields}
