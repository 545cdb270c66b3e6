-- Skinlapse catalogue, schema version 1.
-- Times are ISO 8601 text; enums are their stable keys; booleans are 0/1.

CREATE TABLE person (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL COLLATE NOCASE UNIQUE CHECK (length(trim(name)) > 0),
    birth_year  INTEGER CHECK (birth_year BETWEEN 1880 AND 2200),
    fitzpatrick INTEGER CHECK (fitzpatrick BETWEEN 1 AND 6),
    notes       TEXT NOT NULL DEFAULT '',
    archived    INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
    created_at  TEXT NOT NULL
);

CREATE TABLE series (
    id               INTEGER PRIMARY KEY,
    person_id        INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,
    title            TEXT NOT NULL COLLATE NOCASE CHECK (length(trim(title)) > 0),
    planned_sessions INTEGER CHECK (planned_sessions BETWEEN 1 AND 100),
    interval_days    INTEGER CHECK (interval_days BETWEEN 1 AND 3650),
    start_date       TEXT,
    status           TEXT NOT NULL DEFAULT 'active'
                     CHECK (status IN ('planned', 'active', 'completed', 'stopped')),
    notes            TEXT NOT NULL DEFAULT '',
    UNIQUE (person_id, title)
);

CREATE TABLE session (
    id              INTEGER PRIMARY KEY,
    series_id       INTEGER NOT NULL REFERENCES series(id) ON DELETE CASCADE,
    date            TEXT NOT NULL,
    kind            TEXT NOT NULL DEFAULT 'treatment'
                    CHECK (kind IN ('baseline', 'treatment', 'follow-up')),
    device          TEXT NOT NULL DEFAULT '',
    needle_depth_mm REAL CHECK (needle_depth_mm BETWEEN 0 AND 10),
    passes          INTEGER CHECK (passes BETWEEN 0 AND 100),
    products        TEXT NOT NULL DEFAULT '',
    numbing         TEXT NOT NULL DEFAULT '',
    practitioner    TEXT NOT NULL DEFAULT '',
    cost_cents      INTEGER CHECK (cost_cents >= 0),
    notes           TEXT NOT NULL DEFAULT '',
    UNIQUE (series_id, date)
);

-- Areas and concerns: one vocabulary table, built-in terms plus the user's own.
CREATE TABLE term (
    id      INTEGER PRIMARY KEY,
    kind    TEXT NOT NULL CHECK (kind IN ('area', 'concern')),
    key     TEXT NOT NULL CHECK (length(key) > 0),
    name    TEXT NOT NULL,
    builtin INTEGER NOT NULL DEFAULT 0 CHECK (builtin IN (0, 1)),
    UNIQUE (kind, key)
);

CREATE TABLE series_term (
    series_id INTEGER NOT NULL REFERENCES series(id) ON DELETE CASCADE,
    term_id   INTEGER NOT NULL REFERENCES term(id) ON DELETE RESTRICT,
    PRIMARY KEY (series_id, term_id)
) WITHOUT ROWID;

CREATE TABLE photo (
    id                  INTEGER PRIMARY KEY,
    hash                TEXT NOT NULL UNIQUE CHECK (length(hash) = 64),
    format              TEXT NOT NULL CHECK (format IN ('jpeg', 'png', 'webp', 'tiff')),
    original_name       TEXT NOT NULL,
    file_size           INTEGER NOT NULL CHECK (file_size > 0),
    width               INTEGER NOT NULL CHECK (width > 0),
    height              INTEGER NOT NULL CHECK (height > 0),
    taken_at            TEXT NOT NULL,
    taken_at_offset_min INTEGER CHECK (taken_at_offset_min BETWEEN -1080 AND 1080),
    taken_at_estimated  INTEGER NOT NULL CHECK (taken_at_estimated IN (0, 1)),
    camera              TEXT,
    view                TEXT CHECK (view IN ('frontal', 'left-oblique', 'right-oblique',
                                             'left-profile', 'right-profile', 'close-up')),
    lighting            TEXT CHECK (lighting IN ('standard', 'cross-polarised', 'uv', 'flash')),
    person_id           INTEGER REFERENCES person(id) ON DELETE SET NULL,
    series_id           INTEGER REFERENCES series(id) ON DELETE SET NULL,
    session_id          INTEGER REFERENCES session(id) ON DELETE SET NULL,
    notes               TEXT NOT NULL DEFAULT '',
    imported_at         TEXT NOT NULL,
    trashed_at          TEXT,
    CHECK (session_id IS NULL OR series_id IS NOT NULL),
    CHECK (series_id IS NULL OR person_id IS NOT NULL)
);

CREATE INDEX photo_by_person_time ON photo (person_id, taken_at);
CREATE INDEX photo_by_series ON photo (series_id, taken_at);
CREATE INDEX photo_by_session ON photo (session_id);
CREATE INDEX photo_by_time ON photo (taken_at);
CREATE INDEX photo_by_trashed ON photo (trashed_at) WHERE trashed_at IS NOT NULL;
CREATE INDEX series_by_person ON series (person_id);
CREATE INDEX session_by_series ON session (series_id, date);

CREATE TABLE photo_term (
    photo_id INTEGER NOT NULL REFERENCES photo(id) ON DELETE CASCADE,
    term_id  INTEGER NOT NULL REFERENCES term(id) ON DELETE RESTRICT,
    PRIMARY KEY (photo_id, term_id)
) WITHOUT ROWID;

CREATE INDEX photo_term_by_term ON photo_term (term_id, photo_id);

-- The import journal: a row here is committed before an original is copied into the
-- library and deleted in the same transaction that inserts the photo. A row whose owner
-- process is gone marks a half-finished import that recovery rolls back.
CREATE TABLE pending_import (
    hash       TEXT PRIMARY KEY CHECK (length(hash) = 64),
    owner      TEXT NOT NULL,
    extension  TEXT NOT NULL,
    started_at TEXT NOT NULL
) WITHOUT ROWID;
