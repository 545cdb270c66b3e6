-- Skinlapse catalogue, schema 006: every photo a user has (issue 10).
-- SQLite cannot widen a CHECK constraint in place, so the photo table is rebuilt (the
-- documented 12-step way: migrate() turns foreign keys off around the migrations and this
-- migration ends with a foreign-key check). New on photo:
--   format          HEIF, AVIF and camera RAW formats besides JPEG, PNG, WebP and TIFF;
--   taken_at_source where taken_at came from (see model::TimeSource); rows from earlier
--                   versions are 'exif-original' when exact and 'file-modified' when estimated;
--   colour_profile  the name of the embedded colour profile the previews were converted to
--                   sRGB from (NULL: none, taken as sRGB).
CREATE TABLE photo_new (
    id                  INTEGER PRIMARY KEY,
    hash                TEXT NOT NULL UNIQUE CHECK (length(hash) = 64),
    format              TEXT NOT NULL CHECK (format IN ('jpeg', 'png', 'webp', 'tiff', 'heif',
                            'avif', 'dng', 'cr2', 'cr3', 'nef', 'arw')),
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
    taken_at_source     TEXT NOT NULL DEFAULT 'exif-original'
                        CHECK (taken_at_source IN ('exif-original', 'exif-digitized', 'xmp',
                            'exif-modified', 'file-modified', 'imported', 'manual')),
    colour_profile      TEXT,
    original_name_raw   BLOB,
    CHECK (session_id IS NULL OR series_id IS NOT NULL),
    CHECK (series_id IS NULL OR person_id IS NOT NULL)
);

INSERT INTO photo_new (id, hash, format, original_name, file_size, width, height, taken_at,
    taken_at_offset_min, taken_at_estimated, camera, view, lighting, person_id, series_id,
    session_id, notes, imported_at, trashed_at, taken_at_source, original_name_raw)
SELECT id, hash, format, original_name, file_size, width, height, taken_at,
    taken_at_offset_min, taken_at_estimated, camera, view, lighting, person_id, series_id,
    session_id, notes, imported_at, trashed_at,
    CASE taken_at_estimated WHEN 1 THEN 'file-modified' ELSE 'exif-original' END,
    original_name_raw
FROM photo;

DROP TABLE photo;
ALTER TABLE photo_new RENAME TO photo;

CREATE INDEX photo_by_person_time ON photo (person_id, taken_at);
CREATE INDEX photo_by_series ON photo (series_id, taken_at);
CREATE INDEX photo_by_session ON photo (session_id);
CREATE INDEX photo_by_time ON photo (taken_at);
CREATE INDEX photo_by_trashed ON photo (trashed_at) WHERE trashed_at IS NOT NULL;

-- What went wrong reading a photo that was imported anyway (damaged image data, broken EXIF
-- directories, a name whose extension lies), in order, so the inspector can say it later.
CREATE TABLE photo_warning (
    photo_id INTEGER NOT NULL REFERENCES photo(id) ON DELETE CASCADE,
    n        INTEGER NOT NULL CHECK (n >= 0),
    text     TEXT NOT NULL,
    PRIMARY KEY (photo_id, n)
) WITHOUT ROWID;
