//! The one entry point for turning an original's bytes into pixels. A new format (HEIC, say)
//! plugs in here: [`sniff`] learns its signature and [`decode`] its decoder.

use crate::model::PhotoFormat;
use image::{ImageFormat, ImageReader, Limits, RgbImage};
use std::io::Cursor;

/// Largest image accepted, in pixels: beyond any camera, small enough to bound memory.
pub const MAX_PIXELS: u64 = 250_000_000;
/// Largest single side accepted.
pub const MAX_SIDE: u32 = 40_000;
/// The decoder may allocate at most this much for one image.
pub const MAX_ALLOC: u64 = 1024 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("empty file (0 bytes)")]
    Empty,
    #[error("unsupported format {0} (supported: JPEG, PNG, WebP, TIFF)")]
    Unsupported(&'static str),
    #[error("not an image (content is not JPEG, PNG, WebP or TIFF)")]
    NotAnImage,
    #[error(
        "image is {width}×{height} pixels, beyond the limit of {limit} megapixels or {side} pixels a side"
    )]
    TooLarge {
        width: u32,
        height: u32,
        limit: u64,
        side: u32,
    },
    #[error("truncated {0} file (the image data ends early)")]
    Truncated(&'static str),
    #[error("corrupt {format} data: {reason}")]
    Corrupt {
        format: &'static str,
        reason: String,
    },
}

/// What kind of file `bytes` holds, judged by content only (extensions lie).
pub fn sniff(bytes: &[u8]) -> Result<PhotoFormat, DecodeError> {
    if bytes.is_empty() {
        return Err(DecodeError::Empty);
    }
    let starts = |sig: &[u8]| bytes.starts_with(sig);
    if starts(&[0xFF, 0xD8, 0xFF]) {
        return Ok(PhotoFormat::Jpeg);
    }
    if starts(b"\x89PNG\r\n\x1a\n") {
        return Ok(PhotoFormat::Png);
    }
    if bytes.len() >= 12 && starts(b"RIFF") && &bytes[8..12] == b"WEBP" {
        return Ok(PhotoFormat::Webp);
    }
    if starts(b"II*\0") || starts(b"MM\0*") {
        return Ok(PhotoFormat::Tiff);
    }
    if bytes.len() >= 12 && &bytes[4..8] == b"ftyp" {
        return Err(DecodeError::Unsupported(match &bytes[8..12] {
            b"avif" | b"avis" => "AVIF",
            b"heic" | b"heix" | b"hevc" | b"heim" | b"heis" | b"mif1" | b"msf1" => "HEIC",
            _ => "ISO media (video?)",
        }));
    }
    let other = [
        (&b"GIF8"[..], "GIF"),
        (b"BM", "BMP"),
        (b"%PDF", "PDF"),
        (b"8BPS", "Photoshop PSD"),
        (b"\0\0\0\x0cjXL ", "JPEG XL"),
        (b"\xff\x0a", "JPEG XL"),
    ];
    for (sig, name) in other {
        if starts(sig) {
            return Err(DecodeError::Unsupported(name));
        }
    }
    Err(DecodeError::NotAnImage)
}

fn image_format(format: PhotoFormat) -> ImageFormat {
    match format {
        PhotoFormat::Jpeg => ImageFormat::Jpeg,
        PhotoFormat::Png => ImageFormat::Png,
        PhotoFormat::Webp => ImageFormat::WebP,
        PhotoFormat::Tiff => ImageFormat::Tiff,
    }
}

fn limits() -> Limits {
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_ALLOC);
    limits
}

fn reader(bytes: &[u8], format: PhotoFormat) -> ImageReader<Cursor<&[u8]>> {
    let mut reader = ImageReader::new(Cursor::new(bytes));
    reader.set_format(image_format(format));
    reader.limits(limits());
    reader
}

fn too_large(width: u32, height: u32) -> DecodeError {
    DecodeError::TooLarge {
        width,
        height,
        limit: MAX_PIXELS / 1_000_000,
        side: MAX_SIDE,
    }
}

fn describe(format: PhotoFormat, err: &image::ImageError) -> DecodeError {
    let reason = err.to_string();
    let lower = reason.to_lowercase();
    if lower.contains("eof")
        || lower.contains("end of file")
        || lower.contains("unexpected end")
        || lower.contains("truncat")
        || lower.contains("no more bytes")
        || lower.contains("not enough")
    {
        return DecodeError::Truncated(format.name());
    }
    DecodeError::Corrupt {
        format: format.name(),
        reason,
    }
}

/// The stored pixel size, read from the header without decoding.
pub fn dimensions(bytes: &[u8], format: PhotoFormat) -> Result<(u32, u32), DecodeError> {
    reader(bytes, format)
        .into_dimensions()
        .map_err(|e| match e {
            image::ImageError::Limits(_) => too_large(0, 0),
            e => describe(format, &e),
        })
}

/// Decodes to 8-bit RGB (alpha is composited onto white), refusing images beyond the
/// limits before allocating for them.
pub fn decode(bytes: &[u8], format: PhotoFormat) -> Result<RgbImage, DecodeError> {
    let (width, height) = match dimensions(bytes, format) {
        Err(DecodeError::TooLarge { .. }) => return Err(too_large_from_header(bytes, format)),
        other => other?,
    };
    if u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(too_large(width, height));
    }
    if format == PhotoFormat::Jpeg && !jpeg_has_end(bytes) {
        return Err(DecodeError::Truncated(format.name()));
    }
    let image = reader(bytes, format).decode().map_err(|e| match e {
        image::ImageError::Limits(_) => too_large(width, height),
        e => describe(format, &e),
    })?;
    Ok(if image.color().has_alpha() {
        over_white(&image.into_rgba8())
    } else {
        image.into_rgb8()
    })
}

/// The declared size of an oversized image, for the message (decoders refuse to report it).
fn too_large_from_header(bytes: &[u8], format: PhotoFormat) -> DecodeError {
    let mut reader = ImageReader::new(Cursor::new(bytes));
    reader.set_format(image_format(format));
    reader.no_limits();
    match reader.into_dimensions() {
        Ok((w, h)) => too_large(w, h),
        Err(_) => too_large(0, 0),
    }
}

/// A JPEG whose last marker is not End Of Image was cut short. The JPEG decoder fills a
/// missing tail with grey instead of failing, which would import a damaged photo silently.
/// Some cameras append data after the end marker, so look for it near the end, not at it.
fn jpeg_has_end(bytes: &[u8]) -> bool {
    let tail = &bytes[bytes.len().saturating_sub(1 << 20)..];
    // Skip trailing zero padding some writers add.
    let trimmed = tail
        .iter()
        .rposition(|&b| b != 0)
        .map_or(&tail[..0], |i| &tail[..=i]);
    if trimmed.ends_with(&[0xFF, 0xD9]) {
        return true;
    }
    // Data appended after the image (e.g. a trailer): accept if an EOI appears after the
    // last Start Of Scan, i.e. the entropy-coded data was closed.
    let last_sos = bytes.windows(2).rposition(|w| w == [0xFF, 0xDA]);
    let last_eoi = bytes.windows(2).rposition(|w| w == [0xFF, 0xD9]);
    matches!((last_sos, last_eoi), (Some(s), Some(e)) if e > s)
}

fn over_white(rgba: &image::RgbaImage) -> RgbImage {
    RgbImage::from_fn(rgba.width(), rgba.height(), |x, y| {
        let [r, g, b, a] = rgba.get_pixel(x, y).0;
        let blend =
            |c: u8| ((u16::from(c) * u16::from(a) + 255 * (255 - u16::from(a))) / 255) as u8;
        image::Rgb([blend(r), blend(g), blend(b)])
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniff_names_formats_by_content() {
        assert_eq!(sniff(b""), Err(DecodeError::Empty));
        assert_eq!(sniff(b"hello world"), Err(DecodeError::NotAnImage));
        assert_eq!(
            sniff(b"\0\0\0\x18ftypheic\0\0\0\0"),
            Err(DecodeError::Unsupported("HEIC"))
        );
        assert_eq!(sniff(b"GIF89a..."), Err(DecodeError::Unsupported("GIF")));
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0]), Ok(PhotoFormat::Jpeg));
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 "), Ok(PhotoFormat::Webp));
    }

    #[test]
    fn alpha_is_composited_on_white() {
        let mut rgba = image::RgbaImage::new(1, 1);
        rgba.put_pixel(0, 0, image::Rgba([0, 0, 0, 0]));
        assert_eq!(over_white(&rgba).get_pixel(0, 0).0, [255, 255, 255]);
    }
}
