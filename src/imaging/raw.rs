//! Camera RAW files (DNG, CR2, CR3, NEF, ARW): the original is kept as it is; what is shown
//! is the full-size JPEG the camera embedded in it (what Lightroom and digiKam show first).
//!
//! Rather than knowing every maker's layout, the file is scanned for embedded JPEG streams;
//! each is measured from its frame header, lossless-JPEG raw data (SOF3) is skipped, and the
//! largest baseline or progressive one that decodes is used.

use super::decode::DecodeError;
use crate::model::PhotoFormat;

/// A preview smaller than this on its long edge is a thumbnail, not something to judge skin by.
pub const MIN_PREVIEW_EDGE: u32 = 1000;

/// An embedded JPEG: where it starts in the file and its pixel size.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EmbeddedJpeg {
    pub start: usize,
    pub width: u32,
    pub height: u32,
}

/// Every embedded baseline or progressive JPEG, largest first.
pub fn embedded_jpegs(bytes: &[u8]) -> Vec<EmbeddedJpeg> {
    let mut found = Vec::new();
    let mut at = 0;
    while let Some(pos) = find(&bytes[at..], &[0xFF, 0xD8, 0xFF]) {
        let start = at + pos;
        if let Some((width, height)) = frame_size(&bytes[start..]) {
            found.push(EmbeddedJpeg {
                start,
                width,
                height,
            });
        }
        at = start + 3;
    }
    found.sort_by_key(|j| std::cmp::Reverse(u64::from(j.width) * u64::from(j.height)));
    found
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// The size in a JPEG's SOF0/1/2 header, walking the marker segments from its SOI. None for
/// lossless (SOF3, how raw sensor data is often stored) and for anything not a JPEG.
fn frame_size(jpeg: &[u8]) -> Option<(u32, u32)> {
    let mut i = 2;
    // Segments before the frame header are few and short; give up on anything else.
    for _ in 0..64 {
        if jpeg.get(i)? != &0xFF {
            return None;
        }
        let marker = *jpeg.get(i + 1)?;
        if marker == 0xFF {
            i += 1;
            continue;
        }
        let len = usize::from(u16::from_be_bytes([*jpeg.get(i + 2)?, *jpeg.get(i + 3)?]));
        if len < 2 {
            return None;
        }
        match marker {
            0xC0..=0xC2 => {
                let seg = jpeg.get(i + 4..i + 2 + len)?;
                let height = u32::from(u16::from_be_bytes([*seg.get(1)?, *seg.get(2)?]));
                let width = u32::from(u16::from_be_bytes([*seg.get(3)?, *seg.get(4)?]));
                let components = *seg.get(5)?;
                return (width > 0 && height > 0 && matches!(components, 1 | 3))
                    .then_some((width, height));
            }
            0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF | 0xDA | 0xD9 => return None,
            _ => i += 2 + len,
        }
    }
    None
}

/// The embedded JPEG to show for a RAW file, or why there is none worth showing.
pub fn preview(bytes: &[u8], format: PhotoFormat) -> Result<&[u8], DecodeError> {
    let candidates = embedded_jpegs(bytes);
    let Some(best) = candidates.first() else {
        return Err(DecodeError::NoPreview {
            format: format.name(),
            detail: "it holds no embedded JPEG preview".into(),
        });
    };
    if best.width.max(best.height) < MIN_PREVIEW_EDGE {
        return Err(DecodeError::NoPreview {
            format: format.name(),
            detail: format!(
                "its largest embedded preview is only {}×{} pixels",
                best.width, best.height
            ),
        });
    }
    Ok(&bytes[best.start..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_largest_embedded_jpeg_and_skips_lossless_data() {
        let small = crate::imaging::derive::encode_jpeg(&image::RgbImage::new(160, 120), 80);
        let big = crate::imaging::derive::encode_jpeg(&image::RgbImage::new(1200, 800), 80);
        // A lossless (SOF3) stream, as raw sensor data is stored.
        let lossless = [
            0xFF, 0xD8, 0xFF, 0xC3, 0x00, 0x0B, 8, 0x10, 0x00, 0x20, 0x00, 1, 1,
        ];
        let mut file = b"II*\0junk".to_vec();
        file.extend_from_slice(&small);
        file.extend_from_slice(&lossless);
        file.extend_from_slice(&big);
        let found = embedded_jpegs(&file);
        assert_eq!(found.len(), 2);
        assert_eq!((found[0].width, found[0].height), (1200, 800));
        assert_eq!(preview(&file, PhotoFormat::Dng).unwrap().len(), big.len());
    }

    #[test]
    fn a_thumbnail_only_raw_is_refused_with_its_size() {
        let small = crate::imaging::derive::encode_jpeg(&image::RgbImage::new(160, 120), 80);
        let err = preview(&small, PhotoFormat::Cr2).unwrap_err();
        assert!(err.to_string().contains("160×120"), "{err}");
        let err = preview(b"II*\0nothing", PhotoFormat::Nef).unwrap_err();
        assert!(err.to_string().contains("no embedded JPEG"), "{err}");
    }
}
