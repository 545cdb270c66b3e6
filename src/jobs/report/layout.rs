//! Laying out a report: pages of drawing operations in points (1/72 in; origin at the top
//! left, y down), built first and rendered to PDF at the end so every footer knows the page
//! count. Kept apart from the PDF library so the layout can be tested on its own.

use crate::imaging::text::em_width;
use std::sync::Arc;

/// Paper sizes in points.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Paper {
    A4,
    Letter,
}

impl Paper {
    pub fn size(self) -> [f32; 2] {
        match self {
            Self::A4 => [595.28, 841.89],
            Self::Letter => [612.0, 792.0],
        }
    }
}

pub type Colour = [u8; 3];
pub const INK: Colour = [25, 25, 25];
pub const GREY: Colour = [110, 110, 110];
pub const RULE: Colour = [200, 200, 200];
pub const ACCENT: Colour = [40, 90, 160];
pub const WARNING: Colour = [170, 60, 20];

/// One thing drawn on a page.
#[derive(Clone, Debug, PartialEq)]
pub enum Op {
    /// One line of text; `y` is its baseline.
    Text {
        x: f32,
        y: f32,
        size: f32,
        text: String,
        colour: Colour,
    },
    /// Straight segments through `points`.
    Line {
        points: Vec<[f32; 2]>,
        width: f32,
        colour: Colour,
        dashed: bool,
    },
    /// A filled rectangle.
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        colour: Colour,
    },
    /// A filled dot (chart points).
    Dot {
        at: [f32; 2],
        radius: f32,
        colour: Colour,
    },
    /// A JPEG shown in the box, embedded as it is (no recompression).
    Jpeg {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        bytes: Arc<Vec<u8>>,
        /// Pixel size of the JPEG.
        pixels: [u32; 2],
    },
    /// A PNG (the clinic logo), decoded by the PDF writer.
    Png {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        bytes: Arc<Vec<u8>>,
    },
}

/// Pages being filled from the top down.
#[derive(Debug)]
pub struct Layout {
    pub paper: Paper,
    pub margin: f32,
    /// Room kept at the bottom of every page for the footer.
    pub footer: f32,
    pub pages: Vec<Vec<Op>>,
    /// Where the next block starts on the current page.
    pub y: f32,
}

impl Layout {
    pub fn new(paper: Paper) -> Self {
        let margin = 42.0;
        Self {
            paper,
            margin,
            footer: 44.0,
            pages: vec![Vec::new()],
            y: margin,
        }
    }

    pub fn width(&self) -> f32 {
        self.paper.size()[0] - 2.0 * self.margin
    }

    fn bottom(&self) -> f32 {
        self.paper.size()[1] - self.margin - self.footer
    }

    pub fn left(&self) -> f32 {
        self.margin
    }

    pub fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = self.margin;
    }

    /// Starts a new page unless `height` still fits on this one.
    pub fn ensure(&mut self, height: f32) {
        if self.y + height > self.bottom() && self.y > self.margin {
            self.new_page();
        }
    }

    /// Room left on this page.
    pub fn room(&self) -> f32 {
        self.bottom() - self.y
    }

    pub fn push(&mut self, op: Op) {
        self.pages.last_mut().expect("a layout has a page").push(op);
    }

    pub fn gap(&mut self, height: f32) {
        self.y += height;
    }

    /// Lines of `text` at `size` no wider than `width`, broken at spaces.
    pub fn wrap(text: &str, size: f32, width: f32) -> Vec<String> {
        let mut lines = Vec::new();
        let mut line = String::new();
        for word in text.split_whitespace() {
            let candidate = if line.is_empty() {
                word.to_owned()
            } else {
                format!("{line} {word}")
            };
            if em_width(&candidate, size) > width && !line.is_empty() {
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

    /// A paragraph at `x` (from the left margin) wrapped to `width`, moving down.
    pub fn paragraph_at(&mut self, x: f32, width: f32, text: &str, size: f32, colour: Colour) {
        let leading = size * 1.35;
        for line in Self::wrap(text, size, width) {
            self.ensure(leading);
            self.y += leading;
            let y = self.y - size * 0.3;
            self.push(Op::Text {
                x: self.margin + x,
                y,
                size,
                text: line,
                colour,
            });
        }
    }

    pub fn paragraph(&mut self, text: &str, size: f32, colour: Colour) {
        self.paragraph_at(0.0, self.width(), text, size, colour);
    }

    /// A heading with a rule under it; kept with at least `keep` points of what follows.
    pub fn heading(&mut self, text: &str, keep: f32) {
        self.ensure(30.0 + keep);
        self.gap(8.0);
        self.paragraph(text, 13.0, ACCENT);
        self.gap(3.0);
        let (x0, x1, y) = (self.margin, self.margin + self.width(), self.y);
        self.push(Op::Line {
            points: vec![[x0, y], [x1, y]],
            width: 0.6,
            colour: RULE,
            dashed: false,
        });
        self.gap(4.0);
    }

    /// Label–value rows in two columns.
    pub fn fields(&mut self, rows: &[(&str, String)], size: f32) {
        let label_w = 120.0;
        for (label, value) in rows {
            if value.is_empty() {
                continue;
            }
            let top = self.y;
            let pages = self.pages.len();
            self.paragraph_at(label_w, self.width() - label_w, value, size, INK);
            // The label sits on the value's first line (which may have moved to a new page).
            let first_baseline = if self.pages.len() == pages {
                top + size * 1.35 - size * 0.3
            } else {
                self.margin + size * 1.35 - size * 0.3
            };
            self.push_label(label, first_baseline, size);
        }
    }

    fn push_label(&mut self, label: &str, baseline: f32, size: f32) {
        let x = self.margin;
        self.push(Op::Text {
            x,
            y: baseline,
            size,
            text: (*label).to_owned(),
            colour: GREY,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_wraps_within_the_width_and_flows_onto_new_pages() {
        let long = "word ".repeat(2000);
        let lines = Layout::wrap(&long, 10.0, 200.0);
        assert!(lines.len() > 10);
        assert!(lines.iter().all(|l| em_width(l, 10.0) <= 200.0));
        let mut layout = Layout::new(Paper::A4);
        layout.paragraph(&long, 10.0, INK);
        layout.paragraph(&long, 10.0, INK);
        assert!(layout.pages.len() >= 2);
        for page in &layout.pages {
            for op in page {
                if let Op::Text { y, .. } = op {
                    assert!(*y < Paper::A4.size()[1] - layout.footer - layout.margin + 1.0);
                }
            }
        }
    }
}
