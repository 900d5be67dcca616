-- Semantic matching: sentence vectors of templates and clusters, kept so that a restart does not
-- encode them again, and how each placed report resembles what it matched.
--   owner    'template' or 'cluster';
--   encoder  the encoder's name: vectors of another encoder are not comparable;
--   vector   float16 little-endian, base64 (TEXT: the same in SQLite and PostgreSQL).
CREATE TABLE embeddings (
    owner TEXT NOT NULL,
    owner_id BIGINT NOT NULL,
    encoder TEXT NOT NULL,
    vector TEXT NOT NULL,
    PRIMARY KEY (owner, owner_id, encoder)
);

-- edited (the same text with small edits), reworded (in other words) or translated (in another
-- language); NULL for a report that matched nothing.
ALTER TABLE reports ADD COLUMN resemblance TEXT;
