//! The report's photo pages: each view's baseline and latest side by side (B aligned to A),
//! the series' contact sheet, the eye band of de-identified reports, and the check that the
//! originals shown are unaltered.

use super::layout::{GREY, INK, Layout, Op, WARNING};
use super::{JPEG_QUALITY, Material, PRINT_DPI, ReportError, checkpoint};
use crate::catalogue::Catalogue;
use crate::imaging::compose::{sheet_columns, warp_into};
use crate::imaging::derive::encode_jpeg;
use crate::jobs::export::{all_findings, load_pixels, sheet_photos};
use crate::library::Library;
use crate::model::{
    ComparedPhoto, ContentHash, Finding, Keyed, Photo, PhotoId, SeriesPhotos, Severity, Similarity,
    View,
};
use image::RgbImage;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

/// The eye band for de-identified reports and time-lapses: covers the eyes of `face` (the
/// landmarks found on the photo these pixels are of, any size) and returns `true`; a photo
/// without a face is left as it is (`false`), and the document says so. Call it before the
/// pixels are warped into another photo's frame.
pub fn mask_eyes(face: Option<&crate::model::face::FaceLandmarks>, image: &mut RgbImage) -> bool {
    face.is_some_and(|face| {
        crate::imaging::deidentify::cover_eyes(image, face);
        true
    })
}

/// A photo sized for print: its JPEG and the pixels it holds.
pub(super) fn print_jpeg(
    image: &RgbImage,
    width_pt: f32,
    height_pt: f32,
) -> (Arc<Vec<u8>>, [u32; 2]) {
    let want_w = (width_pt / 72.0 * PRINT_DPI).ceil() as u32;
    let want_h = (height_pt / 72.0 * PRINT_DPI).ceil() as u32;
    let (w, h) = image.dimensions();
    let fitted = if w > want_w || h > want_h {
        crate::imaging::derive::resize_to_fit(image, want_w.max(want_h).min(w.max(h)).max(1))
    } else {
        image.clone()
    };
    let dims = [fitted.width(), fitted.height()];
    (Arc::new(encode_jpeg(&fitted, JPEG_QUALITY)), dims)
}

/// The views of the series with their first and last photo (timelines of two or more).
fn view_pairs(series: &SeriesPhotos) -> Vec<(Option<View>, Vec<PhotoId>)> {
    let mut out: Vec<(Option<View>, Vec<PhotoId>)> = Vec::new();
    for p in &series.photos {
        if out.iter().any(|(_, line)| line.contains(&p.id())) {
            continue;
        }
        let line = series.timeline(p);
        if line.len() >= 2 && !out.iter().any(|(v, _)| *v == p.photo.view) {
            out.push((p.photo.view, line));
        }
    }
    out.sort_by_key(|(v, _)| {
        v.map_or(usize::MAX, |v| {
            View::ALL.iter().position(|x| *x == v).unwrap_or(0)
        })
    });
    out
}

/// Shared state while photos are placed: what was shown, embedded, and noted.
pub(super) struct Shown {
    pub(super) photos: Vec<Photo>,
    pub(super) images: usize,
    pub(super) image_bytes: usize,
    pub(super) unmasked: usize,
    pub(super) deidentify: bool,
}

impl Shown {
    /// Covers the eyes when de-identified (before any warp), counting photos without a face.
    fn mask(&mut self, face: Option<&crate::model::face::FaceLandmarks>, image: &mut RgbImage) {
        if self.deidentify && !mask_eyes(face, image) {
            self.unmasked += 1;
        }
    }

    fn place(
        &mut self,
        layout: &mut Layout,
        photo: &Photo,
        image: RgbImage,
        [x, y, w, h]: [f32; 4],
    ) {
        let (bytes, pixels) = print_jpeg(&image, w, h);
        self.images += 1;
        self.image_bytes += bytes.len();
        if !self.photos.iter().any(|p| p.id == photo.id) {
            self.photos.push(photo.clone());
        }
        layout.push(Op::Jpeg {
            x,
            y,
            w,
            h,
            bytes,
            pixels,
        });
    }
}

fn label_lines(layout: &mut Layout, x: f32, y: f32, lines: &[String], size: f32) -> f32 {
    let mut y = y;
    for line in lines {
        y += size * 1.3;
        layout.push(Op::Text {
            x,
            y,
            size,
            text: line.clone(),
            colour: INK,
        });
    }
    y
}

pub(super) fn pair_pages(
    layout: &mut Layout,
    library: &Library,
    cat: &mut Catalogue,
    material: &Material,
    shown: &mut Shown,
    cancel: &AtomicBool,
    progress: &mut dyn FnMut(f32, &str),
) -> Result<(), ReportError> {
    let pairs = view_pairs(&material.series);
    for (i, (view, line)) in pairs.iter().enumerate() {
        checkpoint(cancel)?;
        progress(
            0.15 + 0.45 * i as f32 / pairs.len() as f32,
            "Baseline and latest",
        );
        let (a_id, b_id) = (line[0], line[line.len() - 1]);
        let pair = cat.compare_pair(a_id, b_id)?;
        let aligned = cat.pair_transform(a_id, b_id)?;
        let transform = aligned.unwrap_or(Similarity::IDENTITY);
        let gap = 12.0;
        let panel_w = (layout.width() - gap) / 2.0;
        let aspect = pair.a.photo.height as f32 / pair.a.photo.width.max(1) as f32;
        let panel_h = (panel_w * aspect).min(300.0);
        let panel_w_fit = panel_h / aspect;
        let edge_px = ((panel_w_fit.max(panel_h) / 72.0) * PRINT_DPI).ceil() as u32;
        let mut a = load_pixels(library, &pair.a.photo, edge_px)?;
        let mut b_src = load_pixels(
            library,
            &pair.b.photo,
            ((edge_px as f64) * transform.scale.max(0.05)).ceil() as u32,
        )?;
        // The findings read the photos as they are; the eyes are covered after, before B is
        // warped (the landmarks are B's own).
        let findings = all_findings(&pair, aligned.as_ref(), &a, &b_src);
        shown.mask(pair.a.face.as_ref(), &mut a);
        shown.mask(pair.b.face.as_ref(), &mut b_src);
        let b = warp_into(&b_src, &transform, a.width(), a.height(), None);
        layout.heading(
            &format!(
                "{} · baseline and latest",
                view.map_or("View not recorded", View::label)
            ),
            panel_h + 60.0,
        );
        let top = layout.y + 4.0;
        let mut bottom = top;
        for (k, (photo, image, side)) in [
            (&pair.a.photo, a, crate::model::Side::A),
            (&pair.b.photo, b, crate::model::Side::B),
        ]
        .into_iter()
        .enumerate()
        {
            let x = layout.left() + k as f32 * (panel_w + gap);
            shown.place(layout, photo, image, [x, top, panel_w_fit, panel_h]);
            let mut lines = pair.label_lines(side);
            if k == 1 {
                lines.push(if aligned.is_some() {
                    "aligned to the baseline".to_owned()
                } else {
                    "not aligned".to_owned()
                });
            }
            bottom = bottom.max(label_lines(layout, x, top + panel_h, &lines, 8.5));
        }
        layout.y = bottom + 6.0;
        footnotes(layout, &findings);
    }
    Ok(())
}

fn footnotes(layout: &mut Layout, findings: &[Finding]) {
    if findings.is_empty() {
        layout.paragraph("No comparability problems found for this pair.", 8.0, GREY);
    }
    for (n, f) in findings.iter().enumerate() {
        let (word, colour) = match f.severity {
            Severity::Warning => ("Warning", WARNING),
            Severity::Note => ("Note", GREY),
        };
        layout.paragraph(&format!("{}. {word}: {}", n + 1, f.text), 8.0, colour);
    }
    layout.gap(6.0);
}

pub(super) fn contact_sheet(
    layout: &mut Layout,
    library: &Library,
    cat: &mut Catalogue,
    m: &Material,
    shown: &mut Shown,
    cancel: &AtomicBool,
    progress: &mut dyn FnMut(f32, &str),
) -> Result<(), ReportError> {
    let Some(line) = sheet_photos(&m.series, None) else {
        return Ok(());
    };
    let photos: Vec<&ComparedPhoto> = line.iter().filter_map(|id| m.series.photo(*id)).collect();
    let columns = sheet_columns(photos.len()).clamp(1, 4);
    let gap = 8.0;
    let cell_w = (layout.width() - gap * (columns as f32 - 1.0)) / columns as f32;
    let first = &photos[0].photo;
    let aspect = first.height as f32 / first.width.max(1) as f32;
    let cell_h = cell_w * aspect;
    layout.new_page();
    layout.heading(
        &format!(
            "Contact sheet · {}",
            first.view.map_or("view not recorded", View::label)
        ),
        cell_h + 40.0,
    );
    let edge = ((cell_w.max(cell_h) / 72.0) * PRINT_DPI).ceil() as u32;
    let mut frame: Option<(u32, u32)> = None;
    for (row_start, row) in photos.chunks(columns).enumerate() {
        layout.ensure(cell_h + 40.0);
        let top = layout.y + 2.0;
        let mut bottom = top;
        for (k, p) in row.iter().enumerate() {
            checkpoint(cancel)?;
            progress(
                0.6 + 0.3 * (row_start * columns + k) as f32 / photos.len() as f32,
                "Contact sheet",
            );
            let mut image = load_pixels(library, &p.photo, edge)?;
            shown.mask(p.face.as_ref(), &mut image);
            match frame {
                None => frame = Some(image.dimensions()),
                Some((w, h)) => {
                    if let Some(t) = cat.pair_transform(line[0], p.id())? {
                        image = warp_into(&image, &t, w, h, None);
                    }
                }
            }
            let x = layout.left() + k as f32 * (cell_w + gap);
            shown.place(layout, &p.photo, image, [x, top, cell_w, cell_h]);
            let label = m.series.label(&p.photo).lines();
            bottom = bottom.max(label_lines(
                layout,
                x,
                top + cell_h,
                &label[..label.len().min(2)],
                7.5,
            ));
        }
        layout.y = bottom + 8.0;
    }
    Ok(())
}

/// Re-hashes the originals shown: those that match, and those that do not (or are missing).
pub(super) fn verify_shown(library: &Library, photos: &[Photo]) -> (usize, Vec<PhotoId>) {
    let mut ok = 0;
    let mut altered = Vec::new();
    for p in photos {
        let path = library.original_path(&p.hash, p.format);
        match library.read_file(&path) {
            Ok(bytes) if ContentHash::of(&bytes) == p.hash => ok += 1,
            _ => altered.push(p.id),
        }
    }
    (ok, altered)
}
