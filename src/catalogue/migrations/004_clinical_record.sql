-- Skinlapse catalogue, schema version 4: the clinical record around the photos.

-- Sessions: the device's kind, the cost's currency, and the contraindications the user
-- acknowledged when adding the session (text naming them and when; NULL when none).
ALTER TABLE session ADD COLUMN device_kind TEXT CHECK (device_kind IN ('pen', 'roller', 'other'));
ALTER TABLE session ADD COLUMN currency TEXT CHECK (currency IS NULL OR length(currency) = 3);
ALTER TABLE session ADD COLUMN contraindications_acknowledged TEXT;

-- Assessments on recognised scales, of a session or of one photo.
CREATE TABLE grade (
    id          INTEGER PRIMARY KEY,
    session_id  INTEGER REFERENCES session(id) ON DELETE CASCADE,
    photo_id    INTEGER REFERENCES photo(id) ON DELETE CASCADE,
    scale       TEXT NOT NULL CHECK (scale IN ('goodman-baron', 'mmasi', 'glogau',
                    'fitzpatrick-wrinkle', 'gais', 'satisfaction', 'custom')),
    -- The name of a user-defined scale.
    custom_name TEXT,
    value       REAL NOT NULL,
    -- mMASI: the four regions as AREAxDARKNESS, comma separated.
    detail      TEXT NOT NULL DEFAULT '',
    notes       TEXT NOT NULL DEFAULT '',
    recorded_at TEXT NOT NULL,
    CHECK (session_id IS NOT NULL OR photo_id IS NOT NULL),
    CHECK (scale <> 'custom' OR length(trim(coalesce(custom_name, ''))) > 0)
);
CREATE INDEX grade_by_session ON grade(session_id);
CREATE INDEX grade_by_photo ON grade(photo_id);

CREATE TABLE side_effect (
    id         INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES session(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind IN ('redness', 'swelling', 'flaking', 'itching',
                   'bruising', 'infection', 'other')),
    severity   INTEGER NOT NULL CHECK (severity BETWEEN 0 AND 3),
    day_after  INTEGER NOT NULL CHECK (day_after BETWEEN 0 AND 365),
    notes      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX side_effect_by_session ON side_effect(session_id);

-- A person's contraindications: active from noted_on until resolved_on.
CREATE TABLE contraindication (
    person_id   INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('active-acne', 'keloid', 'pregnancy', 'diabetes',
                    'eczema-psoriasis', 'herpes-simplex', 'immunosuppression',
                    'clotting-disorder', 'radiation', 'isotretinoin', 'other')),
    noted_on    TEXT NOT NULL,
    resolved_on TEXT,
    notes       TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (person_id, kind)
) WITHOUT ROWID;

-- What a person agreed their photos may be used for, and when they withdrew it.
CREATE TABLE consent (
    person_id    INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,
    scope        TEXT NOT NULL CHECK (scope IN ('clinical-record', 'education', 'marketing')),
    given_on     TEXT NOT NULL,
    note         TEXT NOT NULL DEFAULT '',
    withdrawn_on TEXT,
    PRIMARY KEY (person_id, scope)
) WITHOUT ROWID;

-- Library-wide settings, e.g. mode = personal | clinic.
CREATE TABLE setting (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
