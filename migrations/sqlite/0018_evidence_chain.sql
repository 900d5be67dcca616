-- The evidence chain is append-only: SQLite refuses any UPDATE or DELETE of it.
CREATE TRIGGER evidence_links_no_update BEFORE UPDATE ON evidence_links
BEGIN
    SELECT RAISE(ABORT, 'evidence_links is append-only');
END;

CREATE TRIGGER evidence_links_no_delete BEFORE DELETE ON evidence_links
BEGIN
    SELECT RAISE(ABORT, 'evidence_links is append-only');
END;

CREATE TRIGGER evidence_cases_no_update BEFORE UPDATE ON evidence_cases
BEGIN
    SELECT RAISE(ABORT, 'evidence_cases is append-only');
END;

CREATE TRIGGER evidence_cases_no_delete BEFORE DELETE ON evidence_cases
BEGIN
    SELECT RAISE(ABORT, 'evidence_cases is append-only');
END;
