//! What an original's EXIF says: when it was taken, how it is oriented, which camera.

use chrono::{FixedOffset, NaiveDate, NaiveDateTime};
use exif::{In, Reader, Tag, Value};
use std::io::Cursor;

/// The EXIF orientation (1–8) of an image; anything else means "as stored".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Orientation(u8);

impl Orientation {
    pub const AS_STORED: Self = Self(1);

    pub fn from_exif(value: u32) -> Option<Self> {
        (1..=8).contains(&value).then_some(Self(value as u8))
    }

    pub fn exif_value(self) -> u8 {
        self.0
    }

    /// Orientations 5–8 turn the image by a quarter, swapping width and height.
    pub fn swaps_sides(self) -> bool {
        self.0 >= 5
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PhotoMetadata {
    /// The capture time and, when the camera wrote it, its UTC offset.
    pub taken_at: Option<(NaiveDateTime, Option<FixedOffset>)>,
    pub orientation: Option<Orientation>,
    pub camera: Option<String>,
    /// Problems with metadata in an otherwise valid image: worth a warning, never a failure.
    pub warnings: Vec<String>,
}

/// Reads EXIF from a JPEG, PNG, WebP or TIFF. Missing EXIF is normal; unreadable EXIF is a
/// warning.
pub fn read_metadata(bytes: &[u8]) -> PhotoMetadata {
    let mut meta = PhotoMetadata::default();
    let exif = match Reader::new().read_from_container(&mut Cursor::new(bytes)) {
        Ok(exif) => exif,
        Err(exif::Error::NotFound(_)) => return meta,
        Err(e) => {
            meta.warnings.push(format!("unreadable EXIF ignored ({e})"));
            return meta;
        }
    };
    let ascii = |tag: Tag| -> Option<String> {
        match &exif.get_field(tag, In::PRIMARY)?.value {
            Value::Ascii(parts) => {
                let text = String::from_utf8_lossy(parts.first()?)
                    .trim()
                    .trim_end_matches('\0')
                    .trim()
                    .to_owned();
                (!text.is_empty()).then_some(text)
            }
            _ => None,
        }
    };
    for (time_tag, offset_tag) in [
        (Tag::DateTimeOriginal, Tag::OffsetTimeOriginal),
        (Tag::DateTime, Tag::OffsetTime),
    ] {
        let Some(text) = ascii(time_tag) else {
            continue;
        };
        match parse_exif_datetime(&text) {
            Some(local) => {
                let offset = ascii(offset_tag).and_then(|o| {
                    let parsed = parse_exif_offset(&o);
                    if parsed.is_none() {
                        meta.warnings.push(format!(
                            "EXIF {offset_tag} {o:?} is not a UTC offset; ignored"
                        ));
                    }
                    parsed
                });
                meta.taken_at = Some((local, offset));
                break;
            }
            None => meta.warnings.push(format!(
                "EXIF {time_tag} {text:?} is not a valid date; ignored"
            )),
        }
    }
    if let Some(field) = exif.get_field(Tag::Orientation, In::PRIMARY) {
        meta.orientation = field.value.get_uint(0).and_then(Orientation::from_exif);
    }
    meta.camera = match (ascii(Tag::Make), ascii(Tag::Model)) {
        (Some(make), Some(model)) if model.starts_with(&make) => Some(model),
        (Some(make), Some(model)) => Some(format!("{make} {model}")),
        (make, model) => make.or(model),
    };
    meta
}

/// `YYYY:MM:DD HH:MM:SS`, a real date in a plausible range.
pub fn parse_exif_datetime(text: &str) -> Option<NaiveDateTime> {
    let dt = exif::DateTime::from_ascii(text.as_bytes()).ok()?;
    if !(1900..=2200).contains(&dt.year) {
        return None;
    }
    NaiveDate::from_ymd_opt(i32::from(dt.year), u32::from(dt.month), u32::from(dt.day))?
        .and_hms_opt(
            u32::from(dt.hour),
            u32::from(dt.minute),
            u32::from(dt.second),
        )
}

/// `+HH:MM` or `-HH:MM`, as EXIF 2.31 writes offsets.
pub fn parse_exif_offset(text: &str) -> Option<FixedOffset> {
    let bytes = text.trim().as_bytes();
    if bytes.len() != 6 || bytes[3] != b':' {
        return None;
    }
    let sign = match bytes[0] {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let num = |s: &[u8]| std::str::from_utf8(s).ok()?.parse::<i32>().ok();
    let (hours, minutes) = (num(&bytes[1..3])?, num(&bytes[4..6])?);
    if hours > 18 || minutes > 59 {
        return None;
    }
    FixedOffset::east_opt(sign * (hours * 3600 + minutes * 60))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exif_dates_and_offsets_parse_strictly() {
        let dt = parse_exif_datetime("2024:03:05 14:30:00").unwrap();
        assert_eq!(dt.to_string(), "2024-03-05 14:30:00");
        assert!(parse_exif_datetime("0000:00:00 00:00:00").is_none());
        assert!(parse_exif_datetime("2024:02:30 10:00:00").is_none());
        assert!(parse_exif_datetime("    :  :     :  :  ").is_none());
        assert_eq!(
            parse_exif_offset("+05:30"),
            FixedOffset::east_opt(5 * 3600 + 1800)
        );
        assert_eq!(parse_exif_offset("-08:00"), FixedOffset::west_opt(8 * 3600));
        assert_eq!(parse_exif_offset("Z"), None);
        assert_eq!(parse_exif_offset("+25:00"), None);
    }

    #[test]
    fn no_exif_is_no_warning() {
        let meta = read_metadata(b"\xFF\xD8\xFF\xD9");
        assert_eq!(meta, PhotoMetadata::default());
    }

    #[test]
    fn orientation_range_is_checked() {
        assert!(Orientation::from_exif(0).is_none());
        assert!(Orientation::from_exif(9).is_none());
        assert!(Orientation::from_exif(6).unwrap().swaps_sides());
        assert!(!Orientation::from_exif(4).unwrap().swaps_sides());
    }
}
