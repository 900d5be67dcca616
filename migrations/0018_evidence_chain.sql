-- The evidence chain: each published digest adds one link. A link lists, in sha256sum's format (its
-- "SHA256SUMS" file), the previous link, the digest's frozen JSON and a record of each verified case it is
-- the first to cover; the link is the SHA-256 of that list. Rows are never changed or deleted (each engine's
-- trigger: <engine>/0018_evidence_chain.sql).

CREATE TABLE evidence_links (
    seq INTEGER PRIMARY KEY,
    digest_id INTEGER NOT NULL UNIQUE REFERENCES digests (id),
    period TEXT NOT NULL,
    previous TEXT NOT NULL,
    digest_json TEXT NOT NULL,
    digest_sha256 TEXT NOT NULL,
    manifest TEXT NOT NULL,
    link TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL
);

-- A case's record as it was when the link was made (canonical JSON, the exact bytes published). A case
-- verified again after a reopen is recorded again by the next link, under its new decided_at.
CREATE TABLE evidence_cases (
    seq INTEGER NOT NULL REFERENCES evidence_links (seq),
    case_id INTEGER NOT NULL,
    decided_at BIGINT NOT NULL,
    record TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    PRIMARY KEY (seq, case_id)
);

CREATE INDEX evidence_cases_by_case ON evidence_cases (case_id, decided_at);
