//! Every colour the panels use, in one place, for the dark and the light theme. Panels ask
//! [`palette`] for the current theme's colours by meaning (A's colour, a warning, the canvas
//! behind photos) and never write a colour of their own.

use crate::app::Theme;
use egui::{Color32, Visuals};

/// Colours by meaning.
#[derive(Debug)]
pub struct Palette {
    /// Photo A in a comparison: frames, labels, landmarks, the filmstrip.
    pub side_a: Color32,
    /// Photo B in a comparison.
    pub side_b: Color32,
    /// A comparison without findings.
    pub good: Color32,
    /// A finding that makes a comparison unfair; an active contraindication.
    pub warning: Color32,
    /// A finding worth knowing.
    pub note: Color32,
    /// Facts to double-check: an estimated date, no time zone, an alignment that does not fit.
    pub caution: Color32,
    /// Something failed.
    pub error: Color32,
    /// A session that is overdue.
    pub overdue: Color32,
    /// Side effects: their text and their marks on charts.
    pub side_effect: Color32,
    pub side_effect_mark: Color32,
    /// The demo library's badge.
    pub demo: Color32,
    /// Behind photos (viewer, comparison).
    pub canvas: Color32,
    /// Text on the canvas: "Loading…", and captions.
    pub canvas_text: Color32,
    pub canvas_caption: Color32,
    /// A thumbnail not loaded yet.
    pub placeholder: Color32,
    /// Sessions' lines on charts.
    pub chart_session: Color32,
    /// Measurement charts' lines: ITA°, erythema index, melanin index, ΔE2000.
    pub measure_lines: [Color32; 4],
}

const DARK: Palette = Palette {
    side_a: Color32::from_rgb(90, 160, 255),
    side_b: Color32::from_rgb(255, 170, 60),
    good: Color32::from_rgb(120, 200, 120),
    warning: Color32::from_rgb(255, 150, 60),
    note: Color32::GRAY,
    caution: Color32::from_rgb(230, 180, 60),
    error: Color32::from_rgb(255, 120, 100),
    overdue: Color32::from_rgb(240, 110, 80),
    side_effect: Color32::from_rgb(230, 120, 100),
    side_effect_mark: Color32::from_rgb(230, 80, 70),
    demo: Color32::from_rgb(200, 140, 40),
    canvas: Color32::from_gray(18),
    canvas_text: Color32::GRAY,
    canvas_caption: Color32::LIGHT_GRAY,
    placeholder: Color32::from_gray(40),
    chart_session: Color32::from_gray(90),
    measure_lines: [
        Color32::from_rgb(210, 170, 120),
        Color32::from_rgb(240, 100, 100),
        Color32::from_rgb(150, 120, 230),
        Color32::from_rgb(90, 190, 220),
    ],
};

const LIGHT: Palette = Palette {
    side_a: Color32::from_rgb(25, 100, 215),
    side_b: Color32::from_rgb(215, 115, 0),
    good: Color32::from_rgb(30, 130, 50),
    warning: Color32::from_rgb(200, 95, 10),
    note: Color32::from_gray(100),
    caution: Color32::from_rgb(160, 110, 0),
    error: Color32::from_rgb(195, 45, 35),
    overdue: Color32::from_rgb(200, 65, 35),
    side_effect: Color32::from_rgb(185, 65, 45),
    side_effect_mark: Color32::from_rgb(210, 55, 45),
    demo: Color32::from_rgb(170, 100, 0),
    canvas: Color32::from_gray(200),
    canvas_text: Color32::from_gray(80),
    canvas_caption: Color32::from_gray(40),
    placeholder: Color32::from_gray(215),
    chart_session: Color32::from_gray(170),
    measure_lines: [
        Color32::from_rgb(150, 100, 40),
        Color32::from_rgb(200, 40, 40),
        Color32::from_rgb(90, 60, 170),
        Color32::from_rgb(20, 120, 160),
    ],
};

/// Drawn over photos, so the same in both themes: label boxes, the slider's divider.
pub mod on_photo {
    use egui::Color32;

    pub const TEXT: Color32 = Color32::WHITE;
    pub const LABEL_BACKGROUND: Color32 = Color32::from_black_alpha(170);
    pub const DIVIDER: Color32 = Color32::WHITE;
    pub const DIVIDER_IDLE: Color32 = Color32::from_rgba_premultiplied(200, 200, 200, 200);
    pub const HANDLE_RING: Color32 = Color32::DARK_GRAY;
    /// A landmark placed on one side, waiting for its match.
    pub const PENDING: Color32 = Color32::WHITE;
    /// The region being measured (drawn or picked), and the skin it is compared with.
    pub const REGION: Color32 = Color32::from_rgb(255, 225, 60);
    pub const SURROUND: Color32 = Color32::from_rgb(80, 220, 255);
    /// Other saved regions of the series.
    pub const REGION_OTHER: Color32 = Color32::from_rgba_premultiplied(200, 200, 200, 200);
    /// A reference card's corners and patches.
    pub const CARD: Color32 = Color32::from_rgb(120, 255, 140);
    /// Something the eye must not miss against skin: the outline under a coloured line.
    pub const SHADOW: Color32 = Color32::from_black_alpha(160);
}

/// A texture drawn as it is.
pub const AS_IS: Color32 = Color32::WHITE;
/// A texture drawn darker, standing in while its replacement is computed.
pub const DIMMED: Color32 = Color32::from_gray(90);

/// A texture drawn at `alpha` (0–255) over what is below.
pub fn see_through(alpha: u8) -> Color32 {
    Color32::from_white_alpha(alpha)
}

/// The colours of the theme `ui` is drawn in.
pub fn palette(ui: &egui::Ui) -> &'static Palette {
    of(ui.visuals())
}

pub fn of(visuals: &Visuals) -> &'static Palette {
    if visuals.dark_mode { &DARK } else { &LIGHT }
}

/// egui's name for a theme.
pub fn egui_theme(theme: Theme) -> egui::Theme {
    match theme {
        Theme::Dark => egui::Theme::Dark,
        Theme::Light => egui::Theme::Light,
    }
}
