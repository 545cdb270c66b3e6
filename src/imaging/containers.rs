//! Where each container keeps its EXIF and XMP: JPEG APP1 segments, PNG `eXIf` and text
//! chunks (`ImageMagick`'s hex-encoded `Raw profile type exif`), WebP `EXIF`/`XMP ` chunks (with
//! or without the `Exif\0\0` prefix some writers add), HEIF/AVIF items, the TIFF structure of
//! TIFF-based RAW files, and CR3's `CMT1`–`CMT4` boxes. Each reader walks its container
//! tolerantly: a damaged segment ends the walk, it does not discard what came before.

use crate::model::PhotoFormat;

/// The metadata blocks found in a file.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Blocks {
    /// EXIF, each as TIFF bytes (starting `II*\0` or `MM\0*`).
    pub exif: Vec<Vec<u8>>,
    /// XMP packets.
    pub xmp: Vec<String>,
}

const EXIF_PREFIX: &[u8] = b"Exif\0\0";
const XMP_PREFIX: &[u8] = b"http://ns.adobe.com/xap/1.0/\0";

/// The EXIF and XMP blocks of a file of `format`.
pub fn blocks(bytes: &[u8], format: PhotoFormat) -> Blocks {
    match format {
        PhotoFormat::Jpeg => jpeg(bytes),
        PhotoFormat::Png => png(bytes),
        PhotoFormat::Webp => webp(bytes),
        PhotoFormat::Heif | PhotoFormat::Avif => {
            let (exif, xmp) = super::heif::metadata_blocks(bytes);
            Blocks {
                exif,
                xmp: xmp.iter().map(|x| text(x)).collect(),
            }
        }
        PhotoFormat::Cr3 => cr3(bytes),
        PhotoFormat::Tiff
        | PhotoFormat::Dng
        | PhotoFormat::Cr2
        | PhotoFormat::Nef
        | PhotoFormat::Arw => Blocks {
            exif: vec![bytes.to_vec()],
            xmp: find_xmp_packet(bytes).into_iter().collect(),
        },
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Strips the `Exif\0\0` prefix when present; keeps the block when it is TIFF already.
fn exif_payload(data: &[u8]) -> Option<Vec<u8>> {
    let data = data.strip_prefix(EXIF_PREFIX).unwrap_or(data);
    (data.starts_with(b"II*\0") || data.starts_with(b"MM\0*")).then(|| data.to_vec())
}

fn jpeg(bytes: &[u8]) -> Blocks {
    let mut out = Blocks::default();
    let mut i = 2;
    while i + 4 <= bytes.len() {
        if bytes[i] != 0xFF {
            // A segment whose length is a few bytes short (a truncated APP14, say): skip the
            // stray bytes to the next marker, as ExifTool and libjpeg do.
            match bytes[i..bytes.len().min(i + 16)]
                .iter()
                .position(|&b| b == 0xFF)
            {
                Some(skip) => i += skip,
                None => break,
            }
            continue;
        }
        let marker = bytes[i + 1];
        if marker == 0xFF {
            i += 1;
            continue;
        }
        // Start of scan or end of image: no metadata beyond.
        if marker == 0xDA || marker == 0xD9 {
            break;
        }
        let len = usize::from(u16::from_be_bytes([bytes[i + 2], bytes[i + 3]]));
        let Some(body) = bytes.get(i + 4..i + 2 + len.max(2)) else {
            // A segment running past the end: keep what we have.
            break;
        };
        if marker == 0xE1 {
            if body.starts_with(EXIF_PREFIX) {
                out.exif.extend(exif_payload(body));
            } else if let Some(xmp) = body.strip_prefix(XMP_PREFIX) {
                out.xmp.push(text(xmp));
            }
        }
        i += 2 + len;
    }
    out
}

fn png(bytes: &[u8]) -> Blocks {
    let mut out = Blocks::default();
    let mut i = 8;
    while i + 8 <= bytes.len() {
        let len = u32::from_be_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]) as usize;
        let kind = &bytes[i + 4..i + 8];
        let Some(body) = bytes.get(i + 8..i + 8 + len) else {
            break;
        };
        match kind {
            b"eXIf" => out.exif.extend(exif_payload(body)),
            b"tEXt" | b"zTXt" | b"iTXt" => png_text(kind, body, &mut out),
            b"IEND" => break,
            _ => {}
        }
        i += 12 + len;
    }
    out
}

/// A PNG text chunk: XMP in `iTXt XML:com.adobe.xmp`, EXIF in `ImageMagick`'s
/// `Raw profile type exif` (hex digits after a header; zlib-compressed in `zTXt`).
fn png_text(kind: &[u8], body: &[u8], out: &mut Blocks) {
    let Some(nul) = body.iter().position(|&b| b == 0) else {
        return;
    };
    let keyword = &body[..nul];
    let rest = &body[nul + 1..];
    let value = match kind {
        b"tEXt" => rest.to_vec(),
        b"zTXt" => match rest.split_first() {
            Some((0, compressed)) => inflate(compressed).unwrap_or_default(),
            _ => return,
        },
        _ => {
            // iTXt: compression flag, method, language\0, translated keyword\0, text.
            let Some((&flag, rest)) = rest.split_first() else {
                return;
            };
            let rest = rest.get(1..).unwrap_or_default();
            let mut parts = rest.splitn(3, |&b| b == 0);
            let (_, _, value) = (parts.next(), parts.next(), parts.next().unwrap_or_default());
            if flag == 1 {
                inflate(value).unwrap_or_default()
            } else {
                value.to_vec()
            }
        }
    };
    match keyword {
        b"XML:com.adobe.xmp" => out.xmp.push(text(&value)),
        b"Raw profile type exif" | b"Raw profile type APP1" => {
            if let Some(exif) = raw_profile(&value).and_then(|d| exif_payload(&d)) {
                out.exif.push(exif);
            }
        }
        _ => {}
    }
}

/// `ImageMagick`'s raw profile: `"\nexif\n    <length>\n<hex digits, wrapped>"`.
fn raw_profile(value: &[u8]) -> Option<Vec<u8>> {
    let text = std::str::from_utf8(value).ok()?;
    let mut lines = text.trim_start().lines();
    let _name = lines.next()?;
    let length: usize = lines.next()?.trim().parse().ok()?;
    let hex: Vec<u8> = lines
        .flat_map(str::bytes)
        .filter(u8::is_ascii_hexdigit)
        .collect();
    let digit = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let data: Option<Vec<u8>> = hex
        .chunks_exact(2)
        .take(length)
        .map(|p| Some(digit(p[0])? << 4 | digit(p[1])?))
        .collect();
    data.filter(|d| d.len() == length)
}

fn inflate(data: &[u8]) -> Option<Vec<u8>> {
    use std::io::Read;
    let mut out = Vec::new();
    flate2::read::ZlibDecoder::new(data)
        .take(16 << 20)
        .read_to_end(&mut out)
        .ok()?;
    Some(out)
}

fn webp(bytes: &[u8]) -> Blocks {
    let mut out = Blocks::default();
    let mut i = 12;
    while i + 8 <= bytes.len() {
        let kind = &bytes[i..i + 4];
        let len =
            u32::from_le_bytes([bytes[i + 4], bytes[i + 5], bytes[i + 6], bytes[i + 7]]) as usize;
        let Some(body) = bytes.get(i + 8..i + 8 + len) else {
            break;
        };
        match kind {
            b"EXIF" => out.exif.extend(exif_payload(body)),
            b"XMP " => out.xmp.push(text(body)),
            _ => {}
        }
        i += 8 + len + (len & 1);
    }
    out
}

/// CR3 keeps its EXIF as four small TIFF files in boxes `CMT1` (the main directory), `CMT2`
/// (the EXIF directory), `CMT3` (maker notes) and `CMT4` (GPS) inside a `uuid` box in `moov`.
fn cr3(bytes: &[u8]) -> Blocks {
    let mut out = Blocks::default();
    walk_boxes(bytes, 0, &mut |kind, body| {
        if matches!(kind, b"CMT1" | b"CMT2" | b"CMT4") {
            out.exif.extend(exif_payload(body));
        }
    });
    out.xmp.extend(find_xmp_packet(bytes));
    out
}

/// Visits every ISO media box, descending into the containers CR3 nests metadata in.
fn walk_boxes(bytes: &[u8], depth: usize, visit: &mut dyn FnMut(&[u8; 4], &[u8])) {
    let mut i = 0;
    while i + 8 <= bytes.len() && depth < 6 {
        let size =
            u32::from_be_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]) as usize;
        let kind: [u8; 4] = bytes[i + 4..i + 8].try_into().expect("four bytes");
        let (header, size) = match size {
            0 => (8, bytes.len() - i),
            1 => {
                let Some(large) = bytes.get(i + 8..i + 16) else {
                    return;
                };
                let large = u64::from_be_bytes(large.try_into().expect("eight bytes"));
                (16, usize::try_from(large).unwrap_or(usize::MAX))
            }
            n => (8, n),
        };
        if size < header {
            return;
        }
        let Some(body) = bytes.get(i + header..i + size) else {
            return;
        };
        visit(&kind, body);
        match &kind {
            b"moov" => walk_boxes(body, depth + 1, visit),
            // Canon's metadata box: a 16-byte UUID, then boxes.
            b"uuid" if body.len() > 16 => walk_boxes(&body[16..], depth + 1, visit),
            // `mdat` holds the image data: nothing of ours inside.
            _ => {}
        }
        i += size;
    }
}

/// An XMP packet anywhere in the file (TIFF keeps it in tag 700; scanning is simpler).
fn find_xmp_packet(bytes: &[u8]) -> Option<String> {
    let start = find(bytes, b"<x:xmpmeta")?;
    let end = find(&bytes[start..], b"</x:xmpmeta>")? + start + b"</x:xmpmeta>".len();
    Some(text(&bytes[start..end]))
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn webp_exif_with_and_without_the_exif_prefix() {
        let tiff = b"II*\0\x08\0\0\0\0\0".to_vec();
        for body in [[EXIF_PREFIX, &tiff].concat(), tiff.clone()] {
            let mut file = b"RIFF\0\0\0\0WEBP".to_vec();
            file.extend_from_slice(b"EXIF");
            file.extend_from_slice(&(body.len() as u32).to_le_bytes());
            file.extend_from_slice(&body);
            assert_eq!(webp(&file).exif, vec![tiff.clone()]);
        }
    }

    #[test]
    fn imagemagick_raw_profile_is_hex() {
        let tiff = b"MM\0*\0\0\0\x08\0\0";
        let hex: String = [EXIF_PREFIX, tiff]
            .concat()
            .iter()
            .fold(String::new(), |mut s, b| {
                use std::fmt::Write;
                let _ = write!(s, "{b:02x}");
                s
            });
        let value = format!("\nexif\n      {}\n{hex}\n", EXIF_PREFIX.len() + tiff.len());
        assert_eq!(
            raw_profile(value.as_bytes()).and_then(|d| exif_payload(&d)),
            Some(tiff.to_vec())
        );
    }

    #[test]
    fn a_jpeg_segment_running_past_the_end_keeps_earlier_ones() {
        let mut file = vec![0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x10];
        file.extend_from_slice(EXIF_PREFIX);
        file.extend_from_slice(b"II*\0\x08\0\0\0");
        file.extend_from_slice(&[0xFF, 0xEE, 0x40, 0x00, 1, 2]);
        assert_eq!(jpeg(&file).exif.len(), 1);
    }
}
