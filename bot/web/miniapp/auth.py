"""Who is asking: ``POST /app/api/session`` turns a Telegram initData into a session, and every other API
request names its session with ``Authorization: Bearer <token>``.

Cross-site requests cannot act: there are no cookies (the token lives in the app's memory, never ambient), a
request that changes state must be JSON (a form cannot send that without a preflight, and no CORS header is ever
sent), and a request that names an ``Origin`` must come from the app's own.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from bot.core.init_data import InitDataRefused, validate_init_data
from bot.i18n import locale_from_telegram
from bot.service.app_sessions import LiveSession, SessionRefused, open_session, session_of
from bot.web.miniapp.answers import ApiError, answer
from bot.web.miniapp.context import context
from bot.web.miniapp.records import person
from bot.web.miniapp.strings import app_strings

MAX_BODY = 64 << 10
"""A request body larger than this is refused: the largest (a template's text) is a few KB."""


async def json_body(request: web.Request) -> dict[str, Any]:
    """The body of a state-changing request, after the checks against cross-site requests."""
    origin = request.headers.get("Origin")
    if origin is not None and origin != context(request).settings.miniapp.origin:
        raise ApiError(403, "origin")
    if request.content_type != "application/json":
        raise ApiError(415, "json_required")
    if (request.content_length or 0) > MAX_BODY:
        raise ApiError(413, "too_large")
    try:
        body = await request.json()
    except ValueError:
        raise ApiError(400, "bad_json") from None
    if not isinstance(body, dict):
        raise ApiError(400, "bad_json")
    return body


async def start_session(request: web.Request) -> web.Response:
    body = await json_body(request)
    raw = body.get("init_data")
    shared = context(request)
    at = shared.now()
    try:
        init = validate_init_data(
            raw if isinstance(raw, str) else "", shared.bot_token, at, shared.settings.miniapp.max_age
        )
    except InitDataRefused as exc:
        raise ApiError(401, exc.reason.value) from None
    chosen = await shared.moderation.chosen_locale(init.user_id)
    locale = chosen or locale_from_telegram(init.language_code) or shared.settings.moderator_locale
    try:
        opened = await open_session(
            shared.store, init, locale, shared.settings.policy, at, shared.settings.miniapp.max_age
        )
    except SessionRefused as exc:
        raise ApiError(403, exc.reason.value) from None
    t = shared.i18n.get(locale)
    return answer(
        {
            "token": opened.token,
            "expires_in": shared.settings.miniapp.max_age,
            "locale": locale,
            "dir": "rtl" if t.rtl else "ltr",
            "strings": app_strings(t),
            "me": {"role": opened.role.value, **(person(opened.shown_as) or {})},
            "start": init.start_param,
        }
    )


async def moderator(request: web.Request) -> LiveSession:
    """The session the request names, its user moderating now; else ApiError 401 (no live session) or 403."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.casefold() != "bearer" or not token:
        raise ApiError(401, "no_session")
    shared = context(request)
    session = await session_of(shared.store, token.strip(), shared.now(), shared.settings.miniapp.max_age)
    if session is None:
        raise ApiError(401, "no_session")
    if session.role is None:
        raise ApiError(403, "not_moderator")
    return session
