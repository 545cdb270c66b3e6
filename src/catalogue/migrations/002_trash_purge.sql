-- Schema version 2: the purge journal. Emptying the trash deletes photo rows and records
-- their files here in one transaction; the files are deleted after the commit and the
-- entries last. Recovery finishes any purge a crash interrupted.
CREATE TABLE pending_purge (
    hash      TEXT PRIMARY KEY CHECK (length(hash) = 64),
    extension TEXT NOT NULL
) WITHOUT ROWID;
