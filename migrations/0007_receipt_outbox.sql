-- Receipts waiting to be sent. A report's receipt is queued as soon as the report is committed and
-- sent by bot.handlers.receipts at the flood limit's pace; in a burst, a citizen's waiting receipts
-- go out together as one message. The row, and with it the citizen's chat id, is deleted once
-- Telegram has accepted the receipt.
--   in_flight  set (and committed) before each send: after a hard kill, a receipt whose send
--              may have reached Telegram is known;
--   doubtful   it is being sent again after such a send (or after a timeout), so the citizen may
--              get it twice;
--   next_try_at  when it may be tried (again): now, or later after a failed send.
CREATE TABLE receipt_outbox (
    report_id BIGINT PRIMARY KEY REFERENCES reports (id) ON DELETE CASCADE,
    chat_id BIGINT NOT NULL,
    message_id BIGINT NOT NULL,
    locale TEXT NOT NULL,
    body TEXT NOT NULL,
    follow_up INTEGER NOT NULL,
    queued_at BIGINT NOT NULL,
    next_try_at BIGINT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    in_flight INTEGER NOT NULL DEFAULT 0,
    doubtful INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX receipt_outbox_due ON receipt_outbox (next_try_at, queued_at);
CREATE INDEX receipt_outbox_chat ON receipt_outbox (chat_id);

-- The receipt went out again after an interrupted send: the citizen may have it twice.
ALTER TABLE reports ADD COLUMN receipt_resent INTEGER NOT NULL DEFAULT 0;
