//! When a photo was taken: a local wall-clock time, the UTC offset when it is known,
//! where the time came from, and whether it is only an estimate.
//!
//! The capture time is read, in this order, from EXIF `DateTimeOriginal`, EXIF
//! `DateTimeDigitized`, then XMP (`exif:DateTimeOriginal`, `xmp:CreateDate`,
//! `photoshop:DateCreated`). EXIF `DateTime` is when the file was last changed (an editor's
//! save, say) and the file's own time is when it was copied: both are kept as what they are,
//! an estimate labelled "modified …", never passed off as the capture time.

use super::{Keyed, UnknownKey, parse_keyed};
use chrono::{DateTime, FixedOffset, Local, NaiveDateTime, TimeZone};
use std::fmt;
use std::str::FromStr;

crate::model::keyed_enum!(
    /// Where a photo's time came from.
    TimeSource, "time source" {
        ExifOriginal => "exif-original", "EXIF DateTimeOriginal";
        ExifDigitized => "exif-digitized", "EXIF DateTimeDigitized";
        Xmp => "xmp", "XMP";
        ExifModified => "exif-modified", "EXIF DateTime (file changed)";
        FileModified => "file-modified", "file modification time";
        Imported => "imported", "import time";
        Manual => "manual", "entered by hand";
    }
);

impl TimeSource {
    /// True when the time says when the photo was taken; false when it only says when the
    /// file was changed, copied or imported.
    pub fn is_capture_time(self) -> bool {
        matches!(
            self,
            Self::ExifOriginal | Self::ExifDigitized | Self::Xmp | Self::Manual
        )
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TakenAt {
    /// The wall-clock time where the photo was taken.
    pub local: NaiveDateTime,
    /// The UTC offset of `local`, when the camera recorded it. Never invented.
    pub offset: Option<FixedOffset>,
    /// True when no capture time was recorded and this is the file's modification time.
    pub estimated: bool,
    /// Where the time came from.
    pub source: TimeSource,
}

const LOCAL_FORMAT: &str = "%Y-%m-%dT%H:%M:%S";
/// Sub-seconds are written (to the millisecond) only when the camera recorded them.
const LOCAL_FORMAT_MS: &str = "%Y-%m-%dT%H:%M:%S%.3f";
/// Parses either of the above.
const LOCAL_PARSE: &str = "%Y-%m-%dT%H:%M:%S%.f";

impl TakenAt {
    /// A time entered by hand: exact by definition.
    pub fn exact(local: NaiveDateTime, offset: Option<FixedOffset>) -> Self {
        Self::from_source(local, offset, TimeSource::Manual)
    }

    /// A time read from `source`; estimated unless the source records the capture.
    pub fn from_source(
        local: NaiveDateTime,
        offset: Option<FixedOffset>,
        source: TimeSource,
    ) -> Self {
        Self {
            local,
            offset,
            estimated: !source.is_capture_time(),
            source,
        }
    }

    /// An estimate from a file time: the instant is known, so the offset in force on this
    /// machine at that instant is known too.
    pub fn estimated_from(instant: DateTime<Local>) -> Self {
        Self::from_source(
            instant.naive_local(),
            Some(*instant.offset()),
            TimeSource::FileModified,
        )
    }

    /// What a person should read next to the date: the date itself for a capture time,
    /// else what the date really is, e.g. "modified 2021-03-04 — capture time unknown".
    pub fn label(&self) -> String {
        let day = self.local.format("%Y-%m-%d");
        match self.source {
            s if s.is_capture_time() => self.to_iso(),
            TimeSource::Imported => format!("imported {day} — capture time unknown"),
            _ => format!("modified {day} — capture time unknown"),
        }
    }

    /// An estimate from a file's modification time, or `None` when that time lies outside
    /// the calendar (file systems can hold times millions of years away; chrono cannot).
    pub fn from_file_time(time: std::time::SystemTime) -> Option<Self> {
        let utc = match time.duration_since(std::time::UNIX_EPOCH) {
            Ok(after) => DateTime::from_timestamp(
                i64::try_from(after.as_secs()).ok()?,
                after.subsec_nanos(),
            )?,
            Err(before) => {
                let before = before.duration();
                let secs = i64::try_from(before.as_secs()).ok()?;
                DateTime::from_timestamp(-secs, 0)?.checked_sub_signed(
                    chrono::TimeDelta::nanoseconds(i64::from(before.subsec_nanos())),
                )?
            }
        };
        // The local offset can push a time at the calendar's edge over it.
        let local = Local.offset_from_utc_datetime(&utc.naive_utc());
        utc.naive_utc().checked_add_offset(local)?;
        Some(Self::estimated_from(utc.with_timezone(&Local)))
    }

    /// The local time as stored in the catalogue (sorts chronologically as text).
    pub fn local_text(&self) -> String {
        self.local.format(self.local_format()).to_string()
    }

    fn local_format(&self) -> &'static str {
        if self.local.and_utc().timestamp_subsec_millis() == 0 {
            LOCAL_FORMAT
        } else {
            LOCAL_FORMAT_MS
        }
    }

    pub fn parse_local_text(text: &str) -> Option<NaiveDateTime> {
        NaiveDateTime::parse_from_str(text, LOCAL_PARSE).ok()
    }

    /// Offset in whole minutes east of UTC, as stored.
    pub fn offset_minutes(&self) -> Option<i32> {
        self.offset.map(|o| o.local_minus_utc() / 60)
    }

    pub fn offset_from_minutes(minutes: i32) -> Option<FixedOffset> {
        FixedOffset::east_opt(minutes.checked_mul(60)?)
    }

    /// ISO 8601, with the offset when it is known: `2024-03-05T14:30:00+01:00`.
    pub fn to_iso(&self) -> String {
        match self.offset {
            Some(offset) => match offset.from_local_datetime(&self.local).single() {
                Some(dt) => format!("{}{}", dt.format(self.local_format()), dt.format("%:z")),
                None => self.local_text(),
            },
            None => self.local_text(),
        }
    }

    /// Parses what [`TakenAt::to_iso`] writes (with or without offset); also accepts a space
    /// instead of `T` and a missing seconds field, as people type it.
    pub fn parse_iso(text: &str) -> Option<(NaiveDateTime, Option<FixedOffset>)> {
        let text = text.trim().replacen(' ', "T", 1);
        if let Ok(dt) = DateTime::parse_from_rfc3339(&text) {
            return Some((dt.naive_local(), Some(*dt.offset())));
        }
        for format in ["%Y-%m-%dT%H:%M:%S%:z", "%Y-%m-%dT%H:%M%:z"] {
            if let Ok(dt) = DateTime::parse_from_str(&text, format) {
                return Some((dt.naive_local(), Some(*dt.offset())));
            }
        }
        for format in [LOCAL_FORMAT, "%Y-%m-%dT%H:%M"] {
            if let Ok(local) = NaiveDateTime::parse_from_str(&text, format) {
                return Some((local, None));
            }
        }
        None
    }
}

impl fmt::Display for TakenAt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.source.is_capture_time() {
            f.write_str(&self.to_iso())?;
            if self.estimated {
                f.write_str(" (estimated)")?;
            }
            Ok(())
        } else {
            f.write_str(&self.label())
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn file_times_beyond_the_calendar_are_no_time() {
        let far = std::time::UNIX_EPOCH + std::time::Duration::from_secs(10_000_000_000_000);
        assert_eq!(TakenAt::from_file_time(far), None);
        let long_ago = std::time::UNIX_EPOCH - std::time::Duration::from_secs(10_000_000_000_000);
        assert_eq!(TakenAt::from_file_time(long_ago), None);
        let t = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_700_000_000);
        let taken = TakenAt::from_file_time(t).unwrap();
        assert!(taken.estimated);
        assert_eq!(
            taken.local.and_utc().timestamp() - i64::from(taken.offset.unwrap().local_minus_utc()),
            1_700_000_000
        );
    }

    use super::*;
    use chrono::NaiveDate;

    fn at(h: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2024, 3, 5)
            .unwrap()
            .and_hms_opt(h, 30, 0)
            .unwrap()
    }

    #[test]
    fn iso_has_offset_only_when_known() {
        let plus_one = FixedOffset::east_opt(3600).unwrap();
        assert_eq!(
            TakenAt::exact(at(14), Some(plus_one)).to_iso(),
            "2024-03-05T14:30:00+01:00"
        );
        assert_eq!(TakenAt::exact(at(14), None).to_iso(), "2024-03-05T14:30:00");
        let minus = FixedOffset::west_opt(5 * 3600 + 1800).unwrap();
        assert_eq!(
            TakenAt::exact(at(9), Some(minus)).to_iso(),
            "2024-03-05T09:30:00-05:30"
        );
    }

    #[test]
    fn parse_iso_round_trips() {
        let plus_one = FixedOffset::east_opt(3600).unwrap();
        let t = TakenAt::exact(at(14), Some(plus_one));
        assert_eq!(
            TakenAt::parse_iso(&t.to_iso()),
            Some((at(14), Some(plus_one)))
        );
        assert_eq!(TakenAt::parse_iso("2024-03-05 14:30"), Some((at(14), None)));
        assert_eq!(TakenAt::parse_iso("yesterday"), None);
    }

    #[test]
    fn sub_seconds_are_kept_only_when_recorded() {
        let t = TakenAt::exact(
            at(9) + chrono::Duration::milliseconds(250),
            FixedOffset::east_opt(3600),
        );
        assert_eq!(t.to_iso(), "2024-03-05T09:30:00.250+01:00");
        assert_eq!(t.local_text(), "2024-03-05T09:30:00.250");
        assert_eq!(TakenAt::parse_local_text(&t.local_text()), Some(t.local));
        assert_eq!(
            TakenAt::parse_local_text("2024-03-05T09:30:00"),
            Some(at(9))
        );
    }

    #[test]
    fn a_modified_time_is_labelled_as_what_it_is() {
        let t = TakenAt::from_source(at(9), None, TimeSource::ExifModified);
        assert!(t.estimated);
        assert_eq!(t.label(), "modified 2024-03-05 — capture time unknown");
        assert_eq!(t.to_string(), t.label());
        let t = TakenAt::from_source(at(9), None, TimeSource::ExifDigitized);
        assert!(!t.estimated);
        assert_eq!(t.label(), "2024-03-05T09:30:00");
    }
}
