-- Pictures: PDQ hashes (64 hex digits) of report photos and of reported accounts' profile photos. Kuzet keeps
-- hashes and Telegram file ids, never image bytes.
--   images           a group of near-identical pictures (within the Hamming threshold of its first one), as
--                    clusters group texts: its first hash, and the file id a card shows it by.
--   report_images    the photo a report carried: its hash, quality and file id, and the group it joined. Kept
--                    as long as the report's text (retention clears both).
--   account_images   the latest profile photo seen on a reported account.
--   shared_avatars   two reported accounts whose profile photos match: (account, other) both ways.
--   image_bank       pictures moderators named: 'campaign' (a known campaign image) or 'negative' (flags, logos,
--                    common memes: they never count as a match alone).
--   cases.image_id   the picture group of an image case (kind 'image').
INSERT INTO id_sequences (name, last_value) VALUES ('images', 0);
INSERT INTO id_sequences (name, last_value) VALUES ('image_bank', 0);

CREATE TABLE images (
    id INTEGER PRIMARY KEY,
    pdq TEXT NOT NULL,
    file_id TEXT,
    created_at BIGINT NOT NULL
);

CREATE TABLE report_images (
    report_id INTEGER PRIMARY KEY REFERENCES reports (id) ON DELETE CASCADE,
    pdq TEXT NOT NULL,
    quality INTEGER NOT NULL,
    file_id TEXT NOT NULL,
    image_id INTEGER REFERENCES images (id),
    bank_id INTEGER,
    created_at BIGINT NOT NULL
);

CREATE INDEX report_images_by_image ON report_images (image_id);

CREATE TABLE account_images (
    account_id INTEGER PRIMARY KEY REFERENCES accounts (id),
    pdq TEXT NOT NULL,
    quality INTEGER NOT NULL,
    file_id TEXT NOT NULL,
    seen_at BIGINT NOT NULL
);

CREATE TABLE shared_avatars (
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    other_account_id INTEGER NOT NULL REFERENCES accounts (id),
    distance INTEGER NOT NULL,
    found_at BIGINT NOT NULL,
    PRIMARY KEY (account_id, other_account_id)
);

CREATE TABLE image_bank (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    pdq TEXT NOT NULL,
    label TEXT,
    file_id TEXT,
    case_id INTEGER,
    enabled SMALLINT NOT NULL DEFAULT 1,
    created_by TEXT,
    created_at BIGINT NOT NULL
);

ALTER TABLE cases ADD COLUMN image_id INTEGER;
