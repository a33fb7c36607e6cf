"""Settings read from the environment (see docs/contracts.md)."""

from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# The bot's knowledge file, read as data for the admins' list of facts to update (never imported).
DEFAULT_KNOWLEDGE_FILE = Path(__file__).resolve().parent.parent / "bot" / "knowledge" / "facts.yml"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LOTSE_", populate_by_name=True, extra="ignore")

    var_dir: Path = Field(default=Path("var"), validation_alias=AliasChoices("var_dir", "LOTSE_VAR_DIR"))
    database_url: str = Field(default="", validation_alias=AliasChoices("database_url", "DATABASE_URL"))
    profile: Literal["dev", "production"] = "dev"
    first_response_target_hours: int = Field(default=48, ge=1, le=24 * 30)
    retention_days: int = Field(default=180, ge=1)
    max_request_bytes: int = Field(default=256 * 1024, ge=1024)
    # staff UI
    session_minutes: int = Field(default=8 * 60, ge=5)
    secure_cookies: bool = False
    login_max_failures_per_user: int = Field(default=5, ge=1)
    login_max_failures_per_address: int = Field(default=50, ge=1)
    login_failure_window_minutes: int = Field(default=15, ge=1)
    # wrong candidate link codes in the same window: per bot conversation and over all of them
    link_max_failures_per_sender: int = Field(default=5, ge=1)
    link_max_failures_overall: int = Field(default=200, ge=1)
    # forwarding to the Zentralstelle: an HTTP endpoint (HMAC-signed) or SMTP
    forward_url: str = ""
    forward_hmac_secret: str = ""
    forward_smtp_host: str = ""
    forward_smtp_port: int = 25
    forward_mail_from: str = ""
    forward_mail_to: str = ""
    forward_worker: bool = True
    forward_poll_seconds: float = Field(default=5.0, gt=0)
    forward_max_attempts: int = Field(default=8, ge=1)
    forward_backoff_seconds: float = Field(default=30.0, gt=0)
    # status notices to the bot's webhook (HMAC-signed); no URL or no secret: recorded, not sent
    status_webhook_url: str = ""
    status_webhook_secret: str = ""
    status_notice_max_attempts: int = Field(default=10, ge=1)
    status_notice_backoff_seconds: float = Field(default=10.0, gt=0)
    knowledge_file: Path = DEFAULT_KNOWLEDGE_FILE

    @model_validator(mode="after")
    def default_database_in_var_dir(self) -> "Settings":
        if not self.database_url:
            self.database_url = f"sqlite:///{self.var_dir / 'backend.sqlite3'}"
        return self

    @property
    def credentials_file(self) -> Path:
        return self.var_dir / "dev-credentials.json"
