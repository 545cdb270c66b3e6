-- import-library: which rows of a personal library became which rows of the clinic, so an
-- interrupted import continues where it stopped (no duplicates) and a finished one can be
-- verified against its source. Idempotent: `clinic create` runs it, and an import into a
-- clinic made before it existed runs it once through the server account.
--
-- Runs as the clinic's owner role; role tokens as in 002_clinic.sql.

SET search_path = skinlapse, pg_temp;

-- One personal library moved in (or being moved in); `source` names it (workstation and
-- folder), so running the same command again continues the same run.
CREATE TABLE IF NOT EXISTS import_run (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source      TEXT COLLATE "C" NOT NULL UNIQUE,
    started_by  TEXT COLLATE "C" NOT NULL DEFAULT session_user,
    started_at  TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
    finished_at TIMESTAMPTZ
);

-- The personal library's id of a row (old_id) and the clinic's (new_id), per kind of row;
-- written in the same transaction as the row itself. Kinds that mark a step done (the
-- photos already in the clinic, a photo's alignments and regions) map to the photo.
CREATE TABLE IF NOT EXISTS import_map (
    run_id BIGINT NOT NULL REFERENCES import_run(id),
    kind   TEXT COLLATE "C" NOT NULL,
    old_id BIGINT NOT NULL,
    new_id BIGINT NOT NULL,
    PRIMARY KEY (run_id, kind, old_id)
);

-- Moving a library in writes its clinical record: clinicians and admins only.
GRANT SELECT, INSERT, UPDATE ON import_run TO @clinician;
GRANT SELECT, INSERT ON import_map TO @clinician;
