-- Skinlapse catalogue, schema version 3: alignment.
-- Each aligned photo sits on a reference photo (the baseline of its series and view) through
-- a similarity transform in normalised coordinates (origin at the centre, unit = long edge).

CREATE TABLE alignment (
    photo_id     INTEGER PRIMARY KEY REFERENCES photo(id) ON DELETE CASCADE,
    reference_id INTEGER NOT NULL REFERENCES photo(id) ON DELETE CASCADE,
    scale        REAL NOT NULL CHECK (scale > 0),
    angle        REAL NOT NULL,
    tx           REAL NOT NULL,
    ty           REAL NOT NULL,
    method       TEXT NOT NULL CHECK (method IN ('landmarks', 'auto')),
    -- Auto-alignment's confidence (0-1); NULL for landmarks.
    confidence   REAL CHECK (confidence BETWEEN 0 AND 1),
    updated_at   TEXT NOT NULL,
    CHECK (photo_id <> reference_id)
);
CREATE INDEX alignment_by_reference ON alignment(reference_id);

-- Matching points the user placed: on the photo, and on the photo it was aligned against.
CREATE TABLE landmark (
    photo_id     INTEGER NOT NULL REFERENCES photo(id) ON DELETE CASCADE,
    against_id   INTEGER NOT NULL REFERENCES photo(id) ON DELETE CASCADE,
    n            INTEGER NOT NULL CHECK (n >= 0),
    x            REAL NOT NULL,
    y            REAL NOT NULL,
    against_x    REAL NOT NULL,
    against_y    REAL NOT NULL,
    PRIMARY KEY (photo_id, n)
) WITHOUT ROWID;
