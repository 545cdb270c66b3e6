-- Skinlapse catalogue: faces (issue 11).
-- One row per photo the face finder has looked at: `found` = 0 records "looked, no face"
-- (a close-up, a body area) so the background job does not look again.
-- Landmarks: 468 points × (x, y, z) as little-endian 32-bit floats in the photo's normalised
-- coordinates (origin at the centre, unit = long edge). Pose and expression are derived from
-- them and kept as columns so the fairest-pair ranking and filters can read them in SQL.

CREATE TABLE face (
    photo_id        INTEGER PRIMARY KEY REFERENCES photo(id) ON DELETE CASCADE,
    found           INTEGER NOT NULL CHECK (found IN (0, 1)),
    score           REAL CHECK (score BETWEEN 0 AND 1),
    landmarks       BLOB CHECK (landmarks IS NULL OR length(landmarks) = 5616),
    yaw             REAL,
    pitch           REAL,
    roll            REAL,
    mouth_open      REAL,
    eye_open        REAL,
    -- The view the pose suggests, for the user to confirm; NULL without a face.
    suggested_view  TEXT CHECK (suggested_view IN
        ('frontal', 'left-oblique', 'right-oblique', 'left-profile', 'right-profile', 'close-up')),
    -- Which models found it, so a later model can redo old photos.
    model           TEXT NOT NULL,
    computed_at     TEXT NOT NULL,
    CHECK ((found = 1) = (landmarks IS NOT NULL))
);

-- Face-aware alignment is a method of its own: widen alignment.method's check. SQLite cannot
-- alter a CHECK, so the table is rebuilt with the same rows.
CREATE TABLE alignment_new (
    photo_id     INTEGER PRIMARY KEY REFERENCES photo(id) ON DELETE CASCADE,
    reference_id INTEGER NOT NULL REFERENCES photo(id) ON DELETE CASCADE,
    scale        REAL NOT NULL CHECK (scale > 0),
    angle        REAL NOT NULL,
    tx           REAL NOT NULL,
    ty           REAL NOT NULL,
    method       TEXT NOT NULL CHECK (method IN ('landmarks', 'auto', 'face')),
    confidence   REAL CHECK (confidence BETWEEN 0 AND 1),
    updated_at   TEXT NOT NULL,
    CHECK (photo_id <> reference_id)
);
INSERT INTO alignment_new SELECT photo_id, reference_id, scale, angle, tx, ty, method,
    confidence, updated_at FROM alignment;
DROP TABLE alignment;
ALTER TABLE alignment_new RENAME TO alignment;
CREATE INDEX alignment_by_reference ON alignment(reference_id);
