//! The domain model: typed ids, enums and plain structs. No I/O here.

pub mod compare;
pub mod deidentify;
pub mod face;
pub mod fairest;
pub mod filing;
pub mod idle;
pub mod names;
pub mod printable;
pub mod protocol;
pub mod regions;
pub mod rules;
mod taken_at;
pub mod transform;
mod vocab;

pub use compare::{ComparedPhoto, Finding, Pair, SeriesPhotos, Severity, Side, SideLabel};
pub use protocol::{Completeness, count};
pub use regions::FacialRegion;
pub use taken_at::{TakenAt, TimeSource};
pub use transform::{Alignment, Similarity};
pub use vocab::{BUILTIN_AREAS, BUILTIN_CONCERNS, VocabKind, VocabTerm, vocab_key};

use chrono::NaiveDate;
use std::fmt;
use std::str::FromStr;

macro_rules! typed_id {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub i64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

typed_id!(
    /// A patient, or "me".
    PersonId
);
typed_id!(
    /// A course of treatment for one person.
    SeriesId
);
typed_id!(
    /// One visit or home treatment within a series.
    SessionId
);
typed_id!(
    /// One imported image.
    PhotoId
);
typed_id!(
    /// A grade given to a session or a photo.
    GradeId
);
typed_id!(
    /// A side effect noted after a session.
    SideEffectId
);
typed_id!(
    /// An area or concern in the vocabulary.
    TermId
);
typed_id!(
    /// A region of interest drawn on a photo, measured across its series.
    RegionId
);

/// An enum whose variants have a stable text key (stored in the catalogue and used on the
/// command line) and a label for people.
pub trait Keyed: Sized + Copy + 'static {
    const ALL: &'static [Self];
    /// What the thing is called in messages ("view", "lighting", …).
    const WHAT: &'static str;
    fn key(self) -> &'static str;
    fn label(self) -> &'static str;

    fn from_key(key: &str) -> Option<Self> {
        let wanted = vocab_key(key);
        Self::ALL.iter().copied().find(|v| v.key() == wanted)
    }

    fn known_keys() -> String {
        Self::ALL
            .iter()
            .map(|v| v.key())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The error for a text that names no variant of a [`Keyed`] enum.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} {given:?} (known: {known})")]
pub struct UnknownKey {
    pub what: &'static str,
    pub given: String,
    pub known: String,
}

pub fn parse_keyed<T: Keyed>(text: &str) -> Result<T, UnknownKey> {
    T::from_key(text).ok_or_else(|| UnknownKey {
        what: T::WHAT,
        given: text.to_owned(),
        known: T::known_keys(),
    })
}

macro_rules! keyed_enum {
    ($(#[$meta:meta])* $name:ident, $what:literal { $($variant:ident => $key:literal, $label:literal;)+ }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant),+ }

        impl Keyed for $name {
            const ALL: &'static [Self] = &[$(Self::$variant),+];
            const WHAT: &'static str = $what;
            fn key(self) -> &'static str {
                match self { $(Self::$variant => $key),+ }
            }
            fn label(self) -> &'static str {
                match self { $(Self::$variant => $label),+ }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.label())
            }
        }

        impl FromStr for $name {
            type Err = UnknownKey;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                parse_keyed(s)
            }
        }
    };
}

pub(crate) use keyed_enum;

keyed_enum!(
    /// The pose of a photo; only photos of the same view are comparable.
    View, "view" {
        Frontal => "frontal", "Frontal";
        LeftOblique => "left-oblique", "Left oblique 45°";
        RightOblique => "right-oblique", "Right oblique 45°";
        LeftProfile => "left-profile", "Left profile";
        RightProfile => "right-profile", "Right profile";
        CloseUp => "close-up", "Close-up";
    }
);

keyed_enum!(
    /// The light a photo was taken in; only photos in comparable light are comparable.
    Lighting, "lighting" {
        Standard => "standard", "Standard";
        CrossPolarised => "cross-polarised", "Cross-polarised";
        Uv => "uv", "UV";
        Flash => "flash", "Flash";
    }
);

keyed_enum!(
    /// What a session in a series was.
    SessionKind, "session kind" {
        Baseline => "baseline", "Baseline";
        Treatment => "treatment", "Treatment";
        FollowUp => "follow-up", "Follow-up";
    }
);

// The clinical record's and measurement's enums use the macro above.
pub mod card;
pub mod clinical;
pub mod measure;

keyed_enum!(
    /// How a photo was aligned.
    AlignMethod, "alignment method" {
        Landmarks => "landmarks", "Landmarks";
        Auto => "auto", "Automatic";
        Face => "face", "Face";
    }
);

keyed_enum!(
    /// Where a series stands.
    SeriesStatus, "series status" {
        Planned => "planned", "Planned";
        Active => "active", "Active";
        Completed => "completed", "Completed";
        Stopped => "stopped", "Stopped";
    }
);

/// A patient, or the user themself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Person {
    pub id: PersonId,
    pub name: String,
    pub birth_year: Option<i32>,
    /// Fitzpatrick skin type I–VI, stored as 1–6.
    pub fitzpatrick: Option<u8>,
    pub notes: String,
    pub archived: bool,
}

/// A course of treatment for one person.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    pub id: SeriesId,
    pub person: PersonId,
    pub title: String,
    pub planned_sessions: Option<u32>,
    pub interval_days: Option<u32>,
    pub start_date: Option<NaiveDate>,
    pub status: SeriesStatus,
    pub notes: String,
}

/// One visit or home treatment in a series.
#[derive(Clone, Debug, PartialEq)]
pub struct Session {
    pub id: SessionId,
    pub series: SeriesId,
    pub date: NaiveDate,
    pub kind: SessionKind,
    pub device: String,
    pub needle_depth_mm: Option<f64>,
    pub passes: Option<u32>,
    pub products: String,
    pub numbing: String,
    pub practitioner: String,
    pub cost_cents: Option<i64>,
    pub notes: String,
    pub device_kind: Option<clinical::DeviceKind>,
    /// ISO 4217 code of the cost, e.g. EUR.
    pub currency: Option<String>,
    /// The active contraindications the user acknowledged when adding the session.
    pub contraindications_acknowledged: Option<String>,
}

impl Session {
    /// A session with nothing recorded but its date and kind.
    pub fn bare(id: SessionId, series: SeriesId, date: NaiveDate, kind: SessionKind) -> Self {
        Self {
            id,
            series,
            date,
            kind,
            device: String::new(),
            needle_depth_mm: None,
            passes: None,
            products: String::new(),
            numbing: String::new(),
            practitioner: String::new(),
            cost_cents: None,
            notes: String::new(),
            device_kind: None,
            currency: None,
            contraindications_acknowledged: None,
        }
    }
}

/// A BLAKE3 content hash of an original, as 64 lowercase hex digits.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ContentHash(String);

impl ContentHash {
    pub fn of(bytes: &[u8]) -> Self {
        Self(blake3::hash(bytes).to_hex().to_string())
    }

    /// Accepts only 64 lowercase hex digits, so a hash can always be used in a file name.
    pub fn parse(text: &str) -> Option<Self> {
        let ok = text.len() == 64 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        ok.then(|| Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The two-digit folder an original or cache file lives in.
    pub fn shard(&self) -> &str {
        &self.0[..2]
    }
}

impl fmt::Display for ContentHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The formats an original can be stored in. Decoding dispatches on this in one place.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PhotoFormat {
    Jpeg,
    Png,
    Webp,
    Tiff,
    /// HEIC/HEIF, including the compact `mif3` form.
    Heif,
    Avif,
    /// Adobe Digital Negative (phones, some cameras).
    Dng,
    /// Canon RAW (TIFF-based).
    Cr2,
    /// Canon RAW (ISO media based).
    Cr3,
    /// Nikon RAW.
    Nef,
    /// Sony RAW.
    Arw,
}

impl PhotoFormat {
    pub const ALL: [Self; 11] = [
        Self::Jpeg,
        Self::Png,
        Self::Webp,
        Self::Tiff,
        Self::Heif,
        Self::Avif,
        Self::Dng,
        Self::Cr2,
        Self::Cr3,
        Self::Nef,
        Self::Arw,
    ];

    /// The stable key stored in the catalogue.
    pub fn key(self) -> &'static str {
        match self {
            Self::Jpeg => "jpeg",
            Self::Png => "png",
            Self::Webp => "webp",
            Self::Tiff => "tiff",
            Self::Heif => "heif",
            Self::Avif => "avif",
            Self::Dng => "dng",
            Self::Cr2 => "cr2",
            Self::Cr3 => "cr3",
            Self::Nef => "nef",
            Self::Arw => "arw",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.key() == key)
    }

    /// The extension originals of this format are stored with.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Jpeg => "jpg",
            Self::Tiff => "tif",
            Self::Heif => "heic",
            other => other.key(),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Jpeg => "JPEG",
            Self::Png => "PNG",
            Self::Webp => "WebP",
            Self::Tiff => "TIFF",
            Self::Heif => "HEIF",
            Self::Avif => "AVIF",
            Self::Dng => "DNG",
            Self::Cr2 => "Canon CR2",
            Self::Cr3 => "Canon CR3",
            Self::Nef => "Nikon NEF",
            Self::Arw => "Sony ARW",
        }
    }

    /// A camera RAW file: its pixels are shown through the JPEG preview embedded in it.
    pub fn is_raw(self) -> bool {
        matches!(
            self,
            Self::Dng | Self::Cr2 | Self::Cr3 | Self::Nef | Self::Arw
        )
    }

    /// Every extension a file of this format may carry.
    pub fn extensions(self) -> &'static [&'static str] {
        match self {
            Self::Jpeg => &["jpg", "jpeg", "jpe"],
            Self::Png => &["png"],
            Self::Webp => &["webp"],
            Self::Tiff => &["tif", "tiff"],
            Self::Heif => &["heic", "heif", "hif"],
            Self::Avif => &["avif"],
            Self::Dng => &["dng"],
            Self::Cr2 => &["cr2"],
            Self::Cr3 => &["cr3"],
            Self::Nef => &["nef"],
            Self::Arw => &["arw"],
        }
    }

    pub fn from_extension(ext: &str) -> Option<Self> {
        let ext = ext.to_ascii_lowercase();
        Self::ALL
            .into_iter()
            .find(|f| f.extensions().contains(&ext.as_str()))
    }
}

/// One imported image and what the catalogue knows about it.
#[derive(Clone, Debug, PartialEq)]
pub struct Photo {
    pub id: PhotoId,
    pub hash: ContentHash,
    pub format: PhotoFormat,
    pub original_name: String,
    pub file_size: u64,
    /// Pixel size after the EXIF orientation is applied.
    pub width: u32,
    pub height: u32,
    pub taken_at: TakenAt,
    pub camera: Option<String>,
    pub view: Option<View>,
    pub lighting: Option<Lighting>,
    pub person: Option<PersonId>,
    pub series: Option<SeriesId>,
    pub session: Option<SessionId>,
    pub notes: String,
    pub imported_at: chrono::DateTime<chrono::Utc>,
    pub trashed_at: Option<chrono::DateTime<chrono::Utc>>,
    /// The embedded colour profile previews were converted to sRGB from (None: sRGB assumed).
    pub colour_profile: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keyed_enums_round_trip_and_accept_loose_spelling() {
        for v in View::ALL {
            assert_eq!(View::from_key(v.key()), Some(*v));
        }
        assert_eq!("Left Oblique".parse::<View>(), Ok(View::LeftOblique));
        assert_eq!(
            "cross_polarised".parse::<Lighting>(),
            Ok(Lighting::CrossPolarised)
        );
        let err = "sideways".parse::<View>().unwrap_err();
        assert!(err.to_string().contains("frontal, left-oblique"), "{err}");
    }

    #[test]
    fn content_hash_parse_rejects_anything_but_hex() {
        let h = ContentHash::of(b"abc");
        assert_eq!(ContentHash::parse(h.as_str()), Some(h.clone()));
        assert_eq!(h.shard().len(), 2);
        assert!(ContentHash::parse("../etc/passwd").is_none());
        assert!(ContentHash::parse(&h.as_str().to_uppercase()).is_none());
    }
}
