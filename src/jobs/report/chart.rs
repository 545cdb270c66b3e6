//! Line charts over dates, drawn as vector operations: grades and measurements across a
//! series, sessions as dashed vertical lines.

// Geometry: x, y, w, h, u, v read as in the formulas they implement.
#![allow(clippy::many_single_char_names)]
use super::layout::{Colour, GREY, INK, Layout, Op, RULE};
use crate::imaging::text::em_width;
use chrono::NaiveDate;

/// Colours of the lines, in order (distinct in print and for common colour blindness).
pub const LINE_COLOURS: [Colour; 5] = [
    [40, 90, 160],
    [200, 110, 20],
    [30, 140, 90],
    [150, 50, 130],
    [90, 90, 90],
];

/// One line of a chart.
#[derive(Clone, Debug, PartialEq)]
pub struct Line {
    pub label: String,
    pub points: Vec<(NaiveDate, f64)>,
}

/// Round tick steps: 1, 2, 5 × 10^k.
fn tick_step(span: f64, ticks: f64) -> f64 {
    let raw = (span / ticks).max(1e-9);
    let magnitude = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * magnitude)
}

fn format_tick(v: f64, step: f64) -> String {
    if step >= 1.0 {
        format!("{v:.0}")
    } else if step >= 0.1 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}

/// Draws a chart `height` points high across the layout's width, below a title.
pub fn chart(
    layout: &mut Layout,
    title: &str,
    lines: &[Line],
    sessions: &[NaiveDate],
    height: f32,
) {
    let points: Vec<(NaiveDate, f64)> = lines.iter().flat_map(|l| l.points.clone()).collect();
    if points.is_empty() {
        return;
    }
    layout.ensure(height + 40.0);
    layout.paragraph(title, 9.5, INK);
    layout.gap(4.0);
    let axis_w = 34.0;
    let (x0, y0) = (layout.left() + axis_w, layout.y);
    let (w, h) = (layout.width() - axis_w - 4.0, height);
    let dates = points.iter().map(|p| p.0).chain(sessions.iter().copied());
    let (first, last) = dates.fold((NaiveDate::MAX, NaiveDate::MIN), |(a, b), d| {
        (a.min(d), b.max(d))
    });
    let span_days = ((last - first).num_days() as f32).max(1.0);
    let (mut lo, mut hi) = points
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), p| {
            (a.min(p.1), b.max(p.1))
        });
    if (hi - lo).abs() < 1e-9 {
        lo -= 1.0;
        hi += 1.0;
    }
    let step = tick_step(hi - lo, 4.0);
    let (lo, hi) = ((lo / step).floor() * step, (hi / step).ceil() * step);
    let x_of = |d: NaiveDate| x0 + 6.0 + (w - 12.0) * ((d - first).num_days() as f32 / span_days);
    let y_of = |v: f64| y0 + h - h * ((v - lo) / (hi - lo)) as f32;
    // Frame and horizontal grid with labels.
    let mut v = lo;
    while v <= hi + step * 0.01 {
        let y = y_of(v);
        layout.push(Op::Line {
            points: vec![[x0, y], [x0 + w, y]],
            width: 0.3,
            colour: RULE,
            dashed: false,
        });
        let label = format_tick(v, step);
        layout.push(Op::Text {
            x: x0 - 4.0 - em_width(&label, 7.0),
            y: y + 2.5,
            size: 7.0,
            text: label,
            colour: GREY,
        });
        v += step;
    }
    for s in sessions {
        let x = x_of(*s);
        layout.push(Op::Line {
            points: vec![[x, y0], [x, y0 + h]],
            width: 0.4,
            colour: GREY,
            dashed: true,
        });
    }
    for (i, line) in lines.iter().enumerate() {
        let colour = LINE_COLOURS[i % LINE_COLOURS.len()];
        let mut pts: Vec<(NaiveDate, f64)> = line.points.clone();
        pts.sort_by_key(|p| p.0);
        let path: Vec<[f32; 2]> = pts.iter().map(|(d, v)| [x_of(*d), y_of(*v)]).collect();
        if path.len() >= 2 {
            layout.push(Op::Line {
                points: path.clone(),
                width: 1.2,
                colour,
                dashed: false,
            });
        }
        for p in path {
            layout.push(Op::Dot {
                at: p,
                radius: 2.2,
                colour,
            });
        }
    }
    // Dates under the axis: first and last.
    let baseline = y0 + h + 10.0;
    for (d, align_right) in [(first, false), (last, true)] {
        let text = d.format("%Y-%m-%d").to_string();
        let x = if align_right {
            x0 + w - em_width(&text, 7.0)
        } else {
            x0
        };
        layout.push(Op::Text {
            x,
            y: baseline,
            size: 7.0,
            text,
            colour: GREY,
        });
    }
    layout.y = baseline + 4.0;
    // Legend.
    if lines.len() > 1 || !sessions.is_empty() {
        let mut x = x0;
        let y = layout.y + 9.0;
        for (i, line) in lines.iter().enumerate() {
            let colour = LINE_COLOURS[i % LINE_COLOURS.len()];
            layout.push(Op::Dot {
                at: [x + 3.0, y - 2.5],
                radius: 2.5,
                colour,
            });
            layout.push(Op::Text {
                x: x + 9.0,
                y,
                size: 7.5,
                text: line.label.clone(),
                colour: INK,
            });
            x += 24.0 + em_width(&line.label, 7.5);
        }
        if !sessions.is_empty() {
            layout.push(Op::Line {
                points: vec![[x, y - 6.0], [x, y + 1.0]],
                width: 0.4,
                colour: GREY,
                dashed: true,
            });
            layout.push(Op::Text {
                x: x + 5.0,
                y,
                size: 7.5,
                text: "session".into(),
                colour: GREY,
            });
        }
        layout.y = y + 6.0;
    }
    layout.gap(6.0);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jobs::report::layout::Paper;

    #[test]
    fn ticks_are_round_and_points_land_inside_the_frame() {
        assert!((tick_step(10.0, 4.0) - 5.0).abs() < 1e-12);
        assert!((tick_step(0.9, 4.0) - 0.5).abs() < 1e-12);
        let mut layout = Layout::new(Paper::A4);
        let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
        let lines = [Line {
            label: "ITA°".into(),
            points: vec![(d(1, 5), 30.0), (d(3, 1), 34.0), (d(6, 1), 38.5)],
        }];
        chart(
            &mut layout,
            "ITA° of the cheek",
            &lines,
            &[d(1, 5), d(2, 2)],
            120.0,
        );
        let dots: Vec<[f32; 2]> = layout.pages[0]
            .iter()
            .filter_map(|op| match op {
                Op::Dot { at, radius, .. } if *radius < 2.4 => Some(*at),
                _ => None,
            })
            .collect();
        assert_eq!(dots.len(), 3);
        // Later is further right, higher value is further up.
        assert!(dots[0][0] < dots[1][0] && dots[1][0] < dots[2][0]);
        assert!(dots[0][1] > dots[2][1]);
        let texts: Vec<&str> = layout.pages[0]
            .iter()
            .filter_map(|op| match op {
                Op::Text { text, .. } => Some(text.as_str()),
                _ => None,
            })
            .collect();
        assert!(texts.contains(&"2026-01-05") && texts.contains(&"2026-06-01"));
    }
}
