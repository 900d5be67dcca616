-- Suggestions for moderators, and template families that learn.
--   suggestions                 a case whose text may be a known campaign said in other words or another
--                               language (below the automatic band): its cluster, the template or cluster it
--                               may belong to, the cosine, how it resembles it and in which language. A
--                               moderator answers 'same' (the case joins that campaign) or 'different': the
--                               pair (cluster, target) is then a negative pair, never suggested again. One row
--                               per pair, so a pair is suggested once.
--   cases.joined_case_id        the case a confirmed suggestion moved this case's reports into (status 'joined').
--   clusters.joined_cluster_id  the cluster those reports went to: this one is no longer matched.
--   templates.learned_from_case a variant a family learned from this case (a confirmed suggestion, or a
--                               verified case that matched semantically). No foreign keys on these columns:
--                               cases already point at templates, and kuzet db copy needs tables in order.
CREATE TABLE suggestions (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases (id),
    cluster_id INTEGER NOT NULL REFERENCES clusters (id),
    target_kind TEXT NOT NULL,
    target_id INTEGER NOT NULL,
    score DOUBLE PRECISION NOT NULL,
    resemblance TEXT NOT NULL,
    language TEXT,
    created_at BIGINT NOT NULL,
    answer TEXT,
    answered_by BIGINT,
    answered_at BIGINT,
    UNIQUE (cluster_id, target_kind, target_id)
);

CREATE INDEX suggestions_by_case ON suggestions (case_id);

INSERT INTO id_sequences (name, last_value) VALUES ('suggestions', 0);

ALTER TABLE cases ADD COLUMN joined_case_id INTEGER;
ALTER TABLE clusters ADD COLUMN joined_cluster_id INTEGER;
ALTER TABLE templates ADD COLUMN learned_from_case INTEGER;
