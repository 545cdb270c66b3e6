//! Text burnt into exported images (labels, findings), in the typeface the app draws with.

use ab_glyph::{Font, FontRef, PxScale, ScaleFont, point};
use image::{Rgb, RgbImage};
use std::sync::OnceLock;

fn font() -> &'static FontRef<'static> {
    static FONT: OnceLock<FontRef<'static>> = OnceLock::new();
    FONT.get_or_init(|| {
        FontRef::try_from_slice(epaint_default_fonts::UBUNTU_LIGHT)
            .expect("egui's bundled font parses")
    })
}

/// Width in pixels of `text` at `size` pixels.
pub fn text_width(text: &str, size: f32) -> f32 {
    let scaled = font().as_scaled(PxScale::from(size));
    let mut width = 0.0;
    let mut previous = None;
    for c in text.chars() {
        let id = scaled.glyph_id(c);
        if let Some(p) = previous {
            width += scaled.kern(p, id);
        }
        width += scaled.h_advance(id);
        previous = Some(id);
    }
    width
}

/// Width of `text` set at an em size of `size` (points in a PDF, say), from the font's own
/// advances and kerning.
pub fn em_width(text: &str, size: f32) -> f32 {
    let f = font();
    let per_unit = size / f.units_per_em().unwrap_or(1000.0);
    let mut width = 0.0;
    let mut previous = None;
    for c in text.chars() {
        let id = f.glyph_id(c);
        if let Some(p) = previous {
            width += f.kern_unscaled(p, id);
        }
        width += f.h_advance_unscaled(id);
        previous = Some(id);
    }
    width * per_unit
}

/// Height of one line of text at `size` pixels.
pub fn line_height(size: f32) -> f32 {
    let scaled = font().as_scaled(PxScale::from(size));
    scaled.ascent() - scaled.descent() + scaled.line_gap()
}

/// Draws one line of `text` with its top-left corner at (`x`, `y`), anti-aliased.
pub fn draw_text(image: &mut RgbImage, left: f32, top: f32, text: &str, size: f32, color: Rgb<u8>) {
    let typeface = font();
    let scale = PxScale::from(size);
    let scaled = typeface.as_scaled(scale);
    let mut caret = point(left, top + scaled.ascent());
    let mut previous = None;
    let (width, height) = (image.width() as i32, image.height() as i32);
    for c in text.chars() {
        let id = scaled.glyph_id(c);
        if let Some(p) = previous {
            caret.x += scaled.kern(p, id);
        }
        previous = Some(id);
        let glyph = id.with_scale_and_position(scale, caret);
        caret.x += scaled.h_advance(id);
        let Some(outlined) = typeface.outline_glyph(glyph) else {
            continue;
        };
        let bounds = outlined.px_bounds();
        outlined.draw(|gx, gy, coverage| {
            let px = bounds.min.x as i32 + gx as i32;
            let py = bounds.min.y as i32 + gy as i32;
            if px < 0 || py < 0 || px >= width || py >= height {
                return;
            }
            let pixel = image.get_pixel_mut(px as u32, py as u32);
            // The light typeface's thin strokes, strengthened so small labels stay legible.
            let a = (coverage * 1.6).clamp(0.0, 1.0);
            for (channel, target) in pixel.0.iter_mut().zip(color.0) {
                *channel = (f32::from(*channel) * (1.0 - a) + f32::from(target) * a).round() as u8;
            }
        });
    }
}

/// Darkens a rectangle (clipped to the image) by `amount` (0–1), so text on it reads.
pub fn shade(image: &mut RgbImage, x: i64, y: i64, w: i64, h: i64, amount: f32) {
    let x0 = x.clamp(0, i64::from(image.width())) as u32;
    let y0 = y.clamp(0, i64::from(image.height())) as u32;
    let x1 = (x + w).clamp(0, i64::from(image.width())) as u32;
    let y1 = (y + h).clamp(0, i64::from(image.height())) as u32;
    let keep = 1.0 - amount.clamp(0.0, 1.0);
    for py in y0..y1 {
        for px in x0..x1 {
            for c in &mut image.get_pixel_mut(px, py).0 {
                *c = (f32::from(*c) * keep) as u8;
            }
        }
    }
}

/// Lines of white text on a shaded box whose top-left corner is at (`x`, `y`); returns the
/// box's size.
pub fn draw_label(image: &mut RgbImage, x: f32, y: f32, lines: &[String], size: f32) -> (f32, f32) {
    let pad = (size * 0.4).round();
    let line = line_height(size);
    let width = lines
        .iter()
        .map(|l| text_width(l, size))
        .fold(0.0, f32::max)
        + 2.0 * pad;
    let height = line * lines.len() as f32 + 2.0 * pad;
    shade(
        image,
        x as i64,
        y as i64,
        width.ceil() as i64,
        height.ceil() as i64,
        0.62,
    );
    for (i, text) in lines.iter().enumerate() {
        draw_text(
            image,
            x + pad,
            y + pad + line * i as f32,
            text,
            size,
            Rgb([255, 255, 255]),
        );
    }
    (width, height)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_leaves_ink_where_it_is_drawn_and_nowhere_else() {
        let mut image = RgbImage::from_pixel(200, 40, Rgb([0, 0, 0]));
        draw_text(
            &mut image,
            10.0,
            5.0,
            "Session 3",
            20.0,
            Rgb([255, 255, 255]),
        );
        let ink = |x0: u32, x1: u32| {
            (x0..x1)
                .flat_map(|x| (0..40).map(move |y| (x, y)))
                .filter(|&(x, y)| image.get_pixel(x, y).0[0] > 128)
                .count()
        };
        let width = text_width("Session 3", 20.0);
        assert!(width > 60.0 && width < 110.0, "{width}");
        assert!(ink(10, 10 + width as u32) > 100);
        assert_eq!(ink(12 + width as u32, 200), 0);
    }
}
