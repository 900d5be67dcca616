-- Account networks: the reported accounts that repeatedly act together (bot/core/networks.py says how).
--   network_actions   each account's current episode on an object ('cluster' or 'image' and its id): when it
--                     last acted on it and whether the episode co-acted with another account. Only the window
--                     matters, so rows older than it are deleted (retention).
--   network_accounts  how many co-action episodes each account took part in (participation).
--   network_edges     two accounts (a < b) and what they did together: co-actions on clusters and on pictures,
--                     whether they wear the same profile photo, whether one reporter reported both within the
--                     window. Never who reported.
--   networks          a network's stable number, its span and size, and what became of it (merged into another,
--                     split from one, ended).
--   network_members   the network each account is in now (one at most).
INSERT INTO id_sequences (name, last_value) VALUES ('networks', 0);

CREATE TABLE network_actions (
    kind TEXT NOT NULL,
    object_id BIGINT NOT NULL,
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    last_at BIGINT NOT NULL,
    co SMALLINT NOT NULL DEFAULT 0,
    PRIMARY KEY (kind, object_id, account_id)
);

CREATE INDEX network_actions_recent ON network_actions (kind, object_id, last_at);
CREATE INDEX network_actions_by_time ON network_actions (last_at);

CREATE TABLE network_accounts (
    account_id INTEGER PRIMARY KEY REFERENCES accounts (id),
    participation INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE network_edges (
    a INTEGER NOT NULL REFERENCES accounts (id),
    b INTEGER NOT NULL REFERENCES accounts (id),
    clusters INTEGER NOT NULL DEFAULT 0,
    images INTEGER NOT NULL DEFAULT 0,
    reported SMALLINT NOT NULL DEFAULT 0,
    avatar SMALLINT NOT NULL DEFAULT 0,
    first_at BIGINT NOT NULL,
    last_at BIGINT NOT NULL,
    PRIMARY KEY (a, b)
);

CREATE INDEX network_edges_by_b ON network_edges (b);

CREATE TABLE networks (
    number INTEGER PRIMARY KEY,
    status TEXT NOT NULL,
    accounts INTEGER NOT NULL,
    first_at BIGINT NOT NULL,
    last_at BIGINT NOT NULL,
    merged_into INTEGER,
    split_from INTEGER,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE network_members (
    account_id INTEGER PRIMARY KEY REFERENCES accounts (id),
    number INTEGER NOT NULL REFERENCES networks (number),
    joined_at BIGINT NOT NULL
);

CREATE INDEX network_members_by_number ON network_members (number);
