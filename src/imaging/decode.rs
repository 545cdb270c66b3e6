//! The one entry point for turning an original's bytes into pixels: [`sniff`] tells the
//! format from the content, [`decode_picture`] gives sRGB pixels with what was learnt on the
//! way (colour profile, whether the file's own transformations were applied, damage).
//! JPEG, PNG, WebP and TIFF go through `image`; HEIF and AVIF through libheif
//! ([`super::heif`]); camera RAW through its embedded JPEG preview ([`super::raw`]).

use super::profile::{self, Conversion, Embedded};
use crate::model::PhotoFormat;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits, RgbImage};
use std::io::Cursor;

/// Largest image accepted, in pixels: beyond any camera, small enough to bound memory.
pub const MAX_PIXELS: u64 = 250_000_000;
/// Largest single side accepted.
pub const MAX_SIDE: u32 = 40_000;
/// The decoder may allocate at most this much for one image.
pub const MAX_ALLOC: u64 = 1024 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("the file is empty (0 bytes)")]
    Empty,
    #[error(
        "unsupported format {0}: Skinlapse reads JPEG, PNG, WebP, TIFF, HEIC/HEIF, AVIF and camera RAW (DNG, CR2, CR3, NEF, ARW)"
    )]
    Unsupported(&'static str),
    #[error(
        "not an image: the content is none of JPEG, PNG, WebP, TIFF, HEIC/HEIF, AVIF or camera RAW"
    )]
    NotAnImage,
    #[error(
        "the image is {width}×{height} pixels, beyond the limit of {limit} megapixels or {side} pixels a side"
    )]
    TooLarge {
        width: u32,
        height: u32,
        limit: u64,
        side: u32,
    },
    #[error(
        "the image declares a size beyond the limit of {limit} megapixels or {side} pixels a side"
    )]
    TooLargeUnknown { limit: u64, side: u32 },
    #[error("truncated {0} file: the image data ends early")]
    Truncated(&'static str),
    #[error("corrupt {format} data: {reason}")]
    Corrupt {
        format: &'static str,
        reason: String,
    },
    #[error(
        "{format} file without a usable preview: {detail}; developing RAW sensor data is not supported, so import the camera's JPEG instead (or one exported from a RAW developer)"
    )]
    NoPreview {
        format: &'static str,
        detail: String,
    },
}

/// An original decoded for showing: sRGB pixels and what was learnt on the way.
#[derive(Debug)]
pub struct Picture {
    /// sRGB pixels, as stored (EXIF orientation not applied) unless `upright`.
    pub image: RgbImage,
    /// True when the container's own transformations (HEIF `irot`/`imir`) were applied: EXIF
    /// orientation must then not be applied again.
    pub upright: bool,
    /// The colour profile converted from, and any trouble doing so.
    pub colour: Conversion,
    /// Damage that did not stop decoding, as sentences ("image data damaged from row …").
    pub warnings: Vec<String>,
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
        return Ok(tiff_kind(bytes));
    }
    if bytes.len() >= 12 && &bytes[4..8] == b"ftyp" {
        return iso_media_kind(bytes);
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

/// ISO media files name their kind in the `ftyp` box: its major brand, else its compatible
/// brands (compact HEIF files say `mif3`, with `heic` or `avif` among the compatible ones).
fn iso_media_kind(bytes: &[u8]) -> Result<PhotoFormat, DecodeError> {
    let size = u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]) as usize;
    let ftyp = &bytes[8..size.clamp(12, bytes.len())];
    let brands: Vec<&[u8]> = std::iter::once(&ftyp[..4])
        .chain(ftyp.get(8..).unwrap_or_default().chunks_exact(4))
        .collect();
    let has = |names: &[&[u8]]| brands.iter().any(|b| names.contains(b));
    if has(&[b"crx "]) {
        Ok(PhotoFormat::Cr3)
    } else if has(&[b"avif", b"avis", b"avio"]) {
        Ok(PhotoFormat::Avif)
    } else if has(&[
        b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"mif2", b"mif3", b"msf1",
    ]) {
        Ok(PhotoFormat::Heif)
    } else {
        Err(DecodeError::Unsupported("ISO media (a video?)"))
    }
}

/// TIFF-based camera RAW files are told apart by their first directory: DNG by its
/// `DNGVersion` tag, CR2 by its signature, NEF and ARW by their maker.
fn tiff_kind(bytes: &[u8]) -> PhotoFormat {
    if bytes.get(8..10) == Some(b"CR") {
        return PhotoFormat::Cr2;
    }
    let little = bytes[0] == b'I';
    let u16_at = |i: usize| {
        let b = bytes.get(i..i + 2)?;
        Some(if little {
            u16::from_le_bytes([b[0], b[1]])
        } else {
            u16::from_be_bytes([b[0], b[1]])
        })
    };
    let u32_at = |i: usize| {
        let b = bytes.get(i..i + 4)?;
        Some(if little {
            u32::from_le_bytes([b[0], b[1], b[2], b[3]])
        } else {
            u32::from_be_bytes([b[0], b[1], b[2], b[3]])
        })
    };
    let scan = || -> Option<PhotoFormat> {
        let ifd = u32_at(4)? as usize;
        let count = usize::from(u16_at(ifd)?);
        let mut make = None;
        for n in 0..count.min(512) {
            let entry = ifd + 2 + n * 12;
            match u16_at(entry)? {
                0xC612 => return Some(PhotoFormat::Dng),
                0x010F => {
                    let len = u32_at(entry + 4)? as usize;
                    let at = if len <= 4 {
                        entry + 8
                    } else {
                        u32_at(entry + 8)? as usize
                    };
                    make = bytes.get(at..at + len.min(32));
                }
                _ => {}
            }
        }
        let make = String::from_utf8_lossy(make?).to_ascii_uppercase();
        if make.starts_with("NIKON") {
            Some(PhotoFormat::Nef)
        } else if make.starts_with("SONY") {
            Some(PhotoFormat::Arw)
        } else {
            None
        }
    };
    scan().unwrap_or(PhotoFormat::Tiff)
}

/// The `image` crate's format for the formats it decodes (RAW previews are JPEG).
fn image_format(format: PhotoFormat) -> ImageFormat {
    match format {
        PhotoFormat::Png => ImageFormat::Png,
        PhotoFormat::Webp => ImageFormat::WebP,
        PhotoFormat::Tiff => ImageFormat::Tiff,
        _ => ImageFormat::Jpeg,
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
    let reason = plain_reason(err);
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

/// A decoder's complaint without its internals: some decoders print Rust debug text
/// (`ChunkType { type: IDAT, critical: true, … }`), which tells a person nothing.
fn plain_reason(err: &image::ImageError) -> String {
    let text = err.to_string();
    let mut plain = String::with_capacity(text.len());
    let mut inside = String::new();
    let mut depth = 0usize;
    for c in text.chars() {
        match c {
            '{' => depth += 1,
            '}' if depth > 0 => {
                depth -= 1;
                // Keep what a debug dump names, e.g. `type: IDAT` → `IDAT`.
                if let Some(name) = inside.split("type: ").nth(1) {
                    plain.push_str(name.split([',', ' ']).next().unwrap_or_default());
                }
                inside.clear();
            }
            _ if depth == 0 => plain.push(c),
            _ => inside.push(c),
        }
    }
    let plain = plain
        .replace("ChunkType", "")
        .replace("Format error decoding ", "")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let plain = plain
        .strip_prefix("Png: ")
        .or_else(|| plain.strip_prefix("WebP: "))
        .or_else(|| plain.strip_prefix("Tiff: "))
        .or_else(|| plain.strip_prefix("Jpeg: "))
        .unwrap_or(&plain)
        .trim_end_matches(['.', ':', ' '])
        .to_owned();
    if plain.is_empty() {
        "the data cannot be decoded".into()
    } else {
        plain
    }
}

/// The stored pixel size (after HEIF transformations), read from the header without decoding.
pub fn dimensions(bytes: &[u8], format: PhotoFormat) -> Result<(u32, u32), DecodeError> {
    match format {
        PhotoFormat::Heif | PhotoFormat::Avif => super::heif::dimensions(bytes, format),
        f if f.is_raw() => dimensions(super::raw::preview(bytes, f)?, PhotoFormat::Jpeg),
        _ => reader(bytes, format)
            .into_dimensions()
            .map_err(|e| match e {
                image::ImageError::Limits(_) => too_large_from_header(bytes, format),
                e => describe(format, &e),
            }),
    }
}

/// Decodes to 8-bit sRGB (alpha composited onto white), refusing images beyond the limits
/// before allocating for them.
pub fn decode(bytes: &[u8], format: PhotoFormat) -> Result<RgbImage, DecodeError> {
    decode_picture(bytes, format).map(|p| p.image)
}

/// Decodes an original for showing: sRGB pixels, whether they are upright already, the colour
/// profile converted from, and any damage found on the way.
pub fn decode_picture(bytes: &[u8], format: PhotoFormat) -> Result<Picture, DecodeError> {
    match format {
        PhotoFormat::Heif | PhotoFormat::Avif => {
            let pixels = super::heif::decode(bytes, format)?;
            Ok(finish(pixels.image, &pixels.colour, true, Vec::new()))
        }
        f if f.is_raw() => {
            let preview = super::raw::preview(bytes, f)?;
            let mut picture = decode_picture(preview, PhotoFormat::Jpeg)?;
            picture.upright = false;
            Ok(picture)
        }
        _ => decode_with_image(bytes, format),
    }
}

fn finish(
    mut image: RgbImage,
    embedded: &Embedded,
    upright: bool,
    mut warnings: Vec<String>,
) -> Picture {
    let colour = profile::to_srgb(&mut image, embedded);
    if let Some(w) = &colour.warning {
        warnings.push(w.clone());
    }
    Picture {
        image,
        upright,
        colour,
        warnings,
    }
}

fn decode_with_image(bytes: &[u8], format: PhotoFormat) -> Result<Picture, DecodeError> {
    match decode_image_crate(bytes, format) {
        // A too-short Adobe APP14 segment (only a colour-transform flag) makes the decoder
        // refuse a file other programs open: drop the segment and say so.
        Err(DecodeError::Corrupt { reason, .. })
            if format == PhotoFormat::Jpeg && reason.to_lowercase().contains("app14") =>
        {
            let repaired = without_segment(bytes, 0xEE);
            let mut picture = decode_image_crate(&repaired, format)?;
            picture.warnings.insert(
                0,
                "its Adobe APP14 segment is too short and was ignored".into(),
            );
            Ok(picture)
        }
        other => other,
    }
}

fn decode_image_crate(bytes: &[u8], format: PhotoFormat) -> Result<Picture, DecodeError> {
    let (width, height) = dimensions(bytes, format)?;
    if u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(too_large(width, height));
    }
    if format == PhotoFormat::Jpeg && !jpeg_has_end(bytes) {
        return Err(DecodeError::Truncated(format.name()));
    }
    let fail = |e: image::ImageError| match e {
        image::ImageError::Limits(_) => too_large(width, height),
        e => describe(format, &e),
    };
    let mut decoder = reader(bytes, format).into_decoder().map_err(fail)?;
    let icc = decoder.icc_profile().ok().flatten();
    let image = DynamicImage::from_decoder(decoder).map_err(fail)?;
    let image = if image.color().has_alpha() {
        over_white(&image.into_rgba8())
    } else {
        image.into_rgb8()
    };
    let mut warnings = Vec::new();
    if format == PhotoFormat::Jpeg {
        warnings.extend(jpeg_damage(bytes, &image));
    }
    let embedded = icc.map_or(Embedded::None, Embedded::Icc);
    Ok(finish(image, &embedded, false, warnings))
}

/// A JPEG's bytes without its first segment of `marker` (`APPn` and the like).
fn without_segment(bytes: &[u8], marker: u8) -> Vec<u8> {
    let mut i = 2;
    while i + 4 <= bytes.len() && bytes[i] == 0xFF && bytes[i + 1] != 0xDA {
        let len = usize::from(u16::from_be_bytes([bytes[i + 2], bytes[i + 3]]));
        if bytes[i + 1] == marker {
            let end = (i + 2 + len).min(bytes.len());
            return [&bytes[..i], &bytes[end..]].concat();
        }
        i += 2 + len;
    }
    bytes.to_vec()
}

/// Damaged entropy-coded data, said in a sentence with the row where it starts.
fn jpeg_damage(bytes: &[u8], image: &RgbImage) -> Option<String> {
    let height = image.height();
    if let Some(row) = damaged_from_row(bytes, image) {
        return Some(format!(
            "image data damaged from row {} of {}: the lower part is grey",
            group_thousands(row),
            group_thousands(height),
        ));
    }
    let damage = super::jpeg_check::restart_damage(bytes)?;
    let what = if damage.found < damage.expected {
        format!(
            "{} of its {} restart intervals are missing",
            damage.expected - damage.found,
            damage.expected + 1
        )
    } else {
        "its restart markers are out of order".to_owned()
    };
    Some(format!(
        "image data damaged from row {} of {}: {what}, so the picture below may be shifted or garbled",
        group_thousands(damage.row),
        group_thousands(height),
    ))
}

/// A JPEG decoder that meets damaged entropy-coded data may fill the rest of the picture with
/// mid-grey rather than failing. When the bottom rows are exactly that grey, a strict decode
/// confirms whether data was damaged (a photo of a grey card is not), and where it starts.
fn damaged_from_row(bytes: &[u8], image: &RgbImage) -> Option<u32> {
    let grey = |y: u32| (0..image.width()).all(|x| image.get_pixel(x, y).0 == [128, 128, 128]);
    let height = image.height();
    if height == 0 || !grey(height - 1) {
        return None;
    }
    let first = (0..height).rev().take_while(|&y| grey(y)).last()?;
    let options = zune_core::options::DecoderOptions::default()
        .set_strict_mode(true)
        .set_max_width(MAX_SIDE as usize)
        .set_max_height(MAX_SIDE as usize);
    let mut strict = zune_jpeg::JpegDecoder::new_with_options(
        zune_core::bytestream::ZCursor::new(bytes),
        options,
    );
    strict.decode().is_err().then_some(first)
}

fn group_thousands(n: u32) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('\u{202f}');
        }
        out.push(c);
    }
    out
}

/// The declared size of an oversized image, for the message (decoders refuse to report it).
fn too_large_from_header(bytes: &[u8], format: PhotoFormat) -> DecodeError {
    let mut reader = ImageReader::new(Cursor::new(bytes));
    reader.set_format(image_format(format));
    reader.no_limits();
    match reader.into_dimensions() {
        Ok((w, h)) => too_large(w, h),
        Err(_) => DecodeError::TooLargeUnknown {
            limit: MAX_PIXELS / 1_000_000,
            side: MAX_SIDE,
        },
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
        assert_eq!(sniff(b"\0\0\0\x18ftypheic\0\0\0\0"), Ok(PhotoFormat::Heif));
        assert_eq!(
            sniff(b"\0\0\0\x18ftypmif3\0\0\0\0avifmif3"),
            Ok(PhotoFormat::Avif)
        );
        assert_eq!(
            sniff(b"\0\0\0\x18ftypcrx \0\0\0\0crx isom"),
            Ok(PhotoFormat::Cr3)
        );
        assert_eq!(
            sniff(b"\0\0\0\x18ftypisom\0\0\0\0isomavc1"),
            Err(DecodeError::Unsupported("ISO media (a video?)"))
        );
        assert_eq!(sniff(b"II*\0\x10\0\0\0CR\x02\0"), Ok(PhotoFormat::Cr2));
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

#[cfg(test)]
mod message_tests {
    use super::*;

    #[test]
    fn decoder_debug_text_becomes_plain_words() {
        let err = image::ImageError::Decoding(image::error::DecodingError::new(
            ImageFormat::Png.into(),
            "ChunkType { type: IDAT, critical: true, private: false, reserved: false, safecopy: false } is corrupt",
        ));
        assert_eq!(plain_reason(&err), "IDAT is corrupt");
        assert_eq!(group_thousands(1200), "1\u{202f}200");
        assert_eq!(group_thousands(999), "999");
    }
}
