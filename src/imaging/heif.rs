//! HEIC/HEIF (including the compact `mif3` form) and AVIF through libheif: pixels with the
//! file's own transformations (`irot`, `imir`, `clap`) applied, the colour description, and the
//! EXIF and XMP blocks attached to the primary image.

use super::profile::Embedded;
use super::decode::{DecodeError, MAX_PIXELS, MAX_SIDE};
use crate::model::PhotoFormat;
use image::RgbImage;
use libheif_rs::{
    ColorSpace, HeifContext, HeifError, ImageHandle, LibHeif, RgbChroma, SecurityLimits,
};
use std::sync::OnceLock;

/// libheif's global state, initialised once (it registers its decoders).
fn libheif() -> &'static LibHeif {
    static LIB: OnceLock<LibHeif> = OnceLock::new();
    LIB.get_or_init(LibHeif::new)
}

/// Pixels as stored after the file's transformations, and their colour description.
pub(super) struct HeifPixels {
    pub image: RgbImage,
    pub colour: Embedded,
}

fn context(bytes: &[u8], format: PhotoFormat) -> Result<HeifContext<'_>, DecodeError> {
    let _ = libheif();
    let mut ctx = HeifContext::read_from_bytes(bytes).map_err(|e| describe(format, &e))?;
    let mut limits = SecurityLimits::new();
    limits.set_max_image_size_pixels(MAX_PIXELS);
    ctx.set_security_limits(&limits)
        .map_err(|e| describe(format, &e))?;
    Ok(ctx)
}

/// The primary image's size after its transformations, without decoding.
pub(super) fn dimensions(bytes: &[u8], format: PhotoFormat) -> Result<(u32, u32), DecodeError> {
    let ctx = context(bytes, format)?;
    let handle = ctx
        .primary_image_handle()
        .map_err(|e| describe(format, &e))?;
    Ok((handle.width(), handle.height()))
}

pub(super) fn decode(bytes: &[u8], format: PhotoFormat) -> Result<HeifPixels, DecodeError> {
    let ctx = context(bytes, format)?;
    let handle = ctx
        .primary_image_handle()
        .map_err(|e| describe(format, &e))?;
    let (width, height) = (handle.width(), handle.height());
    if width > MAX_SIDE || height > MAX_SIDE || u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(DecodeError::TooLarge {
            width,
            height,
            limit: MAX_PIXELS / 1_000_000,
            side: MAX_SIDE,
        });
    }
    let colour = colour_of(&handle);
    let alpha = handle.has_alpha_channel();
    let chroma = if alpha {
        RgbChroma::Rgba
    } else {
        RgbChroma::Rgb
    };
    // libheif applies irot/imir/clap itself; deeper than 8 bits is scaled down to 8.
    let decoded = libheif()
        .decode(&handle, ColorSpace::Rgb(chroma), None)
        .map_err(|e| describe(format, &e))?;
    let planes = decoded.planes();
    let plane = planes.interleaved.ok_or_else(|| DecodeError::Corrupt {
        format: format.name(),
        reason: "libheif returned no interleaved RGB plane".into(),
    })?;
    let channels = if alpha { 4 } else { 3 };
    let row_bytes = plane.width as usize * channels;
    let mut rgb = Vec::with_capacity(plane.width as usize * plane.height as usize * 3);
    for y in 0..plane.height as usize {
        let row = &plane.data[y * plane.stride..y * plane.stride + row_bytes];
        if alpha {
            for px in row.chunks_exact(4) {
                let a = u16::from(px[3]);
                for &c in &px[..3] {
                    rgb.push(((u16::from(c) * a + 255 * (255 - a)) / 255) as u8);
                }
            }
        } else {
            rgb.extend_from_slice(row);
        }
    }
    let image =
        RgbImage::from_raw(plane.width, plane.height, rgb).ok_or_else(|| DecodeError::Corrupt {
            format: format.name(),
            reason: "the decoded image has an inconsistent size".into(),
        })?;
    Ok(HeifPixels { image, colour })
}

fn colour_of(handle: &ImageHandle) -> Embedded {
    if let Some(raw) = handle.color_profile_raw()
        && !raw.data.is_empty()
    {
        return Embedded::Icc(raw.data);
    }
    match handle.color_profile_nclx() {
        Some(nclx) => Embedded::Cicp {
            primaries: nclx.color_primaries() as u8,
            transfer: nclx.transfer_characteristics() as u8,
        },
        None => Embedded::None,
    }
}

/// The EXIF (as TIFF bytes) and XMP blocks of the primary image. Unreadable files give none:
/// decoding reports what is wrong with them.
pub(super) fn metadata_blocks(bytes: &[u8]) -> (Vec<Vec<u8>>, Vec<Vec<u8>>) {
    let Ok(ctx) = context(bytes, PhotoFormat::Heif) else {
        return (Vec::new(), Vec::new());
    };
    let Ok(handle) = ctx.primary_image_handle() else {
        return (Vec::new(), Vec::new());
    };
    let mut exif = Vec::new();
    let mut xmp = Vec::new();
    for block in handle.all_metadata() {
        let data = block.raw_data;
        match &block.item_type.0 {
            // An Exif item starts with the offset of the TIFF header after these four bytes.
            b"Exif" if data.len() > 4 => {
                let offset = u32::from_be_bytes([data[0], data[1], data[2], data[3]]) as usize;
                if let Some(tiff) = data.get(4 + offset..) {
                    exif.push(tiff.to_vec());
                }
            }
            b"mime" if block.content_type.contains("rdf+xml") => xmp.push(data),
            _ => {}
        }
    }
    (exif, xmp)
}

fn describe(format: PhotoFormat, err: &HeifError) -> DecodeError {
    use libheif_rs::HeifErrorCode as C;
    let detail = err.message.trim().trim_end_matches('.').to_lowercase();
    match err.code {
        C::MemoryAllocationError | C::UsageError if detail.contains("limit") => {
            DecodeError::Corrupt {
                format: format.name(),
                reason: format!("the image is larger than Skinlapse accepts ({detail})"),
            }
        }
        C::InvalidInput if detail.contains("insufficient") || detail.contains("end of") => {
            DecodeError::Truncated(format.name())
        }
        C::UnsupportedFeature | C::UnsupportedFileType => DecodeError::Corrupt {
            format: format.name(),
            reason: format!("it uses a feature that cannot be decoded here ({detail})"),
        },
        _ => DecodeError::Corrupt {
            format: format.name(),
            reason: format!("the file is damaged ({detail})"),
        },
    }
}
