-- Several bot processes sharing one database (PostgreSQL; SQLite keeps the same tables, one process uses them).
--   matcher_changes  each template, negative phrase and cluster the matcher gained (text set) or lost (text
--                    NULL), in order. Every process applies those it has not seen yet, before matching a
--                    report and once a second, so all processes match alike. Kept an hour (retention).
--   send_pace        the next moment a message may go to Telegram (seconds, the database's clock), shared by
--                    every process: Telegram's ~30 messages a second are per bot, not per process.
CREATE TABLE matcher_changes (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    item_id INTEGER NOT NULL,
    text TEXT,
    language TEXT,
    at BIGINT NOT NULL
);

INSERT INTO id_sequences (name, last_value) VALUES ('matcher_changes', 0);

CREATE TABLE send_pace (
    name TEXT PRIMARY KEY,
    next_at DOUBLE PRECISION NOT NULL
);

INSERT INTO send_pace (name, next_at) VALUES ('telegram', 0);
