-- Campaign labels in the reader's language. A label belongs to a template family (the templates sharing
-- `family`; a template without one is its own family, keyed '#<id>'), one per language ('en', 'ru', 'kk',
-- 'ar', 'zh'). Readers see the label in their language, else in the language of the family's first template,
-- else any. The family's label so far (templates.label, the first one given in the family) moves here, in
-- the language of the family's first template ('und' where that is unknown).
CREATE TABLE template_labels (
    family TEXT NOT NULL,
    language TEXT NOT NULL,
    label TEXT NOT NULL,
    set_by TEXT,
    set_at BIGINT NOT NULL,
    PRIMARY KEY (family, language)
);

INSERT INTO template_labels (family, language, label, set_by, set_at)
SELECT f.family_key, COALESCE(o.language, l.language, 'und'), l.label, l.created_by, l.created_at
FROM (
    SELECT COALESCE(family, '#' || CAST(id AS TEXT)) AS family_key, MIN(id) AS first_id,
        MIN(CASE WHEN label IS NOT NULL AND label <> '' THEN id END) AS labelled_id
    FROM templates
    GROUP BY COALESCE(family, '#' || CAST(id AS TEXT))
) f
JOIN templates o ON o.id = f.first_id
JOIN templates l ON l.id = f.labelled_id;

ALTER TABLE templates DROP COLUMN label;
