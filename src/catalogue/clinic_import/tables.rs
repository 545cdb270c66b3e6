//! Which rows of the personal catalogue each step of an import copies, and what is counted
//! at the end.

/// A table copied from the personal catalogue: which rows belong to a step (`owned`, with
/// `?1` the owner's personal id), whether its `id` is remapped (the kind its ids are kept
/// under), and which columns point at remapped rows.
pub(super) struct Table {
    pub name: &'static str,
    pub id_kind: Option<&'static str>,
    pub owned: &'static str,
    pub refs: &'static [(&'static str, &'static str)],
}

const PERSON_REF: (&str, &str) = ("person_id", "person");
const SERIES_REF: (&str, &str) = ("series_id", "series");
const SESSION_REF: (&str, &str) = ("session_id", "session");
const PHOTO_REF: (&str, &str) = ("photo_id", "photo");
const TERM_REF: (&str, &str) = ("term_id", "term");
const SERIES_OF_PERSON: &str = "series_id IN (SELECT id FROM series WHERE person_id = ?1)";
const SESSIONS_OF_PERSON: &str = "session_id IN (SELECT x.id FROM session x JOIN series s ON s.id = x.series_id WHERE s.person_id = ?1)";

/// A person and their whole record, in the order the rows depend on each other.
pub(super) const PERSON_STEP: &[Table] = &[
    Table {
        name: "person",
        id_kind: Some("person"),
        owned: "id = ?1",
        refs: &[],
    },
    Table {
        name: "contraindication",
        id_kind: None,
        owned: "person_id = ?1",
        refs: &[PERSON_REF],
    },
    Table {
        name: "consent",
        id_kind: None,
        owned: "person_id = ?1",
        refs: &[PERSON_REF],
    },
    Table {
        name: "consent_event",
        id_kind: Some("consent_event"),
        owned: "person_id = ?1",
        refs: &[PERSON_REF],
    },
    Table {
        name: "series",
        id_kind: Some("series"),
        owned: "person_id = ?1",
        refs: &[PERSON_REF],
    },
    Table {
        name: "series_term",
        id_kind: None,
        owned: SERIES_OF_PERSON,
        refs: &[SERIES_REF, TERM_REF],
    },
    Table {
        name: "series_view",
        id_kind: None,
        owned: SERIES_OF_PERSON,
        refs: &[SERIES_REF],
    },
    Table {
        name: "session",
        id_kind: Some("session"),
        owned: SERIES_OF_PERSON,
        refs: &[SERIES_REF],
    },
    Table {
        name: "side_effect",
        id_kind: Some("side_effect"),
        owned: SESSIONS_OF_PERSON,
        refs: &[SESSION_REF],
    },
    Table {
        name: "grade",
        id_kind: Some("grade"),
        owned: "photo_id IS NULL AND session_id IN (SELECT x.id FROM session x JOIN series s ON s.id = x.series_id WHERE s.person_id = ?1)",
        refs: &[SESSION_REF],
    },
];

/// A photo and what belongs to it alone.
pub(super) const PHOTO_STEP: &[Table] = &[
    Table {
        name: "photo",
        id_kind: Some("photo"),
        owned: "id = ?1",
        refs: &[PERSON_REF, SERIES_REF, SESSION_REF],
    },
    Table {
        name: "photo_term",
        id_kind: None,
        owned: "photo_id = ?1",
        refs: &[PHOTO_REF, TERM_REF],
    },
    Table {
        name: "photo_warning",
        id_kind: None,
        owned: "photo_id = ?1",
        refs: &[PHOTO_REF],
    },
    Table {
        name: "photo_companion",
        id_kind: None,
        owned: "photo_id = ?1",
        refs: &[PHOTO_REF],
    },
    Table {
        name: "face",
        id_kind: None,
        owned: "photo_id = ?1",
        refs: &[PHOTO_REF],
    },
    Table {
        name: "card_correction",
        id_kind: None,
        owned: "photo_id = ?1",
        refs: &[PHOTO_REF],
    },
    Table {
        name: "grade",
        id_kind: Some("grade"),
        owned: "photo_id = ?1",
        refs: &[SESSION_REF, PHOTO_REF],
    },
];

/// What relates a photo to others (another photo may come later in the import).
pub(super) const ANALYSIS_STEP: &[Table] = &[
    Table {
        name: "alignment",
        id_kind: None,
        owned: "photo_id = ?1",
        refs: &[PHOTO_REF, ("reference_id", "photo")],
    },
    Table {
        name: "landmark",
        id_kind: None,
        owned: "photo_id = ?1",
        refs: &[PHOTO_REF, ("against_id", "photo")],
    },
    Table {
        name: "region",
        id_kind: Some("region"),
        owned: "photo_id = ?1",
        refs: &[PHOTO_REF],
    },
    Table {
        name: "measurement",
        id_kind: Some("measurement"),
        owned: "region_id IN (SELECT id FROM region WHERE photo_id = ?1)",
        refs: &[("region_id", "region"), PHOTO_REF],
    },
];

/// What is counted at the end: (kind shown, table, column joined to the map, the map kind
/// it joins, the rows a photo already in the clinic would have had).
pub(super) type Verified = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Option<&'static str>,
);
pub(super) const VERIFIED: &[Verified] = &[
    ("people", "person", "id", "person", None),
    ("series", "series", "id", "series", None),
    ("sessions", "session", "id", "session", None),
    ("series terms", "series_term", "series_id", "series", None),
    ("protocol views", "series_view", "series_id", "series", None),
    ("side effects", "side_effect", "id", "side_effect", None),
    (
        "contraindications",
        "contraindication",
        "person_id",
        "person",
        None,
    ),
    ("consents", "consent", "person_id", "person", None),
    (
        "consent history",
        "consent_event",
        "id",
        "consent_event",
        None,
    ),
    ("grades", "grade", "id", "grade", Some("photo_id = ?1")),
    ("photos", "photo", "id", "photo", Some("id = ?1")),
    (
        "tags",
        "photo_term",
        "photo_id",
        "photo",
        Some("photo_id = ?1"),
    ),
    (
        "warnings",
        "photo_warning",
        "photo_id",
        "photo",
        Some("photo_id = ?1"),
    ),
    ("faces", "face", "photo_id", "photo", Some("photo_id = ?1")),
    (
        "card corrections",
        "card_correction",
        "photo_id",
        "photo",
        Some("photo_id = ?1"),
    ),
    (
        "alignments",
        "alignment",
        "photo_id",
        "photo",
        Some("photo_id = ?1"),
    ),
    (
        "landmarks",
        "landmark",
        "photo_id",
        "photo",
        Some("photo_id = ?1"),
    ),
    ("regions", "region", "id", "region", Some("photo_id = ?1")),
    (
        "measurements",
        "measurement",
        "id",
        "measurement",
        Some("region_id IN (SELECT id FROM region WHERE photo_id = ?1)"),
    ),
];
