-- Skinlapse catalogue, migration 009: the views each session of a series needs (its
-- protocol), and consent's history (who recorded what, when, with which note).

-- A series' protocol: every session should have a photo of each of these views.
CREATE TABLE series_view (
    series_id INTEGER NOT NULL REFERENCES series(id) ON DELETE CASCADE,
    view      TEXT NOT NULL CHECK (view IN ('frontal', 'left-oblique', 'right-oblique',
                  'left-profile', 'right-profile', 'close-up')),
    PRIMARY KEY (series_id, view)
) WITHOUT ROWID;

-- Every time consent was given or withdrawn; `consent` keeps the state now.
CREATE TABLE consent_event (
    id          INTEGER PRIMARY KEY,
    person_id   INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,
    scope       TEXT NOT NULL CHECK (scope IN ('clinical-record', 'education', 'marketing')),
    given       INTEGER NOT NULL CHECK (given IN (0, 1)),
    on_date     TEXT NOT NULL,
    -- Who recorded it (the staff member, in a clinic).
    staff       TEXT NOT NULL DEFAULT '',
    note        TEXT NOT NULL DEFAULT '',
    recorded_at TEXT NOT NULL
);
CREATE INDEX consent_event_by_person ON consent_event(person_id, scope);

-- Consent recorded before there was a history: its giving, and its withdrawal.
INSERT INTO consent_event (person_id, scope, given, on_date, note, recorded_at)
    SELECT person_id, scope, 1, given_on, note, given_on FROM consent;
INSERT INTO consent_event (person_id, scope, given, on_date, recorded_at)
    SELECT person_id, scope, 0, withdrawn_on, withdrawn_on FROM consent WHERE withdrawn_on IS NOT NULL;
