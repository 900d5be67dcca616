-- Matching: the template bank, the negative bank, clusters of similar reports,
-- and where each report was placed.

INSERT INTO id_sequences (name, last_value) VALUES ('templates', 0);
INSERT INTO id_sequences (name, last_value) VALUES ('negatives', 0);
INSERT INTO id_sequences (name, last_value) VALUES ('clusters', 0);

CREATE TABLE templates (
    id INTEGER PRIMARY KEY,
    text TEXT NOT NULL,
    language TEXT,
    label TEXT,
    family TEXT,
    enabled SMALLINT NOT NULL DEFAULT 1,
    created_by TEXT,
    created_at BIGINT NOT NULL
);

-- Texts that must never produce a match: greetings, "I agree", common slogans.
CREATE TABLE negatives (
    id INTEGER PRIMARY KEY,
    text TEXT NOT NULL,
    language TEXT,
    created_by TEXT,
    created_at BIGINT NOT NULL
);

-- A cluster groups similar reports; reports matching a template share that template's cluster.
CREATE TABLE clusters (
    id INTEGER PRIMARY KEY,
    representative TEXT NOT NULL,
    template_id INTEGER REFERENCES templates (id),
    created_at BIGINT NOT NULL
);

CREATE INDEX clusters_by_template ON clusters (template_id);

ALTER TABLE reports ADD COLUMN cluster_id INTEGER REFERENCES clusters (id);
ALTER TABLE reports ADD COLUMN template_id INTEGER REFERENCES templates (id);
ALTER TABLE reports ADD COLUMN match_score REAL;
ALTER TABLE reports ADD COLUMN language TEXT;

CREATE INDEX reports_by_cluster ON reports (cluster_id, created_at);
