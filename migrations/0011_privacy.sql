-- Opting out means out, and nothing of a forgotten person stays.
--   deliveries.chat_id        the raw chat id only while the delivery is pending: once it is done (sent, blocked,
--                             failed, or cancelled because the subscriber opted out) only what the tally needs is
--                             kept. The table is rebuilt because chat_id was part of its primary key.
--   deliveries.to_subscriber  1: the subscription is checked before each message; 0: the digest channel. Rows from
--                             before this migration: private chats (the only ones that subscribe) have positive ids.
--   reports.rate_key          what the hourly limit counts by: a keyed hash /forgetme does not unlink, kept only
--                             for the hour the limit looks back on (the retention job clears it).
CREATE TABLE deliveries_0011 (
    digest_id INTEGER NOT NULL REFERENCES digests (id),
    chat_id BIGINT,
    to_subscriber SMALLINT NOT NULL DEFAULT 1,
    locale TEXT NOT NULL,
    state TEXT NOT NULL,
    parts_sent INTEGER NOT NULL DEFAULT 0,
    attempts INTEGER NOT NULL DEFAULT 0,
    updated_at BIGINT NOT NULL,
    in_flight INTEGER NOT NULL DEFAULT 0,
    doubtful INTEGER NOT NULL DEFAULT 0,
    UNIQUE (digest_id, chat_id)
);

INSERT INTO deliveries_0011 (digest_id, chat_id, to_subscriber, locale, state, parts_sent, attempts, updated_at,
                             in_flight, doubtful)
SELECT digest_id, CASE WHEN state = 'pending' THEN chat_id END, CASE WHEN chat_id > 0 THEN 1 ELSE 0 END, locale,
       state, parts_sent, attempts, updated_at, in_flight, doubtful
FROM deliveries;

DROP TABLE deliveries;

ALTER TABLE deliveries_0011 RENAME TO deliveries;

CREATE INDEX deliveries_by_state ON deliveries (state, digest_id);

ALTER TABLE reports ADD COLUMN rate_key TEXT;

CREATE INDEX reports_by_rate_key ON reports (rate_key, created_at) WHERE rate_key IS NOT NULL;
