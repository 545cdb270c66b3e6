-- Which PostgreSQL migrations a clinic database has had, so a later Skinlapse can upgrade it
-- (the runner in `catalogue::clinic` applies each missing file as the clinic's owner, in one
-- transaction, and records it here). A database made before this file has none of it: the
-- runner reads that as version 2.

SET search_path = skinlapse, pg_temp;

CREATE TABLE schema_migration (
    version    INTEGER PRIMARY KEY CHECK (version >= 1),
    applied_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
    applied_by TEXT COLLATE "C" NOT NULL DEFAULT session_user
);
REVOKE ALL ON schema_migration FROM PUBLIC;
-- Every signed-in user reads it: the app checks the version at sign-in.
GRANT SELECT ON schema_migration TO @assistant, @pending;
