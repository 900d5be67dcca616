-- The evidence chain is append-only: PostgreSQL refuses any UPDATE, DELETE or TRUNCATE of it.
CREATE FUNCTION evidence_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
END;
$$;

CREATE TRIGGER evidence_links_no_update BEFORE UPDATE OR DELETE ON evidence_links
    FOR EACH ROW EXECUTE FUNCTION evidence_append_only();

CREATE TRIGGER evidence_links_no_truncate BEFORE TRUNCATE ON evidence_links
    FOR EACH STATEMENT EXECUTE FUNCTION evidence_append_only();

CREATE TRIGGER evidence_cases_no_update BEFORE UPDATE OR DELETE ON evidence_cases
    FOR EACH ROW EXECUTE FUNCTION evidence_append_only();

CREATE TRIGGER evidence_cases_no_truncate BEFORE TRUNCATE ON evidence_cases
    FOR EACH STATEMENT EXECUTE FUNCTION evidence_append_only();
