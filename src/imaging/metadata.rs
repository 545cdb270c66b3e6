//! What an original's metadata says: when it was taken (and from which field), how it is
//! oriented, which camera. Read forgivingly: a broken directory costs only its own fields,
//! and XMP stands in where EXIF is silent. See [`crate::model::TakenAt`] for the order.

use super::containers;
use crate::model::{PhotoFormat, TimeSource};
use chrono::{FixedOffset, NaiveDate, NaiveDateTime};
use exif::{Exif, Field, In, Reader, Value};

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

/// A time read from a file, and which field it came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FoundTime {
    pub local: NaiveDateTime,
    pub offset: Option<FixedOffset>,
    pub source: TimeSource,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PhotoMetadata {
    /// The capture time (`DateTimeOriginal`, else `DateTimeDigitized`, else XMP).
    pub taken_at: Option<FoundTime>,
    /// EXIF `DateTime`: when the file was last changed. Never a capture time.
    pub modified_at: Option<FoundTime>,
    pub orientation: Option<Orientation>,
    pub camera: Option<String>,
    /// Problems with metadata in an otherwise valid image: worth a warning, never a failure.
    pub warnings: Vec<String>,
}

// EXIF tag numbers; looked up by number so that CR3's separate EXIF directory (stored as its
// own little TIFF) is read like any other.
const MAKE: u16 = 0x010F;
const MODEL: u16 = 0x0110;
const ORIENTATION: u16 = 0x0112;
const DATE_TIME: u16 = 0x0132;
const DATE_TIME_ORIGINAL: u16 = 0x9003;
const DATE_TIME_DIGITIZED: u16 = 0x9004;
const OFFSET_TIME: u16 = 0x9010;
const OFFSET_TIME_ORIGINAL: u16 = 0x9011;
const OFFSET_TIME_DIGITIZED: u16 = 0x9012;
const SUB_SEC_TIME: u16 = 0x9290;
const SUB_SEC_TIME_ORIGINAL: u16 = 0x9291;
const SUB_SEC_TIME_DIGITIZED: u16 = 0x9292;

/// Reads EXIF and XMP from any supported format (told from the content). Missing metadata is
/// normal; unreadable parts are warnings and every readable field is kept.
pub fn read_metadata(bytes: &[u8]) -> PhotoMetadata {
    let Ok(format) = super::sniff(bytes) else {
        return PhotoMetadata::default();
    };
    read_metadata_of(bytes, format)
}

/// [`read_metadata`] for a file whose format is known.
pub fn read_metadata_of(bytes: &[u8], format: PhotoFormat) -> PhotoMetadata {
    let blocks = containers::blocks(bytes, format);
    let mut meta = PhotoMetadata::default();
    let mut fields = Fields::default();
    for block in blocks.exif {
        fields.read(block, &mut meta.warnings);
    }
    fields.fill(&mut meta);
    for xmp in &blocks.xmp {
        super::xmp::fill(xmp, &mut meta);
    }
    meta
}

/// The primary-image fields of every EXIF block read, first block first.
#[derive(Default)]
struct Fields(Vec<Field>);

impl Fields {
    fn read(&mut self, tiff: Vec<u8>, warnings: &mut Vec<String>) {
        let exif: Exif = match Reader::new().continue_on_error(true).read_raw(tiff) {
            Ok(exif) => exif,
            Err(exif::Error::PartialResult(partial)) => {
                let (exif, errors) = partial.into_inner();
                let kept = exif.fields().filter(|f| f.ifd_num == In::PRIMARY).count();
                let what: Vec<String> = errors.iter().map(ToString::to_string).collect();
                warnings.push(format!(
                    "part of the EXIF data is damaged ({}); the {kept} readable fields were kept",
                    what.join("; ")
                ));
                exif
            }
            Err(e) => {
                warnings.push(format!(
                    "the EXIF data cannot be read ({e}); it was ignored"
                ));
                return;
            }
        };
        self.0
            .extend(exif.fields().filter(|f| f.ifd_num == In::PRIMARY).cloned());
    }

    fn get(&self, number: u16) -> Option<&Field> {
        self.0.iter().find(|f| f.tag.number() == number)
    }

    fn ascii(&self, number: u16) -> Option<String> {
        match &self.get(number)?.value {
            Value::Ascii(parts) => {
                let text = String::from_utf8_lossy(parts.first()?)
                    .trim_matches(|c: char| c == '\0' || c.is_whitespace())
                    .to_owned();
                (!text.is_empty()).then_some(text)
            }
            _ => None,
        }
    }

    fn time(
        &self,
        [time, offset, sub]: [u16; 3],
        source: TimeSource,
        warnings: &mut Vec<String>,
    ) -> Option<FoundTime> {
        let text = self.ascii(time)?;
        let Some(mut local) = parse_exif_datetime(&text) else {
            warnings.push(format!(
                "EXIF {} {text:?} is not a valid date; ignored",
                tag_name(time)
            ));
            return None;
        };
        if let Some(fraction) = self.ascii(sub).and_then(|s| parse_sub_seconds(&s)) {
            local += fraction;
        }
        let offset = self.ascii(offset).and_then(|o| {
            let parsed = parse_exif_offset(&o);
            if parsed.is_none() {
                warnings.push(format!(
                    "EXIF {} {o:?} is not a UTC offset; ignored",
                    tag_name(offset)
                ));
            }
            parsed
        });
        Some(FoundTime {
            local,
            offset,
            source,
        })
    }

    fn fill(&self, meta: &mut PhotoMetadata) {
        let warnings = &mut meta.warnings;
        meta.taken_at = self
            .time(
                [
                    DATE_TIME_ORIGINAL,
                    OFFSET_TIME_ORIGINAL,
                    SUB_SEC_TIME_ORIGINAL,
                ],
                TimeSource::ExifOriginal,
                warnings,
            )
            .or_else(|| {
                self.time(
                    [
                        DATE_TIME_DIGITIZED,
                        OFFSET_TIME_DIGITIZED,
                        SUB_SEC_TIME_DIGITIZED,
                    ],
                    TimeSource::ExifDigitized,
                    warnings,
                )
            });
        meta.modified_at = self.time(
            [DATE_TIME, OFFSET_TIME, SUB_SEC_TIME],
            TimeSource::ExifModified,
            warnings,
        );
        meta.orientation = self
            .get(ORIENTATION)
            .and_then(|f| f.value.get_uint(0))
            .and_then(Orientation::from_exif);
        meta.camera = match (self.ascii(MAKE), self.ascii(MODEL)) {
            (Some(make), Some(model)) if model.starts_with(&make) => Some(model),
            (Some(make), Some(model)) => Some(format!("{make} {model}")),
            (make, model) => make.or(model),
        };
    }
}

fn tag_name(number: u16) -> &'static str {
    match number {
        DATE_TIME_ORIGINAL => "DateTimeOriginal",
        DATE_TIME_DIGITIZED => "DateTimeDigitized",
        DATE_TIME => "DateTime",
        OFFSET_TIME_ORIGINAL => "OffsetTimeOriginal",
        OFFSET_TIME_DIGITIZED => "OffsetTimeDigitized",
        _ => "OffsetTime",
    }
}

/// EXIF sub-seconds: the digits are a decimal fraction ("25" = 0.25 s).
fn parse_sub_seconds(text: &str) -> Option<chrono::Duration> {
    let digits: String = text
        .trim()
        .chars()
        .take_while(char::is_ascii_digit)
        .take(9)
        .collect();
    if digits.is_empty() {
        return None;
    }
    let nanos: i64 = format!("{digits:0<9}").parse().ok()?;
    Some(chrono::Duration::nanoseconds(nanos))
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
    fn sub_seconds_are_a_decimal_fraction() {
        assert_eq!(
            parse_sub_seconds("25"),
            Some(chrono::Duration::milliseconds(250))
        );
        assert_eq!(
            parse_sub_seconds("007 "),
            Some(chrono::Duration::milliseconds(7))
        );
        assert_eq!(parse_sub_seconds("  "), None);
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
