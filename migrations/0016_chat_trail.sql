-- A disappearing chat trail: the bot deletes a citizen's messages and its own answers in their private chat
-- after the delay they chose in /privacy (or the operator's CHAT_TRAIL_MINUTES).
--   reporters.trail_minutes  the citizen's choice: 0 off, else the delay in minutes; NULL: the operator's default.
--   chat_trail               one row per message still to delete: the raw chat id and message id are kept only
--                            until the message is deleted (or can no longer be: Telegram allows 48 hours), then
--                            the row goes; /forgetme drops the chat's rows too.
ALTER TABLE reporters ADD COLUMN trail_minutes INTEGER;

CREATE TABLE chat_trail (
    chat_id BIGINT NOT NULL,
    message_id BIGINT NOT NULL,
    sent_at BIGINT NOT NULL,
    due_at BIGINT NOT NULL,
    PRIMARY KEY (chat_id, message_id)
);

CREATE INDEX chat_trail_due ON chat_trail (due_at);
