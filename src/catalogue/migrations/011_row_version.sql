-- Row versions on the four tables people edit (as the clinic's PostgreSQL schema has them):
-- every update of a row bumps its version and stamps when, so a save made from an older read
-- is refused instead of silently overwriting someone else's change (optimistic concurrency).
-- The trigger bumps whatever statement made the change, as PostgreSQL's does.
ALTER TABLE person ADD COLUMN row_version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE person ADD COLUMN changed_by TEXT NOT NULL DEFAULT '';
ALTER TABLE person ADD COLUMN changed_at TEXT;
ALTER TABLE series ADD COLUMN row_version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE series ADD COLUMN changed_by TEXT NOT NULL DEFAULT '';
ALTER TABLE series ADD COLUMN changed_at TEXT;
ALTER TABLE session ADD COLUMN row_version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE session ADD COLUMN changed_by TEXT NOT NULL DEFAULT '';
ALTER TABLE session ADD COLUMN changed_at TEXT;
ALTER TABLE photo ADD COLUMN row_version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE photo ADD COLUMN changed_by TEXT NOT NULL DEFAULT '';
ALTER TABLE photo ADD COLUMN changed_at TEXT;

-- Recursive triggers are off, so the trigger's own update does not fire it again.
CREATE TRIGGER person_version AFTER UPDATE ON person FOR EACH ROW BEGIN
    UPDATE person SET row_version = OLD.row_version + 1,
        changed_at = strftime('%Y-%m-%d %H:%M:%f', 'now') || '+00:00'
    WHERE id = NEW.id;
END;
CREATE TRIGGER series_version AFTER UPDATE ON series FOR EACH ROW BEGIN
    UPDATE series SET row_version = OLD.row_version + 1,
        changed_at = strftime('%Y-%m-%d %H:%M:%f', 'now') || '+00:00'
    WHERE id = NEW.id;
END;
CREATE TRIGGER session_version AFTER UPDATE ON session FOR EACH ROW BEGIN
    UPDATE session SET row_version = OLD.row_version + 1,
        changed_at = strftime('%Y-%m-%d %H:%M:%f', 'now') || '+00:00'
    WHERE id = NEW.id;
END;
CREATE TRIGGER photo_version AFTER UPDATE ON photo FOR EACH ROW BEGIN
    UPDATE photo SET row_version = OLD.row_version + 1,
        changed_at = strftime('%Y-%m-%d %H:%M:%f', 'now') || '+00:00'
    WHERE id = NEW.id;
END;

-- People are looked up and listed by their name folded to lower case (ASCII, as NOCASE
-- folds): the one spelling that means the same on SQLite and PostgreSQL.
CREATE INDEX person_name_folded ON person (lower(name), name);
