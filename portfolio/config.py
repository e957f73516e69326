"""Settings, from environment variables (prefix PORTFOLIO_) and, in the app, Streamlit secrets."""

from pathlib import Path
from typing import Any

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = PROJECT_ROOT / "data"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PORTFOLIO_", extra="ignore")

    data_dir: Path = Field(default=DEFAULT_DATA_DIR, description="Folder for the embedded SQLite database.")
    database_url: str = Field(
        default="",
        description="SQLAlchemy URL, e.g. postgresql+psycopg://user:pass@host/db. Empty: SQLite in data_dir.",
    )
    demo_on_first_start: bool = Field(
        default=True, description="Load the demo portfolio when the app starts on an empty database."
    )
    local_person_email: str = Field(
        default="admin@example.org",
        description="The first administrator, created with every role on first start: in local mode the app "
        "acts as this person; with sign-in, whoever signs in with this e-mail is that administrator.",
    )
    local_person_name: str = Field(default="Local administrator")
    require_sign_in: bool | None = Field(
        default=None,
        description="Refuse to start without sign-in configured. Unset: required when the database is "
        "PostgreSQL (a shared deployment), not for the SQLite file of a single person.",
    )
    admit_new_people: bool = Field(
        default=True,
        description="With sign-in: someone signing in for the first time is added as a viewer. False: only "
        "people an administrator added may sign in.",
    )
    trust_provider_emails: bool = Field(
        default=False,
        description="With sign-in: accept an e-mail the provider sends without an email_verified claim "
        "(Microsoft Entra ID sends none; its e-mails come from the organisation's directory).",
    )
    busy_timeout_ms: int = Field(default=10_000, ge=0, description="SQLite: how long a writer waits.")

    @field_validator("database_url")
    @classmethod
    def _normalise_postgres_url(cls, value: str) -> str:
        value = value.strip()
        # Hosted PostgreSQL services hand out postgres:// URLs; SQLAlchemy needs the driver named.
        for prefix in ("postgres://", "postgresql://"):
            if value.startswith(prefix):
                return "postgresql+psycopg://" + value[len(prefix) :]
        return value

    @property
    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'portfolio.db'}"

    @property
    def sign_in_required(self) -> bool:
        if self.require_sign_in is not None:
            return self.require_sign_in
        return self.effective_database_url.startswith("postgresql")


def load_settings(**overrides: Any) -> Settings:
    """Environment first; explicit overrides (e.g. from Streamlit secrets) win where given."""
    return Settings(**{k: v for k, v in overrides.items() if v not in (None, "")})
