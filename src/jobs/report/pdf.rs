//! Rendering laid-out pages to PDF with krilla: text in an embedded subset of the font the
//! app draws with (egui's Ubuntu Light, Ubuntu Font Licence 1.0), searchable; JPEGs
//! embedded as they are (DCT, no recompression); charts as vector paths. The document
//! metadata holds a title and the generation date only: no names, places or devices.

use super::layout::{Colour, GREY, Layout, Op, RULE};
use chrono::{Datelike, Timelike};
use krilla::Document;
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect, Size, Transform};
use krilla::image::Image;
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke, StrokeDash};
use krilla::text::{Font, TextDirection};

fn paint(c: Colour) -> krilla::paint::Paint {
    rgb::Color::new(c[0], c[1], c[2]).into()
}

fn fill(c: Colour) -> Fill {
    Fill {
        paint: paint(c),
        opacity: NormalizedF32::ONE,
        rule: krilla::paint::FillRule::default(),
    }
}

/// The footer of every page: the verification line on the left, the date and page number
/// on the right.
#[derive(Clone, Debug)]
pub struct Footer {
    pub lines: Vec<String>,
    pub generated: String,
}

fn draw(surface: &mut krilla::surface::Surface<'_>, font: &Font, op: &Op) -> Result<(), String> {
    match op {
        Op::Text {
            x,
            y,
            size,
            text,
            colour,
        } => {
            surface.set_fill(Some(fill(*colour)));
            surface.draw_text(
                Point::from_xy(*x, *y),
                font.clone(),
                *size,
                text,
                false,
                TextDirection::Auto,
            );
        }
        Op::Line {
            points,
            width,
            colour,
            dashed,
        } => {
            let mut pb = PathBuilder::new();
            for (i, [x, y]) in points.iter().enumerate() {
                if i == 0 {
                    pb.move_to(*x, *y);
                } else {
                    pb.line_to(*x, *y);
                }
            }
            if let Some(path) = pb.finish() {
                surface.set_fill(None);
                surface.set_stroke(Some(Stroke {
                    paint: paint(*colour),
                    width: *width,
                    dash: dashed.then(|| StrokeDash {
                        array: vec![2.0, 2.0],
                        offset: 0.0,
                    }),
                    ..Stroke::default()
                }));
                surface.draw_path(&path);
                surface.set_stroke(None);
            }
        }
        Op::Rect { x, y, w, h, colour } => {
            if let Some(rect) = Rect::from_xywh(*x, *y, *w, *h) {
                let mut pb = PathBuilder::new();
                pb.push_rect(rect);
                if let Some(path) = pb.finish() {
                    surface.set_fill(Some(fill(*colour)));
                    surface.draw_path(&path);
                }
            }
        }
        Op::Dot { at, radius, colour } => {
            // A small diamond: four segments, crisp at any zoom.
            let [x, y] = *at;
            let r = *radius;
            let mut pb = PathBuilder::new();
            pb.move_to(x, y - r);
            pb.line_to(x + r, y);
            pb.line_to(x, y + r);
            pb.line_to(x - r, y);
            pb.close();
            if let Some(path) = pb.finish() {
                surface.set_fill(Some(fill(*colour)));
                surface.draw_path(&path);
            }
        }
        Op::Jpeg {
            x, y, w, h, bytes, ..
        }
        | Op::Png {
            x, y, w, h, bytes, ..
        } => {
            let image = if matches!(op, Op::Jpeg { .. }) {
                Image::from_jpeg(bytes.clone().into(), true)?
            } else {
                Image::from_png(bytes.clone().into(), true)?
            };
            let size = Size::from_wh(*w, *h).ok_or("an image with no size")?;
            surface.push_transform(&Transform::from_translate(*x, *y));
            surface.draw_image(image, size);
            surface.pop();
        }
    }
    Ok(())
}

/// Writes the laid-out pages as a PDF; `title` goes into the document information.
pub fn render(layout: &Layout, footer: &Footer, title: &str) -> Result<Vec<u8>, String> {
    let font = Font::new(epaint_default_fonts::UBUNTU_LIGHT.into(), 0)
        .ok_or("the bundled font could not be read")?;
    let settings = krilla::SerializeSettings {
        // No XMP packet: the information dictionary's title and date are all we say.
        xmp_metadata: false,
        ..krilla::SerializeSettings::default()
    };
    let mut document = Document::new_with(settings);
    let [pw, ph] = layout.paper.size();
    let total = layout.pages.len();
    for (n, ops) in layout.pages.iter().enumerate() {
        let settings = PageSettings::from_wh(pw, ph).ok_or("bad paper size")?;
        let mut page = document.start_page_with(settings);
        let mut surface = page.surface();
        for op in ops {
            draw(&mut surface, &font, op)?;
        }
        // Footer.
        let top = ph - layout.margin - layout.footer + 14.0;
        let left = layout.margin;
        let right = pw - layout.margin;
        draw(
            &mut surface,
            &font,
            &Op::Line {
                points: vec![[left, top], [right, top]],
                width: 0.5,
                colour: RULE,
                dashed: false,
            },
        )?;
        let mut y = top + 11.0;
        for line in &footer.lines {
            draw(
                &mut surface,
                &font,
                &Op::Text {
                    x: left,
                    y,
                    size: 7.5,
                    text: line.clone(),
                    colour: GREY,
                },
            )?;
            y += 10.0;
        }
        let page_text = format!("{} · page {} of {total}", footer.generated, n + 1);
        let w = crate::imaging::text::em_width(&page_text, 7.5);
        draw(
            &mut surface,
            &font,
            &Op::Text {
                x: right - w,
                y: top + 11.0,
                size: 7.5,
                text: page_text,
                colour: GREY,
            },
        )?;
        surface.finish();
        page.finish();
    }
    let now = chrono::Utc::now();
    document.set_metadata(
        krilla::metadata::Metadata::new()
            .title(title.to_owned())
            .creator("Skinlapse".to_owned())
            .creation_date(
                krilla::metadata::DateTime::new(now.year() as u16)
                    .month(now.month() as u8)
                    .day(now.day() as u8)
                    .hour(now.hour() as u8)
                    .minute(now.minute() as u8)
                    .second(now.second() as u8)
                    .utc_offset_hour(0)
                    .utc_offset_minute(0),
            ),
    );
    document.finish().map_err(|e| format!("{e:?}"))
}
