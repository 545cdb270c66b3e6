//! Previews and thumbnails: downscale with `fast_image_resize`, apply the EXIF orientation,
//! encode with `jpeg-encoder` (both several times faster than the `image` crate's own).

use super::metadata::Orientation;
use fast_image_resize::images::{Image, ImageRef};
use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};
use image::RgbImage;
use std::time::{Duration, Instant};

/// Long edge of the screen preview.
pub const PREVIEW_EDGE: u32 = 2048;
/// Long edge of a grid thumbnail.
pub const THUMBNAIL_EDGE: u32 = 256;
const PREVIEW_QUALITY: u8 = 88;
const THUMBNAIL_QUALITY: u8 = 82;

/// Encoded preview and thumbnail of one photo, and the photo's size after orientation.
#[derive(Debug)]
pub struct Derived {
    /// The upright preview's pixels, for work at import that reads them (faces).
    pub preview: RgbImage,
    pub preview_jpeg: Vec<u8>,
    pub thumbnail_jpeg: Vec<u8>,
    pub width: u32,
    pub height: u32,
    pub resize_time: Duration,
    pub encode_time: Duration,
}

/// The size that fits `width`×`height` into a square of `edge`, keeping the aspect ratio and
/// never enlarging.
pub fn fit_long_edge(width: u32, height: u32, edge: u32) -> (u32, u32) {
    let long = width.max(height);
    if long <= edge {
        return (width, height);
    }
    let scale = f64::from(edge) / f64::from(long);
    let w = ((f64::from(width) * scale).round() as u32).clamp(1, edge);
    let h = ((f64::from(height) * scale).round() as u32).clamp(1, edge);
    (w, h)
}

/// Downscales to fit `edge` (Lanczos3), or returns a copy when it already fits.
pub fn resize_to_fit(src: &RgbImage, edge: u32) -> RgbImage {
    let (w, h) = fit_long_edge(src.width(), src.height(), edge);
    resize_exact(src, w, h)
}

/// Resizes to exactly `w`×`h` (Lanczos3), or returns a copy when it is that size already.
pub fn resize_exact(src: &RgbImage, w: u32, h: u32) -> RgbImage {
    resize_exact_with(src, w, h, FilterType::Lanczos3)
}

/// Resizes to exactly `w`×`h` with `filter` (widened when shrinking, so no aliasing), or
/// returns a copy when it is that size already.
pub fn resize_exact_with(src: &RgbImage, w: u32, h: u32, filter: FilterType) -> RgbImage {
    if (w, h) == src.dimensions() {
        return src.clone();
    }
    let src_view = ImageRef::new(src.width(), src.height(), src.as_raw(), PixelType::U8x3)
        .expect("an RgbImage buffer always matches its size");
    let mut dst = Image::new(w, h, PixelType::U8x3);
    let options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(filter));
    Resizer::new()
        .resize(&src_view, &mut dst, &options)
        .expect("source and destination are both U8x3");
    RgbImage::from_raw(w, h, dst.into_vec()).expect("resized buffer matches its size")
}

/// Decodes an original (to sRGB) and turns it upright by its EXIF orientation unless the
/// container's own transformations did already, first scaling it to fit `max_edge` when it
/// is larger.
pub fn decode_upright(
    bytes: &[u8],
    format: crate::model::PhotoFormat,
    max_edge: u32,
) -> Result<RgbImage, super::DecodeError> {
    let picture = super::decode_picture(bytes, format)?;
    let orientation = if picture.upright {
        Orientation::AS_STORED
    } else {
        super::read_metadata(bytes)
            .orientation
            .unwrap_or(Orientation::AS_STORED)
    };
    let decoded = picture.image;
    let fitted = if decoded.width().max(decoded.height()) > max_edge {
        resize_to_fit(&decoded, max_edge)
    } else {
        decoded
    };
    Ok(orient(fitted, orientation))
}

/// Applies an EXIF orientation so the image shows upright.
pub fn orient(image: RgbImage, orientation: Orientation) -> RgbImage {
    let Some(o) = image::metadata::Orientation::from_exif(orientation.exif_value()) else {
        return image;
    };
    let mut dynamic = image::DynamicImage::ImageRgb8(image);
    dynamic.apply_orientation(o);
    dynamic.into_rgb8()
}

/// Baseline JPEG of an RGB image no larger than 65 535 pixels a side.
pub fn encode_jpeg(image: &RgbImage, quality: u8) -> Vec<u8> {
    encode_jpeg_with_segments(image, quality, &[])
}

/// Baseline JPEG with application segments (`APPn` number, payload), such as EXIF in APP1.
pub fn encode_jpeg_with_segments(
    image: &RgbImage,
    quality: u8,
    segments: &[(u8, Vec<u8>)],
) -> Vec<u8> {
    let mut out = Vec::with_capacity(image.as_raw().len() / 8);
    let mut encoder = jpeg_encoder::Encoder::new(&mut out, quality);
    for (number, payload) in segments {
        encoder
            .add_app_segment(*number, payload.clone())
            .expect("segments are small and numbered 1-15");
    }
    encoder
        .encode(
            image.as_raw(),
            image.width() as u16,
            image.height() as u16,
            jpeg_encoder::ColorType::Rgb,
        )
        .expect("writing to a Vec cannot fail and previews are far below 65 535 pixels");
    out
}

/// The preview (long edge 2048) and thumbnail (long edge 256) of a decoded original, upright.
pub fn derive_previews(decoded: &RgbImage, orientation: Orientation) -> Derived {
    let start = Instant::now();
    let preview = orient(resize_to_fit(decoded, PREVIEW_EDGE), orientation);
    let thumbnail = resize_to_fit(&preview, THUMBNAIL_EDGE);
    let resize_time = start.elapsed();
    let start = Instant::now();
    let preview_jpeg = encode_jpeg(&preview, PREVIEW_QUALITY);
    let thumbnail_jpeg = encode_jpeg(&thumbnail, THUMBNAIL_QUALITY);
    let encode_time = start.elapsed();
    let (width, height) = if orientation.swaps_sides() {
        (decoded.height(), decoded.width())
    } else {
        decoded.dimensions()
    };
    Derived {
        preview,
        preview_jpeg,
        thumbnail_jpeg,
        width,
        height,
        resize_time,
        encode_time,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_keeps_aspect_and_never_enlarges() {
        assert_eq!(fit_long_edge(4000, 3000, 2048), (2048, 1536));
        assert_eq!(fit_long_edge(3000, 4000, 256), (192, 256));
        assert_eq!(fit_long_edge(100, 50, 256), (100, 50));
        assert_eq!(fit_long_edge(10_000, 1, 256), (256, 1));
    }

    #[test]
    fn previews_are_upright_and_sized() {
        let mut img = RgbImage::new(300, 100);
        img.put_pixel(0, 0, image::Rgb([255, 0, 0]));
        let d = derive_previews(&img, Orientation::from_exif(6).unwrap());
        assert_eq!((d.width, d.height), (100, 300));
        let thumb = image::load_from_memory(&d.thumbnail_jpeg).unwrap();
        assert_eq!((thumb.width(), thumb.height()), (85, 256));
    }
}
