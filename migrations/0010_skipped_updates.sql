-- Updates the bot gave up on, so one bad update never stops polling (never their content):
--   skipped_updates  an update that could not be parsed, or whose handling kept failing: confirmed to
--                    Telegram without being handled; its id, its kind (the top-level key) and the error;
--   update_attempts  how often an update Telegram delivered again after a start has been tried: one that
--                    kills the bot every time is skipped after a few tries instead of looping forever.
CREATE TABLE skipped_updates (
    update_id BIGINT PRIMARY KEY,
    kind TEXT NOT NULL,
    error TEXT NOT NULL,
    skipped_at BIGINT NOT NULL
);

CREATE TABLE update_attempts (
    update_id BIGINT PRIMARY KEY,
    attempts INTEGER NOT NULL
);
