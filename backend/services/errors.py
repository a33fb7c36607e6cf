"""Errors the services raise; the API turns them into JSON error bodies."""

from typing import Any


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, details: list[Any] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details or []


def not_found() -> ApiError:
    return ApiError(404, "not_found", "No such resource.")
