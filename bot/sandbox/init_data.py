"""initData as Telegram signs it when it opens a Mini App: the sandbox and the tests open the app with it."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from bot.core.init_data import data_signature


def signed_init_data(
    bot_token: str, user: dict[str, object], auth_date: int, start_param: str | None = None, **extra: str
) -> str:
    """The query string a Telegram client hands the app (``Telegram.WebApp.initData``) for ``user``."""
    fields = {"auth_date": str(auth_date), "user": json.dumps(user, separators=(",", ":"), ensure_ascii=False)}
    if start_param is not None:
        fields["start_param"] = start_param
    fields.update(extra)
    return urlencode({**fields, "hash": data_signature(fields, bot_token)})
