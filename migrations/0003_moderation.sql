-- Moderation: roles, cases and their votes, the append-only audit log,
-- follow-up requests, template drafts, and how each report was matched.

INSERT INTO id_sequences (name, last_value) VALUES ('cases', 0);
INSERT INTO id_sequences (name, last_value) VALUES ('audit_log', 0);
INSERT INTO id_sequences (name, last_value) VALUES ('template_drafts', 0);

-- Who may moderate. Moderators act under their Telegram id: their decisions
-- must be attributable. Admins are written here from ADMIN_IDS at start.
CREATE TABLE roles (
    user_id BIGINT PRIMARY KEY,
    role TEXT NOT NULL,
    name TEXT,
    added_by BIGINT,
    added_at BIGINT NOT NULL
);

-- What moderators decide on: a cluster of similar reports, or one reported account.
CREATE TABLE cases (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    cluster_id INTEGER UNIQUE REFERENCES clusters (id),
    account_id INTEGER UNIQUE REFERENCES accounts (id),
    status TEXT NOT NULL,
    reason_code TEXT,
    reason TEXT,
    opened_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    decided_at BIGINT,
    decided_by BIGINT,
    template_id INTEGER REFERENCES templates (id),
    card_chat_id BIGINT,
    card_message_id BIGINT
);

CREATE INDEX cases_by_status ON cases (status, updated_at);

CREATE TABLE case_reports (
    case_id INTEGER NOT NULL REFERENCES cases (id),
    report_id INTEGER NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    PRIMARY KEY (case_id, report_id)
);

CREATE INDEX case_reports_by_report ON case_reports (report_id);

-- One vote per moderator per case; a moderator may change it while the case is open.
CREATE TABLE case_votes (
    case_id INTEGER NOT NULL REFERENCES cases (id),
    moderator_id BIGINT NOT NULL,
    vote TEXT NOT NULL,
    voted_at BIGINT NOT NULL,
    PRIMARY KEY (case_id, moderator_id)
);

-- Every moderator action, never changed or deleted (each engine's trigger: <engine>/0003_moderation.sql).
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at BIGINT NOT NULL,
    actor_id BIGINT,
    action TEXT NOT NULL,
    case_id INTEGER,
    subject TEXT,
    before_value TEXT,
    after_value TEXT
);

-- A reporter asked to hear the outcome of a report. The raw chat id is kept
-- only until the outcome is delivered (or the reporter asks to be forgotten).
CREATE TABLE follow_ups (
    report_id INTEGER PRIMARY KEY REFERENCES reports (id) ON DELETE CASCADE,
    chat_id BIGINT NOT NULL,
    locale TEXT NOT NULL,
    asked_at BIGINT NOT NULL
);

-- A template being made from a case: moderators may correct its text by replying.
CREATE TABLE template_drafts (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases (id),
    text TEXT NOT NULL,
    chat_id BIGINT NOT NULL,
    message_id BIGINT,
    created_by BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    saved_template_id INTEGER REFERENCES templates (id)
);

CREATE INDEX template_drafts_by_message ON template_drafts (chat_id, message_id);

-- How the report's text was matched: template, cluster, new, or generic (the negative bank).
ALTER TABLE reports ADD COLUMN matched TEXT;

CREATE INDEX reports_by_time ON reports (created_at);
