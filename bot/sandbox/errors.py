"""The Bot API's error answers: ``ok`` false, ``error_code`` and ``description``, and ``retry_after`` for 429s."""

from typing import Any


class ApiError(Exception):
    """A Bot API error answer."""

    def __init__(self, status: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
        if retry_after is not None:
            self.body["parameters"] = {"retry_after": retry_after}
        self.status = status


def bad(description: str) -> ApiError:
    """A 400 Bad Request answer."""
    return ApiError(400, f"Bad Request: {description}")
