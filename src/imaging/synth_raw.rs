//! Camera RAW files made for tests and benchmarks: the real containers' structure (TIFF
//! directories with the maker's signature, or CR3's ISO boxes with `CMT1`/`CMT2`), real EXIF,
//! a stand-in for the sensor data, and a real JPEG embedded as the full-size preview.
//! Real RAW files are tens of megabytes; the committed ones from `ExifTool`'s test suite have
//! their previews stripped.

use crate::model::PhotoFormat;

/// What to write into a generated RAW file.
#[derive(Clone, Debug)]
pub struct RawSpec<'a> {
    pub format: PhotoFormat,
    /// The embedded full-size preview.
    pub preview_jpeg: &'a [u8],
    /// EXIF orientation (1–8).
    pub orientation: u16,
    /// `YYYY:MM:DD HH:MM:SS`
    pub date_time_original: &'a str,
    /// `+HH:MM`
    pub offset_time_original: &'a str,
}

const ASCII: u16 = 2;
const SHORT: u16 = 3;
const LONG: u16 = 4;
const BYTE: u16 = 1;

/// A little-endian TIFF directory entry: tag, type, count and the value's bytes.
struct Entry(u16, u16, u32, Vec<u8>);

fn ascii(tag: u16, text: &str) -> Entry {
    let mut bytes = text.as_bytes().to_vec();
    bytes.push(0);
    Entry(tag, ASCII, bytes.len() as u32, bytes)
}

fn short(tag: u16, v: u16) -> Entry {
    Entry(tag, SHORT, 1, v.to_le_bytes().to_vec())
}

fn long(tag: u16, v: u32) -> Entry {
    Entry(tag, LONG, 1, v.to_le_bytes().to_vec())
}

/// Appends a directory at the end of `out` (entries sorted by tag, values over four bytes
/// placed after it) and returns where it starts. Offsets in `patch` entries are filled later.
fn write_ifd(out: &mut Vec<u8>, mut entries: Vec<Entry>) -> usize {
    entries.sort_by_key(|e| e.0);
    let start = out.len();
    let data_start = start + 2 + entries.len() * 12 + 4;
    let mut data = Vec::new();
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    for Entry(tag, kind, count, value) in &entries {
        out.extend_from_slice(&tag.to_le_bytes());
        out.extend_from_slice(&kind.to_le_bytes());
        out.extend_from_slice(&count.to_le_bytes());
        if value.len() <= 4 {
            let mut inline = value.clone();
            inline.resize(4, 0);
            out.extend_from_slice(&inline);
        } else {
            out.extend_from_slice(&((data_start + data.len()) as u32).to_le_bytes());
            data.extend_from_slice(value);
            if data.len() % 2 == 1 {
                data.push(0);
            }
        }
    }
    out.extend_from_slice(&0u32.to_le_bytes());
    out.extend_from_slice(&data);
    start
}

/// A TIFF holding one directory of `entries` (as CR3 stores its EXIF pieces).
fn tiff_of(entries: Vec<Entry>) -> Vec<u8> {
    let mut out = b"II*\0\x08\0\0\0".to_vec();
    write_ifd(&mut out, entries);
    out
}

fn exif_entries(spec: &RawSpec<'_>) -> Vec<Entry> {
    vec![
        ascii(0x9003, spec.date_time_original),
        ascii(0x9004, spec.date_time_original),
        ascii(0x9011, spec.offset_time_original),
    ]
}

fn main_entries(spec: &RawSpec<'_>, make: &str, model: &str) -> Vec<Entry> {
    vec![
        ascii(0x010F, make),
        ascii(0x0110, model),
        short(0x0112, spec.orientation),
        // DateTime is when the file was last written: deliberately not the capture time.
        ascii(0x0132, "2030:01:01 00:00:00"),
    ]
}

/// A RAW file of `spec.format` with a real preview and real EXIF.
pub fn raw_with_preview(spec: &RawSpec<'_>) -> Vec<u8> {
    match spec.format {
        PhotoFormat::Cr3 => cr3(spec),
        _ => tiff_raw(spec),
    }
}

fn tiff_raw(spec: &RawSpec<'_>) -> Vec<u8> {
    let (make, model) = match spec.format {
        PhotoFormat::Nef => ("NIKON CORPORATION", "NIKON Z 6"),
        PhotoFormat::Arw => ("SONY", "ILCE-7M3"),
        PhotoFormat::Cr2 => ("Canon", "Canon EOS 5D Mark IV"),
        _ => ("Google", "Pixel 8 Pro"),
    };
    // Header; CR2 adds its signature and the raw directory's offset after it.
    let mut out = b"II*\0\x10\0\0\0CR\x02\0\0\0\0\0".to_vec();
    if spec.format != PhotoFormat::Cr2 {
        out[8..12].copy_from_slice(&[0; 4]);
    }
    // The sensor data stand-in: 64×64 16-bit samples.
    let sensor: Vec<u8> = (0..64 * 64 * 2).map(|i| (i * 7 % 251) as u8).collect();
    let exif_at = write_ifd(&mut out, exif_entries(spec));
    let sensor_at = out.len();
    out.extend_from_slice(&sensor);
    let preview_at = out.len();
    out.extend_from_slice(spec.preview_jpeg);
    if out.len() % 2 == 1 {
        out.push(0);
    }
    let mut entries = main_entries(spec, make, model);
    entries.extend([
        long(0x8769, exif_at as u32),
        long(0x0201, preview_at as u32),
        long(0x0202, spec.preview_jpeg.len() as u32),
        // The raw data as strips, so the structure reads like a camera's.
        long(0x0111, sensor_at as u32),
        long(0x0117, sensor.len() as u32),
        short(0x0100, 64),
        short(0x0101, 64),
        short(0x0102, 16),
        short(0x0103, 1),
    ]);
    if spec.format == PhotoFormat::Dng {
        entries.push(Entry(0xC612, BYTE, 4, vec![1, 4, 0, 0]));
    }
    let ifd0 = write_ifd(&mut out, entries);
    out[4..8].copy_from_slice(&(ifd0 as u32).to_le_bytes());
    out
}

fn iso_box(kind: [u8; 4], body: &[u8]) -> Vec<u8> {
    let mut out = ((body.len() + 8) as u32).to_be_bytes().to_vec();
    out.extend_from_slice(&kind);
    out.extend_from_slice(body);
    out
}

fn cr3(spec: &RawSpec<'_>) -> Vec<u8> {
    let cmt1 = iso_box(
        *b"CMT1",
        &tiff_of(main_entries(spec, "Canon", "Canon EOS R5")),
    );
    let cmt2 = iso_box(*b"CMT2", &tiff_of(exif_entries(spec)));
    // Canon's metadata UUID, then its boxes.
    let mut uuid = vec![
        0x85, 0xC0, 0xB6, 0x87, 0x82, 0x0F, 0x11, 0xE0, 0x81, 0x11, 0xF4, 0xCE, 0x46, 0x2B, 0x6A,
        0x48,
    ];
    uuid.extend_from_slice(&cmt1);
    uuid.extend_from_slice(&cmt2);
    let moov = iso_box(*b"moov", &iso_box(*b"uuid", &uuid));
    let mut out = iso_box(*b"ftyp", b"crx \0\0\0\x01crx isom");
    out.extend_from_slice(&moov);
    let mut mdat = spec.preview_jpeg.to_vec();
    mdat.extend((0..4096).map(|i| (i * 13 % 253) as u8));
    out.extend_from_slice(&iso_box(*b"mdat", &mdat));
    out
}
