-- A series' areas and concerns and required views, and a person's contraindications and
-- consent, are part of the series or the person (as SQLite migration 012 has it): changing
-- one bumps the parent's row version through its own version trigger, which names who and
-- when, so a save from an older read of the series or person is refused, also after an edit
-- made in psql. A bump alone changes no audited column, so it adds nothing to the trail.
-- Safe to run again (an upgrade of a clinic made before versions were recorded does).

SET search_path = skinlapse, pg_temp;

CREATE OR REPLACE FUNCTION bump_parent_version() RETURNS trigger LANGUAGE plpgsql
    SET search_path = skinlapse, pg_temp AS $$
DECLARE
    r JSONB := CASE WHEN TG_OP = 'DELETE' THEN to_jsonb(OLD) ELSE to_jsonb(NEW) END;
BEGIN
    IF TG_ARGV[0] = 'series' THEN
        UPDATE series SET row_version = row_version WHERE id = (r->>'series_id')::BIGINT;
    ELSE
        UPDATE person SET row_version = row_version WHERE id = (r->>'person_id')::BIGINT;
    END IF;
    RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS series_term_version ON series_term;
CREATE TRIGGER series_term_version AFTER INSERT OR UPDATE OR DELETE ON series_term
    FOR EACH ROW EXECUTE FUNCTION bump_parent_version('series');
DROP TRIGGER IF EXISTS series_view_version ON series_view;
CREATE TRIGGER series_view_version AFTER INSERT OR UPDATE OR DELETE ON series_view
    FOR EACH ROW EXECUTE FUNCTION bump_parent_version('series');
DROP TRIGGER IF EXISTS contraindication_version ON contraindication;
CREATE TRIGGER contraindication_version AFTER INSERT OR UPDATE OR DELETE ON contraindication
    FOR EACH ROW EXECUTE FUNCTION bump_parent_version('person');
DROP TRIGGER IF EXISTS consent_version ON consent;
CREATE TRIGGER consent_version AFTER INSERT OR UPDATE OR DELETE ON consent
    FOR EACH ROW EXECUTE FUNCTION bump_parent_version('person');
