-- Skinlapse catalogue: measurement regions, measurements, and reference-card corrections.
-- Geometry is JSON text in the drawn-on photo's normalised coordinates (origin at the
-- centre, unit = long edge), so a region drawn on a series' reference follows each photo's
-- alignment.

CREATE TABLE region (
    id         INTEGER PRIMARY KEY,
    photo_id   INTEGER NOT NULL REFERENCES photo(id) ON DELETE CASCADE,
    name       TEXT NOT NULL CHECK (length(trim(name)) > 0),
    -- {"kind":"rect","x":..,"y":..,"w":..,"h":..} | {"kind":"ellipse",..} | {"kind":"polygon","points":[[x,y],..]}
    shape      TEXT NOT NULL,
    -- The skin the region is compared with: NULL, {"kind":"ring","scale":2} or {"kind":"shape",..}.
    surround   TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX region_by_photo ON region(photo_id);

-- One measurement of a region in one photo; measuring again replaces it.
CREATE TABLE measurement (
    id             INTEGER PRIMARY KEY,
    region_id      INTEGER NOT NULL REFERENCES region(id) ON DELETE CASCADE,
    photo_id       INTEGER NOT NULL REFERENCES photo(id) ON DELETE CASCADE,
    method_version INTEGER NOT NULL CHECK (method_version >= 1),
    corrected      INTEGER NOT NULL CHECK (corrected IN (0, 1)),
    l_mean         REAL NOT NULL,
    a_mean         REAL NOT NULL,
    b_mean         REAL NOT NULL,
    l_sd           REAL NOT NULL CHECK (l_sd >= 0),
    a_sd           REAL NOT NULL CHECK (a_sd >= 0),
    b_sd           REAL NOT NULL CHECK (b_sd >= 0),
    ita_deg        REAL NOT NULL,
    erythema_index REAL NOT NULL,
    melanin_index  REAL NOT NULL,
    pixels         INTEGER NOT NULL CHECK (pixels > 0),
    -- Against the surrounding skin (all NULL when none was marked).
    surround_l     REAL,
    surround_a     REAL,
    surround_b     REAL,
    surround_ita   REAL,
    surround_erythema REAL,
    surround_melanin  REAL,
    delta_e2000    REAL CHECK (delta_e2000 >= 0),
    darker_share   REAL CHECK (darker_share BETWEEN 0 AND 1),
    redder_share   REAL CHECK (redder_share BETWEEN 0 AND 1),
    threshold_l    REAL,
    threshold_a    REAL,
    measured_at    TEXT NOT NULL,
    UNIQUE (region_id, photo_id)
);
CREATE INDEX measurement_by_photo ON measurement(photo_id);

-- A reference card's colour correction, one per photo.
CREATE TABLE card_correction (
    photo_id  INTEGER PRIMARY KEY REFERENCES photo(id) ON DELETE CASCADE,
    kind      TEXT NOT NULL CHECK (kind IN ('grey', 'colorchecker-24')),
    -- [[x,y],[x,y],[x,y],[x,y]]: top left, top right, bottom right, bottom left.
    corners   TEXT NOT NULL,
    -- [[r0],[r1],[r2]]: camera linear RGB → reference linear sRGB.
    matrix    TEXT NOT NULL,
    -- [["patch name", residual ΔE2000], ...]
    residuals TEXT NOT NULL,
    fitted_at TEXT NOT NULL
);
