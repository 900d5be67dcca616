-- The weekly digest: subscribers, digests (a frozen copy of what was published), and one
-- delivery row per (digest, chat) so a broadcast resumes after a restart without repeats.

INSERT INTO id_sequences (name, last_value) VALUES ('digests', 0);

-- A subscriber's raw chat id is kept only while they are subscribed.
CREATE TABLE subscribers (
    chat_id BIGINT PRIMARY KEY,
    pseudonym TEXT,
    locale TEXT NOT NULL,
    subscribed_at BIGINT NOT NULL
);

CREATE INDEX subscribers_by_pseudonym ON subscribers (pseudonym);

-- One digest per ISO week ('2026-W47'). Once published its data never changes.
CREATE TABLE digests (
    id INTEGER PRIMARY KEY,
    period TEXT NOT NULL UNIQUE,
    period_start BIGINT NOT NULL,
    period_end BIGINT NOT NULL,
    status TEXT NOT NULL,
    data TEXT,
    created_at BIGINT NOT NULL,
    published_at BIGINT,
    published_by BIGINT,
    progress_chat_id BIGINT,
    progress_message_id BIGINT
);

-- parts_sent counts the messages Telegram accepted (text pieces, then the chart), so a
-- resumed delivery continues with the next part instead of starting again.
CREATE TABLE deliveries (
    digest_id INTEGER NOT NULL REFERENCES digests (id),
    chat_id BIGINT NOT NULL,
    locale TEXT NOT NULL,
    state TEXT NOT NULL,
    parts_sent INTEGER NOT NULL DEFAULT 0,
    attempts INTEGER NOT NULL DEFAULT 0,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (digest_id, chat_id)
);

CREATE INDEX deliveries_by_state ON deliveries (state, digest_id);
