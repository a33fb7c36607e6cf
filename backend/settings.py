"""Settings read from the environment (see docs/contracts.md)."""

from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from backend.services.bot_knowledge import DEFAULT_KNOWLEDGE_DIR


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LOTSE_", populate_by_name=True, extra="ignore")

    var_dir: Path = Field(default=Path("var"), validation_alias=AliasChoices("var_dir", "LOTSE_VAR_DIR"))
    database_url: str = Field(default="", validation_alias=AliasChoices("database_url", "DATABASE_URL"))
    profile: Literal["dev", "production"] = "dev"
    # the dev profile makes accounts with known credentials: never on PostgreSQL (production's database)
    # unless explicitly allowed, which only the test suite does for its throw-away databases
    allow_dev_profile_on_postgresql: bool = False
    api_token_days: int = Field(default=365, ge=1)  # lifetime of tokens made by the CLI and the users API
    first_response_target_hours: int = Field(default=48, ge=1, le=24 * 30)
    retention_days: int = Field(default=180, ge=1)
    insights_retention_days: int = Field(default=396, ge=1)  # anonymised conversation facts: 13 months
    # a ticket never closed is anonymised this many days after it was created (an abandoned case)
    open_ticket_retention_days: int = Field(default=365, ge=1)
    max_request_bytes: int = Field(default=256 * 1024, ge=1024)
    # the bot's knowledge files, read as data (never imported): labels (checklist, municipalities) and
    # the admins' list of facts to update (facts.yml)
    knowledge_dir: Path = DEFAULT_KNOWLEDGE_DIR
    # staff UI
    session_minutes: int = Field(default=8 * 60, ge=5)
    secure_cookies: bool = False
    # failed logins: free ones per account and per client address, then a doubling delay (no lockout)
    login_free_failures_per_user: int = Field(default=3, ge=0)
    login_free_failures_per_address: int = Field(default=20, ge=0)
    login_delay_base_seconds: float = Field(default=1.0, ge=0)
    login_delay_max_seconds: float = Field(default=30.0, ge=0)
    login_failure_window_minutes: int = Field(default=15, ge=1)
    # proxies whose X-Forwarded-For is believed (addresses or networks, comma-separated)
    trusted_proxies: str = ""
    # wrong candidate link codes in the same window, per bot conversation and per client address (the
    # codes have 60 bits: no limit over all senders, which would let one client block every candidate)
    link_max_failures_per_sender: int = Field(default=5, ge=1)
    # failed status lookups in the same window: per conversation and per client address, and over all
    status_lookup_max_failures_per_requester: int = Field(default=5, ge=1)
    status_lookup_max_failures_per_reference: int = Field(default=50, ge=1)
    # forwarding to the Zentralstelle: an HTTP endpoint (HMAC-signed) or SMTP
    forward_url: str = ""
    forward_hmac_secret: str = ""
    forward_smtp_host: str = ""
    forward_smtp_port: int = 587
    forward_smtp_user: str = ""  # SMTP goes only over STARTTLS and with this login
    forward_smtp_password: str = ""
    forward_smtp_ca_file: str = ""  # a CA to trust besides the system's (tests, a private CA)
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

    @model_validator(mode="after")
    def default_database_in_var_dir(self) -> "Settings":
        if not self.database_url:
            self.database_url = f"sqlite:///{self.var_dir / 'backend.sqlite3'}"
        problems = unsafe_combinations(self)
        if problems:
            raise ValueError("; ".join(problems))
        if self.profile == "production":
            self.secure_cookies = True
        return self

    @property
    def credentials_file(self) -> Path:
        return self.var_dir / "dev-credentials.json"


def unsafe_combinations(settings: Settings) -> list[str]:
    """What production must not run with, and the development defaults that must not reach it."""
    problems = []
    if (
        settings.profile == "dev"
        and settings.database_url.startswith("postgresql")
        and not settings.allow_dev_profile_on_postgresql
    ):
        problems.append("DATABASE_URL is PostgreSQL but LOTSE_PROFILE is dev (which creates development accounts)")
    if settings.profile != "production":
        return problems
    if settings.forward_url and not settings.forward_url.startswith("https://"):
        problems.append("LOTSE_FORWARD_URL must be https:// in production")
    if settings.forward_url and not settings.forward_hmac_secret:
        problems.append("LOTSE_FORWARD_HMAC_SECRET must be set in production")
    if settings.forward_smtp_host and not (settings.forward_smtp_user and settings.forward_smtp_password):
        problems.append("LOTSE_FORWARD_SMTP_USER and LOTSE_FORWARD_SMTP_PASSWORD must be set in production")
    return problems
