-- The moderators' Mini App: one row per session opened with a Telegram initData (bot/web/miniapp/).
--   token_hash   SHA-256 of the bearer token the app holds; never the token itself.
--   init_hash    the initData's own hash: the same initData cannot open a second session (a replay) while the
--                row lasts, and it lasts at least as long as the initData is fresh enough to be accepted.
--   expires_at   the session ends when idle this long (MINIAPP_MAX_AGE after it was last used); retention
--                deletes rows past it.
CREATE TABLE miniapp_sessions (
    token_hash TEXT PRIMARY KEY,
    init_hash TEXT NOT NULL UNIQUE,
    user_id BIGINT NOT NULL,
    locale TEXT NOT NULL,
    start_param TEXT,
    created_at BIGINT NOT NULL,
    used_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);

CREATE INDEX miniapp_sessions_by_expiry ON miniapp_sessions (expires_at);
