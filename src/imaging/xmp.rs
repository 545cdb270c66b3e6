//! XMP as a fallback for what EXIF does not say: the capture time (`exif:DateTimeOriginal`,
//! then `xmp:CreateDate`, then `photoshop:DateCreated`) and the orientation
//! (`tiff:Orientation`). Properties are read whether written as attributes
//! (`exif:DateTimeOriginal="…"`) or as elements (`<xmp:CreateDate>…</xmp:CreateDate>`).

use super::metadata::{FoundTime, Orientation, PhotoMetadata};
use crate::model::TimeSource;
use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime};

const EXIF_NS: &str = "http://ns.adobe.com/exif/1.0/";
const XMP_NS: &str = "http://ns.adobe.com/xap/1.0/";
const PHOTOSHOP_NS: &str = "http://ns.adobe.com/photoshop/1.0/";
const TIFF_NS: &str = "http://ns.adobe.com/tiff/1.0/";

/// The prefix a packet binds to a namespace (older Adobe software wrote `xap:` for what is now
/// `xmp:`), or the usual one when the packet does not say.
fn prefixed(xmp: &str, namespace: &str, usual: &str, name: &str) -> String {
    let prefix = [format!("=\"{namespace}\""), format!("='{namespace}'")]
        .iter()
        .find_map(|decl| {
            let at = xmp.find(decl.as_str())?;
            let before = &xmp[..at];
            let start = before.rfind("xmlns:")? + "xmlns:".len();
            Some(before[start..].trim().to_owned())
        })
        .unwrap_or_else(|| usual.to_owned());
    format!("{prefix}:{name}")
}

/// Fills what `meta` lacks from one XMP packet.
pub fn fill(xmp: &str, meta: &mut PhotoMetadata) {
    if meta.taken_at.is_none() {
        let names = [
            prefixed(xmp, EXIF_NS, "exif", "DateTimeOriginal"),
            prefixed(xmp, XMP_NS, "xmp", "CreateDate"),
            prefixed(xmp, PHOTOSHOP_NS, "photoshop", "DateCreated"),
        ];
        meta.taken_at = names
            .iter()
            .find_map(|name| {
                let text = property(xmp, name)?;
                let parsed = parse_xmp_datetime(&text);
                if parsed.is_none() {
                    meta.warnings
                        .push(format!("XMP {name} {text:?} is not a valid date; ignored"));
                }
                parsed
            })
            .map(|(local, offset)| FoundTime {
                local,
                offset,
                source: TimeSource::Xmp,
            });
    }
    if meta.orientation.is_none() {
        meta.orientation = property(xmp, &prefixed(xmp, TIFF_NS, "tiff", "Orientation"))
            .and_then(|v| v.trim().parse().ok())
            .and_then(Orientation::from_exif);
    }
}

/// The value of a simple property, as an attribute or as an element.
fn property(xmp: &str, name: &str) -> Option<String> {
    let attribute = format!("{name}=");
    if let Some(at) = xmp.find(&attribute) {
        let rest = &xmp[at + attribute.len()..];
        let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
        let value = &rest[1..];
        let end = value.find(quote)?;
        return Some(value[..end].trim().to_owned());
    }
    let open = format!("<{name}>");
    let at = xmp.find(&open)?;
    let value = &xmp[at + open.len()..];
    let end = value.find(&format!("</{name}>"))?;
    let value = value[..end].trim();
    (!value.is_empty() && !value.starts_with('<')).then(|| value.to_owned())
}

/// ISO 8601 as XMP writes it: date, optional time with optional fraction, optional zone.
fn parse_xmp_datetime(text: &str) -> Option<(NaiveDateTime, Option<FixedOffset>)> {
    let text = text.trim();
    if let Ok(dt) = DateTime::parse_from_rfc3339(text) {
        return Some((dt.naive_local(), Some(*dt.offset())));
    }
    for format in ["%Y-%m-%dT%H:%M:%S%.f%:z", "%Y-%m-%dT%H:%M%:z"] {
        if let Ok(dt) = DateTime::parse_from_str(text, format) {
            return Some((dt.naive_local(), Some(*dt.offset())));
        }
    }
    for format in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M"] {
        if let Ok(local) = NaiveDateTime::parse_from_str(text, format) {
            return Some((local, None));
        }
    }
    let day = NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()?;
    Some((day.and_hms_opt(0, 0, 0)?, None))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_and_elements_both_count_in_the_documented_order() {
        let xmp = r#"<rdf:Description xmp:CreateDate="2013-07-04T17:23:10-03:00">
            <photoshop:DateCreated>2001-01-01</photoshop:DateCreated>
            <tiff:Orientation>6</tiff:Orientation></rdf:Description>"#;
        let mut meta = PhotoMetadata::default();
        fill(xmp, &mut meta);
        let t = meta.taken_at.unwrap();
        assert_eq!(t.local.to_string(), "2013-07-04 17:23:10");
        assert_eq!(t.offset, FixedOffset::west_opt(3 * 3600));
        assert_eq!(t.source, TimeSource::Xmp);
        assert_eq!(meta.orientation, Orientation::from_exif(6));
    }

    #[test]
    fn prefixes_follow_the_namespace_declarations() {
        let xmp = "<x xmlns:xap='http://ns.adobe.com/xap/1.0/'><xap:CreateDate>2009-03-06T22:15:29+01:00</xap:CreateDate></x>";
        let mut meta = PhotoMetadata::default();
        fill(xmp, &mut meta);
        assert_eq!(
            meta.taken_at.unwrap().local.to_string(),
            "2009-03-06 22:15:29"
        );
    }

    #[test]
    fn xmp_dates_take_fractions_and_missing_zones() {
        let (local, offset) = parse_xmp_datetime("2001-05-19T18:36:41.50").unwrap();
        assert_eq!(local.and_utc().timestamp_subsec_millis(), 500);
        assert_eq!(offset, None);
        assert!(
            parse_xmp_datetime("2018-10-27T13:27:23Z")
                .unwrap()
                .1
                .is_some()
        );
        assert!(parse_xmp_datetime("last summer").is_none());
    }
}
