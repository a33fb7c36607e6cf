"""Settings read from the environment (see docs/contracts.md)."""

from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LOTSE_", populate_by_name=True, extra="ignore")

    var_dir: Path = Field(default=Path("var"), validation_alias=AliasChoices("var_dir", "LOTSE_VAR_DIR"))
    database_url: str = Field(default="", validation_alias=AliasChoices("database_url", "DATABASE_URL"))
    profile: Literal["dev", "production"] = "dev"
    first_response_target_hours: int = Field(default=48, ge=1, le=24 * 30)
    retention_days: int = Field(default=180, ge=1)
    max_request_bytes: int = Field(default=256 * 1024, ge=1024)

    @model_validator(mode="after")
    def default_database_in_var_dir(self) -> "Settings":
        if not self.database_url:
            self.database_url = f"sqlite:///{self.var_dir / 'backend.sqlite3'}"
        return self

    @property
    def credentials_file(self) -> Path:
        return self.var_dir / "dev-credentials.json"
