-- Kuzet schema, first version.
-- Portable SQL: SQLite now, PostgreSQL later. Ids come from id_sequences
-- (UPDATE ... RETURNING), not from engine-specific auto-increment; times are
-- Unix seconds (UTC) in BIGINT columns.

CREATE TABLE id_sequences (
    name TEXT PRIMARY KEY,
    last_value BIGINT NOT NULL
);

INSERT INTO id_sequences (name, last_value) VALUES ('reports', 0);
INSERT INTO id_sequences (name, last_value) VALUES ('accounts', 0);

-- Facts about the installation itself, e.g. a check value of the reporter key.
CREATE TABLE kuzet_meta (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- A reporter is known only by a keyed hash of their Telegram id.
CREATE TABLE reporters (
    pseudonym TEXT PRIMARY KEY,
    locale TEXT,
    first_seen_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL
);

-- A reported account: platform plus a normalised identity
-- ('@handle' lower-cased, 'id:<number>', 'name:<shown name>', ...).
CREATE TABLE accounts (
    id INTEGER PRIMARY KEY,
    platform TEXT NOT NULL,
    identity TEXT NOT NULL,
    handle TEXT,
    external_id TEXT,
    display_name TEXT,
    first_reported_at BIGINT NOT NULL,
    UNIQUE (platform, identity)
);

CREATE TABLE reports (
    id INTEGER PRIMARY KEY,
    reporter TEXT REFERENCES reporters (pseudonym) ON DELETE SET NULL,
    dedupe_key TEXT UNIQUE,
    kind TEXT NOT NULL,
    media TEXT,
    text TEXT,
    status TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE INDEX reports_by_reporter ON reports (reporter, created_at);

-- What a report points at: an account, a post, or both.
CREATE TABLE report_targets (
    report_id INTEGER NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    platform TEXT NOT NULL,
    account_id INTEGER REFERENCES accounts (id),
    post_id TEXT,
    via TEXT NOT NULL,
    PRIMARY KEY (report_id, position)
);

CREATE INDEX report_targets_by_account ON report_targets (account_id);
