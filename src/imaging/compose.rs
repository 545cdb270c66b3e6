//! Two photos made one: B seen through the pair's transform in A's frame, difference, blend
//! and slider composition, and the labelled layouts that are exported (side by side, slider,
//! contact sheet). Pure pixel code; encoders write no metadata at all.

use super::derive::{encode_jpeg, resize_exact, resize_to_fit};
use super::text::{draw_label, draw_text, line_height, text_width};
use crate::model::Similarity;
use crate::model::transform::{from_normalised, to_normalised};
use image::{Rgb, RgbImage};

/// Where neither photo has pixels.
pub const BACKGROUND: Rgb<u8> = Rgb([24, 24, 24]);

/// `src` as it appears in a `width`×`height` frame of the other photo, through `t` (src's
/// normalised coordinates to the frame's), sampled bilinearly. Where `src` has no pixel the
/// frame shows `fill`'s pixel, or [`BACKGROUND`].
pub fn warp_into(
    src: &RgbImage,
    t: &Similarity,
    width: u32,
    height: u32,
    fill: Option<&RgbImage>,
) -> RgbImage {
    if t.is_identity() && src.dimensions() == (width, height) {
        return src.clone();
    }
    let inverse = t.inverse();
    let (sw, sh) = src.dimensions();
    let raw = src.as_raw();
    let mut out = RgbImage::new(width, height);
    for (x, y, pixel) in out.enumerate_pixels_mut() {
        let q = to_normalised([f64::from(x) + 0.5, f64::from(y) + 0.5], width, height);
        let [px, py] = from_normalised(inverse.apply(q), sw, sh);
        let (fx, fy) = (px - 0.5, py - 0.5);
        if fx < -0.5 || fy < -0.5 || fx > f64::from(sw) - 0.5 || fy > f64::from(sh) - 0.5 {
            *pixel = fill.map_or(BACKGROUND, |f| *f.get_pixel(x, y));
            continue;
        }
        let x0 = fx.floor().clamp(0.0, f64::from(sw - 1)) as usize;
        let y0 = fy.floor().clamp(0.0, f64::from(sh - 1)) as usize;
        let x1 = (x0 + 1).min(sw as usize - 1);
        let y1 = (y0 + 1).min(sh as usize - 1);
        let wx = (fx - x0 as f64).clamp(0.0, 1.0) as f32;
        let wy = (fy - y0 as f64).clamp(0.0, 1.0) as f32;
        let at = |xx: usize, yy: usize, c: usize| f32::from(raw[(yy * sw as usize + xx) * 3 + c]);
        for c in 0..3 {
            let top = at(x0, y0, c) * (1.0 - wx) + at(x1, y0, c) * wx;
            let bottom = at(x0, y1, c) * (1.0 - wx) + at(x1, y1, c) * wx;
            pixel.0[c] = (top * (1.0 - wy) + bottom * wy).round() as u8;
        }
    }
    out
}

fn zip_pixels(a: &RgbImage, b: &RgbImage, f: impl Fn([u8; 3], [u8; 3]) -> [u8; 3]) -> RgbImage {
    assert_eq!(a.dimensions(), b.dimensions(), "compose images of one size");
    let mut out = RgbImage::new(a.width(), a.height());
    for ((o, pa), pb) in out.pixels_mut().zip(a.pixels()).zip(b.pixels()) {
        o.0 = f(pa.0, pb.0);
    }
    out
}

/// Absolute difference per channel, multiplied by `gain`.
pub fn difference(a: &RgbImage, b: &RgbImage, gain: f32) -> RgbImage {
    zip_pixels(a, b, |pa, pb| {
        std::array::from_fn(|c| (f32::from(pa[c].abs_diff(pb[c])) * gain).min(255.0) as u8)
    })
}

/// How much a pixel changed (0–255, luminance-weighted absolute difference), before gain.
fn change(pa: [u8; 3], pb: [u8; 3]) -> f32 {
    0.299 * f32::from(pa[0].abs_diff(pb[0]))
        + 0.587 * f32::from(pa[1].abs_diff(pb[1]))
        + 0.114 * f32::from(pa[2].abs_diff(pb[2]))
}

/// Colour of a change from 0 (none: black) to 1 (most: white) through blue, red and yellow.
pub fn heat_colour(t: f32) -> [u8; 3] {
    const STOPS: [[f32; 3]; 5] = [
        [0.0, 0.0, 0.0],
        [40.0, 30.0, 160.0],
        [200.0, 30.0, 60.0],
        [250.0, 200.0, 20.0],
        [255.0, 255.0, 255.0],
    ];
    let t = t.clamp(0.0, 1.0) * (STOPS.len() - 1) as f32;
    let i = (t.floor() as usize).min(STOPS.len() - 2);
    let f = t - i as f32;
    std::array::from_fn(|c| (STOPS[i][c] * (1.0 - f) + STOPS[i + 1][c] * f).round() as u8)
}

/// The amplified change as a heat map: black where nothing changed.
pub fn heat_map(a: &RgbImage, b: &RgbImage, gain: f32) -> RgbImage {
    zip_pixels(a, b, |pa, pb| heat_colour(change(pa, pb) * gain / 255.0))
}

/// B over A at `opacity` (0: only A, 1: only B).
pub fn blend(a: &RgbImage, b: &RgbImage, opacity: f32) -> RgbImage {
    let k = opacity.clamp(0.0, 1.0);
    zip_pixels(a, b, |pa, pb| {
        std::array::from_fn(|c| (f32::from(pa[c]) * (1.0 - k) + f32::from(pb[c]) * k).round() as u8)
    })
}

/// How a slider splits the frame: a vertical divider (A left) or a horizontal one (A above).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Split {
    /// Where the divider is, from 0 (left or top edge) to 1.
    pub at: f32,
    pub vertical: bool,
}

impl Split {
    /// Whether pixel (`x`, `y`) of a `w`×`h` frame shows A.
    pub fn shows_a(&self, x: u32, y: u32, w: u32, h: u32) -> bool {
        if self.vertical {
            (x as f32 + 0.5) < self.at * w as f32
        } else {
            (y as f32 + 0.5) < self.at * h as f32
        }
    }
}

/// A before the divider, B after it.
pub fn slider(a: &RgbImage, b: &RgbImage, split: Split) -> RgbImage {
    assert_eq!(a.dimensions(), b.dimensions(), "compose images of one size");
    let (w, h) = a.dimensions();
    RgbImage::from_fn(w, h, |x, y| {
        if split.shows_a(x, y, w, h) {
            *a.get_pixel(x, y)
        } else {
            *b.get_pixel(x, y)
        }
    })
}

/// How an exported pair is laid out.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum PairLayout {
    SideBySide,
    Slider(Split),
}

/// Everything an exported comparison shows.
#[derive(Clone, Debug)]
pub struct PairExport<'a> {
    pub a: &'a RgbImage,
    pub b: &'a RgbImage,
    pub transform: Similarity,
    pub a_label: Vec<String>,
    pub b_label: Vec<String>,
    /// Above the photos: who and which series.
    pub title: String,
    /// Below the photos: the pair's findings and a caption.
    pub footer: Vec<String>,
    pub layout: PairLayout,
    /// Width of the whole image in pixels.
    pub width: u32,
}

/// Font size for an export `width` pixels wide.
fn font_size(width: u32) -> f32 {
    (width as f32 / 64.0).clamp(16.0, 44.0)
}

/// Splits `text` into lines no wider than `max` pixels at `size`.
fn wrap(text: &str, size: f32, max: f32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() {
            word.to_owned()
        } else {
            format!("{line} {word}")
        };
        if !line.is_empty() && text_width(&candidate, size) > max {
            lines.push(std::mem::replace(&mut line, word.to_owned()));
        } else {
            line = candidate;
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// A canvas with a title band above `body_height` pixels and wrapped footer lines below;
/// returns it and the body's top.
fn canvas(width: u32, body_height: u32, title: &str, footer: &[String]) -> (RgbImage, u32) {
    let size = font_size(width);
    let small = size * 0.75;
    let margin = size * 0.5;
    let footer_lines: Vec<String> = footer
        .iter()
        .flat_map(|f| wrap(f, small, width as f32 - 2.0 * margin))
        .collect();
    let header = (line_height(size) + 2.0 * margin).ceil() as u32;
    let footer_height = if footer_lines.is_empty() {
        0
    } else {
        (line_height(small) * footer_lines.len() as f32 + 2.0 * margin).ceil() as u32
    };
    let mut image = RgbImage::from_pixel(width, header + body_height + footer_height, BACKGROUND);
    draw_text(
        &mut image,
        margin,
        margin,
        title,
        size,
        Rgb([235, 235, 235]),
    );
    for (i, line) in footer_lines.iter().enumerate() {
        let y = (header + body_height) as f32 + margin + line_height(small) * i as f32;
        draw_text(&mut image, margin, y, line, small, Rgb([215, 215, 215]));
    }
    (image, header)
}

fn paste(canvas: &mut RgbImage, image: &RgbImage, x: u32, y: u32) {
    image::imageops::replace(canvas, image, i64::from(x), i64::from(y));
}

/// B resized near the frame's scale (so warping does not alias), then seen in the frame.
fn b_in_frame(e: &PairExport<'_>, width: u32, height: u32) -> RgbImage {
    let edge = (f64::from(width.max(height)) * e.transform.scale.max(0.05)).ceil() as u32;
    let b = if e.b.width().max(e.b.height()) > edge {
        resize_to_fit(e.b, edge.max(1))
    } else {
        e.b.clone()
    };
    warp_into(&b, &e.transform, width, height, None)
}

/// The comparison as one labelled image.
pub fn compose_pair(e: &PairExport<'_>) -> RgbImage {
    let size = font_size(e.width);
    let margin = size * 0.5;
    let gap = (e.width / 200).max(4);
    let panel_w = match e.layout {
        PairLayout::SideBySide => (e.width - gap) / 2,
        PairLayout::Slider(_) => e.width,
    }
    .max(1);
    let panel_h = ((f64::from(panel_w) * f64::from(e.a.height()) / f64::from(e.a.width())).round()
        as u32)
        .max(1);
    let a = resize_exact(e.a, panel_w, panel_h);
    let b = b_in_frame(e, panel_w, panel_h);
    let (mut image, top) = canvas(e.width, panel_h, &e.title, &e.footer);
    let label_height = |lines: &[String]| line_height(size * 0.8) * lines.len() as f32 + 0.8 * size;
    match e.layout {
        PairLayout::SideBySide => {
            paste(&mut image, &a, 0, top);
            paste(&mut image, &b, panel_w + gap, top);
            let y = (top + panel_h) as f32 - margin - label_height(&e.a_label);
            draw_label(&mut image, margin, y, &e.a_label, size * 0.8);
            let y = (top + panel_h) as f32 - margin - label_height(&e.b_label);
            draw_label(
                &mut image,
                (panel_w + gap) as f32 + margin,
                y,
                &e.b_label,
                size * 0.8,
            );
        }
        PairLayout::Slider(split) => {
            let mut composed = slider(&a, &b, split);
            draw_divider(&mut composed, split);
            paste(&mut image, &composed, 0, top);
            let b_width = e
                .b_label
                .iter()
                .map(|l| text_width(l, size * 0.8))
                .fold(0.0, f32::max)
                + 0.8 * size;
            let bottom = (top + panel_h) as f32 - margin;
            if split.vertical {
                draw_label(
                    &mut image,
                    margin,
                    bottom - label_height(&e.a_label),
                    &e.a_label,
                    size * 0.8,
                );
                draw_label(
                    &mut image,
                    e.width as f32 - margin - b_width,
                    bottom - label_height(&e.b_label),
                    &e.b_label,
                    size * 0.8,
                );
            } else {
                draw_label(
                    &mut image,
                    margin,
                    top as f32 + margin,
                    &e.a_label,
                    size * 0.8,
                );
                draw_label(
                    &mut image,
                    margin,
                    bottom - label_height(&e.b_label),
                    &e.b_label,
                    size * 0.8,
                );
            }
        }
    }
    image
}

/// A thin white line along the divider.
fn draw_divider(image: &mut RgbImage, split: Split) {
    let (w, h) = image.dimensions();
    let thickness = (w.max(h) / 800).max(1);
    if split.vertical {
        let x0 = ((split.at * w as f32) as u32).saturating_sub(thickness / 2);
        for x in x0..(x0 + thickness).min(w) {
            for y in 0..h {
                image.put_pixel(x, y, Rgb([255, 255, 255]));
            }
        }
    } else {
        let y0 = ((split.at * h as f32) as u32).saturating_sub(thickness / 2);
        for y in y0..(y0 + thickness).min(h) {
            for x in 0..w {
                image.put_pixel(x, y, Rgb([255, 255, 255]));
            }
        }
    }
}

/// One photo of a contact sheet: its pixels (already in the series' frame) and its label.
#[derive(Clone, Debug)]
pub struct SheetCell {
    pub image: RgbImage,
    pub label: Vec<String>,
}

/// Columns for `n` photos: one row up to three, then as square as possible.
pub fn sheet_columns(n: usize) -> usize {
    if n <= 3 {
        n.max(1)
    } else {
        (n as f64).sqrt().ceil() as usize
    }
}

/// The photos of a series in a grid, in the order given, each with its label.
pub fn compose_sheet(title: &str, cells: &[SheetCell], footer: &[String], width: u32) -> RgbImage {
    let columns = sheet_columns(cells.len()) as u32;
    let rows = (cells.len() as u32).div_ceil(columns).max(1);
    let gap = (width / 200).max(4);
    let cell_w = ((width - gap * (columns + 1)) / columns).max(1);
    let aspect = cells.first().map_or(0.75, |c| {
        f64::from(c.image.height()) / f64::from(c.image.width())
    });
    let cell_h = ((f64::from(cell_w) * aspect).round() as u32).max(1);
    let body = rows * cell_h + (rows + 1) * gap;
    let (mut image, top) = canvas(width, body, title, footer);
    let size = font_size(width) * 0.7;
    for (i, cell) in cells.iter().enumerate() {
        let (col, row) = (i as u32 % columns, i as u32 / columns);
        let cell_x = gap + col * (cell_w + gap);
        let cell_y = top + gap + row * (cell_h + gap);
        let scaled = {
            let (w, h) =
                super::derive::fit_long_edge(cell.image.width(), cell.image.height(), u32::MAX);
            let k = (f64::from(cell_w) / f64::from(w)).min(f64::from(cell_h) / f64::from(h));
            let (w, h) = (
                ((f64::from(w) * k).round() as u32).max(1),
                ((f64::from(h) * k).round() as u32).max(1),
            );
            resize_exact(&cell.image, w, h)
        };
        let (ox, oy) = (
            cell_x + (cell_w - scaled.width()) / 2,
            cell_y + (cell_h - scaled.height()) / 2,
        );
        paste(&mut image, &scaled, ox, oy);
        let label_h = line_height(size) * cell.label.len() as f32 + size * 0.8;
        draw_label(
            &mut image,
            ox as f32 + size * 0.4,
            (oy + scaled.height()) as f32 - size * 0.4 - label_h,
            &cell.label,
            size,
        );
    }
    image
}

/// The file formats an export can be saved as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    Png,
    Jpeg,
}

impl ExportFormat {
    /// The extension a file of this format is saved with.
    pub fn extension(self) -> &'static str {
        self.extensions()[0]
    }

    /// Every extension a file of this format may have (the first is [`Self::extension`]).
    pub fn extensions(self) -> &'static [&'static str] {
        match self {
            Self::Png => &["png"],
            Self::Jpeg => &["jpg", "jpeg"],
        }
    }

    /// From a file name's extension.
    pub fn from_path(path: &std::path::Path) -> Option<Self> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        [Self::Png, Self::Jpeg]
            .into_iter()
            .find(|f| f.extensions().contains(&ext.as_str()))
    }
}

/// Encodes an export with no metadata at all: no EXIF, no GPS, no text chunks.
pub fn encode_export(image: &RgbImage, format: ExportFormat) -> Vec<u8> {
    match format {
        ExportFormat::Jpeg => encode_jpeg(image, 92),
        ExportFormat::Png => {
            let mut out = Vec::new();
            image::ImageEncoder::write_image(
                image::codecs::png::PngEncoder::new(&mut out),
                image.as_raw(),
                image.width(),
                image.height(),
                image::ExtendedColorType::Rgb8,
            )
            .expect("encoding PNG into memory cannot fail");
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flat(w: u32, h: u32, v: u8) -> RgbImage {
        RgbImage::from_pixel(w, h, Rgb([v, v, v]))
    }

    #[test]
    fn difference_amplifies_and_saturates_and_blend_mixes() {
        let a = RgbImage::from_pixel(2, 1, Rgb([100, 50, 0]));
        let b = RgbImage::from_fn(2, 1, |x, _| {
            if x == 0 {
                Rgb([110, 40, 0])
            } else {
                Rgb([200, 50, 255])
            }
        });
        let d = difference(&a, &b, 4.0);
        assert_eq!(d.get_pixel(0, 0).0, [40, 40, 0]);
        assert_eq!(d.get_pixel(1, 0).0, [255, 0, 255]);
        let heat = heat_map(&a, &a, 8.0);
        assert_eq!(heat.get_pixel(0, 0).0, [0, 0, 0], "no change is black");
        assert_eq!(heat_colour(1.0), [255, 255, 255]);
        let mixed = blend(&flat(1, 1, 0), &flat(1, 1, 200), 0.25);
        assert_eq!(mixed.get_pixel(0, 0).0, [50, 50, 50]);
    }

    #[test]
    fn slider_takes_a_before_the_split_and_b_after() {
        let (a, b) = (flat(10, 4, 10), flat(10, 4, 200));
        let s = slider(
            &a,
            &b,
            Split {
                at: 0.3,
                vertical: true,
            },
        );
        for x in 0..10 {
            assert_eq!(
                s.get_pixel(x, 2).0[0],
                if x < 3 { 10 } else { 200 },
                "x {x}"
            );
        }
        let s = slider(
            &a,
            &b,
            Split {
                at: 0.5,
                vertical: false,
            },
        );
        assert_eq!((s.get_pixel(5, 1).0[0], s.get_pixel(5, 2).0[0]), (10, 200));
    }

    #[test]
    fn warping_moves_pixels_by_the_transform_and_fills_outside() {
        // A bright column at x = 10 of 40: shifting B right by a quarter of the long edge
        // moves it to x = 20 in A's frame.
        let src = RgbImage::from_fn(
            40,
            20,
            |x, _| {
                if x == 10 { Rgb([255; 3]) } else { Rgb([0; 3]) }
            },
        );
        let t = Similarity {
            tx: 0.25,
            ..Similarity::IDENTITY
        };
        let out = warp_into(&src, &t, 40, 20, None);
        assert_eq!(out.get_pixel(20, 10).0, [255; 3]);
        assert_eq!(out.get_pixel(10, 10).0, [0; 3]);
        assert_eq!(
            out.get_pixel(2, 10).0,
            BACKGROUND.0,
            "nothing of B lands here"
        );
        let filled = warp_into(&src, &t, 40, 20, Some(&flat(40, 20, 77)));
        assert_eq!(filled.get_pixel(2, 10).0, [77; 3]);
        // Identity at another resolution is a resize: same relative place.
        let half = warp_into(&src, &Similarity::IDENTITY, 80, 40, None);
        assert!(half.get_pixel(21, 20).0[0] > 100);
    }

    fn has_ink(image: &RgbImage, x0: u32, y0: u32, x1: u32, y1: u32) -> bool {
        (x0..x1).any(|x| (y0..y1).any(|y| image.get_pixel(x, y).0[0] > 180))
    }

    #[test]
    fn exported_slider_is_a_left_b_right_with_labels_and_no_metadata() {
        // Mid-grey A and B of different brightness; labels are white on shaded boxes.
        let (a, b) = (flat(400, 300, 60), flat(400, 300, 120));
        let export = PairExport {
            a: &a,
            b: &b,
            transform: Similarity::IDENTITY,
            a_label: vec!["2026-01-05  (baseline)".into()],
            b_label: vec!["2026-03-30  (+84 d)".into()],
            title: "Me · Microneedling".into(),
            footer: vec!["B was taken 5 days after treatment session 2.".into()],
            layout: PairLayout::Slider(Split {
                at: 0.5,
                vertical: true,
            }),
            width: 800,
        };
        let image = compose_pair(&export);
        assert_eq!(image.width(), 800);
        let header = (line_height(font_size(800)) + font_size(800)).ceil() as u32;
        // Just below the title band, clear of the labels: A left of the split, B right of it.
        let y = header + 20;
        assert_eq!(image.get_pixel(100, y).0, [60; 3]);
        assert_eq!(image.get_pixel(700, y).0, [120; 3]);
        assert_eq!(image.get_pixel(400, y).0, [255; 3], "the divider");
        assert!(has_ink(&image, 0, 0, 400, header), "title drawn");
        let bottom = header + 600;
        assert!(has_ink(&image, 0, bottom - 60, 300, bottom), "A's label");
        assert!(has_ink(&image, 500, bottom - 60, 800, bottom), "B's label");
        assert!(has_ink(&image, 0, bottom, 800, image.height()), "findings");
        for format in [ExportFormat::Png, ExportFormat::Jpeg] {
            let bytes = encode_export(&image, format);
            assert!(
                exif::Reader::new()
                    .read_from_container(&mut std::io::Cursor::new(&bytes))
                    .is_err(),
                "{format:?} carries EXIF"
            );
            if format == ExportFormat::Jpeg {
                // Only the JFIF header: no APP1 (EXIF/XMP) or any other application segment.
                let app = bytes
                    .windows(2)
                    .filter(|w| w[0] == 0xFF && (0xE1..=0xEF).contains(&w[1]));
                assert_eq!(app.count(), 0);
            } else {
                for chunk in [&b"tEXt"[..], b"iTXt", b"zTXt", b"eXIf"] {
                    assert!(!bytes.windows(4).any(|w| w == chunk));
                }
            }
            let decoded = image::load_from_memory(&bytes).unwrap().to_rgb8();
            assert_eq!(decoded.dimensions(), image.dimensions());
        }
    }

    #[test]
    fn side_by_side_and_sheet_place_every_photo() {
        let (a, b) = (flat(300, 200, 60), flat(300, 200, 140));
        let image = compose_pair(&PairExport {
            a: &a,
            b: &b,
            transform: Similarity::IDENTITY,
            a_label: vec!["A".into()],
            b_label: vec!["B".into()],
            title: "t".into(),
            footer: vec![],
            layout: PairLayout::SideBySide,
            width: 604,
        });
        let header = (line_height(font_size(604)) + font_size(604)).ceil() as u32;
        assert_eq!(image.height(), header + 200);
        assert_eq!(image.get_pixel(150, header + 10).0, [60; 3]);
        assert_eq!(image.get_pixel(450, header + 10).0, [140; 3]);
        let cells: Vec<SheetCell> = (0..5)
            .map(|i| SheetCell {
                image: flat(300, 200, 40 * i as u8 + 20),
                label: vec![format!("Session {}", i + 1)],
            })
            .collect();
        let sheet = compose_sheet("Sheet", &cells, &[], 900);
        assert_eq!(sheet_columns(5), 3);
        let (gap, cell_w) = (4, (900 - 4 * 4) / 3);
        let cell_h = (f64::from(cell_w) * 2.0 / 3.0).round() as u32;
        let sheet_header = (line_height(font_size(900)) + font_size(900)).ceil() as u32;
        for (i, cell) in cells.iter().enumerate() {
            let (col, row) = (i as u32 % 3, i as u32 / 3);
            let x = gap + col * (cell_w + gap) + cell_w / 2;
            let y = sheet_header + gap + row * (cell_h + gap) + 10;
            assert_eq!(
                sheet.get_pixel(x, y).0,
                cell.image.get_pixel(0, 0).0,
                "cell {i}"
            );
        }
    }
}
