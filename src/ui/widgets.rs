//! Small widgets shared by panels.

use crate::catalogue::Common;
use egui::{Response, Ui};

/// In a wrapping row, starts a new row when a label and its widget (`widget_width` wide)
/// would not both fit on this one, so a label never ends a row without its widget.
pub fn keep_together(ui: &mut Ui, label: &str, widget_width: f32) {
    let label_width = ui
        .fonts_mut(|f| {
            f.layout_no_wrap(
                label.to_owned(),
                egui::TextStyle::Body.resolve(ui.style()),
                egui::Color32::PLACEHOLDER,
            )
        })
        .size()
        .x;
    let needed = label_width + ui.spacing().item_spacing.x * 2.0 + widget_width;
    // A wrapping row reports its whole width as available: measure from the cursor.
    let (cursor, row) = (ui.cursor().min.x, ui.max_rect());
    if cursor > row.left() + 1.0 && row.right() - cursor < needed {
        ui.end_row();
    }
}

/// A single-line text field that reports the text when Enter is pressed (and keeps focus
/// handling sane). Returns `Some(text)` on Enter with non-empty text.
pub fn entry_field(
    ui: &mut Ui,
    label: &str,
    text: &mut String,
    hint: &str,
    request_focus: bool,
) -> (Response, Option<String>) {
    let label = ui.label(label);
    let response = ui
        .add(
            egui::TextEdit::singleline(text)
                .hint_text(hint)
                .desired_width(f32::INFINITY),
        )
        .labelled_by(label.id);
    if request_focus {
        response.request_focus();
    }
    let submitted = response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
    let value = submitted
        .then(|| text.trim().to_owned())
        .filter(|t| !t.is_empty());
    (response, value)
}

/// A combo box over an optional choice: "Any"/"None" plus every value. Returns the new
/// choice when the user changed it (`Some(None)`: they chose "Any"/"None").
#[allow(clippy::option_option)]
pub fn option_combo<T: Copy + PartialEq>(
    ui: &mut Ui,
    id: &str,
    label: &str,
    none_text: &str,
    current: Option<T>,
    values: impl IntoIterator<Item = (T, String)>,
) -> Option<Option<T>> {
    common_combo(ui, id, label, none_text, Common::Same(current), values)
}

/// [`option_combo`] over several photos: shows "(mixed)" when they differ, and any choice
/// then counts as a change.
#[allow(clippy::option_option)]
pub fn common_combo<T: Copy + PartialEq>(
    ui: &mut Ui,
    id: &str,
    label: &str,
    none_text: &str,
    common: Common<Option<T>>,
    values: impl IntoIterator<Item = (T, String)>,
) -> Option<Option<T>> {
    let values: Vec<(T, String)> = values.into_iter().collect();
    let (current, mixed) = match common {
        Common::Same(current) => (current, false),
        Common::Mixed => (None, true),
    };
    let selected_text = if mixed {
        "(mixed)".to_owned()
    } else {
        current
            .and_then(|c| values.iter().find(|(v, _)| *v == c).map(|(_, l)| l.clone()))
            .unwrap_or_else(|| none_text.to_owned())
    };
    let mut chosen = None;
    ui.horizontal(|ui| {
        let label = ui.label(label);
        egui::ComboBox::from_id_salt(id)
            .selected_text(selected_text)
            .show_ui(ui, |ui| {
                if ui
                    .selectable_label(current.is_none() && !mixed, none_text)
                    .clicked()
                {
                    chosen = Some(None);
                }
                for (value, text) in &values {
                    if ui.selectable_label(current == Some(*value), text).clicked() {
                        chosen = Some(Some(*value));
                    }
                }
            })
            .response
            .labelled_by(label.id);
    });
    chosen.filter(|c| mixed || *c != current)
}

/// How a click on a photo selects, from the keys held: Shift a range, Ctrl (Cmd) adds or
/// removes, else only this one.
pub fn click_mode(ui: &Ui) -> crate::app::SelectMode {
    let mods = ui.input(|i| i.modifiers);
    if mods.shift {
        crate::app::SelectMode::Range
    } else if mods.command {
        crate::app::SelectMode::Toggle
    } else {
        crate::app::SelectMode::Only
    }
}

/// The frame of a photo cell: thick in the selection colour when selected, thin when hovered.
pub fn selection_frame(
    ui: &Ui,
    painter: &egui::Painter,
    rect: egui::Rect,
    selected: bool,
    hovered: bool,
) {
    if selected {
        painter.rect_stroke(
            rect.shrink(1.0),
            4.0,
            egui::Stroke::new(3.0, ui.visuals().selection.stroke.color),
            egui::StrokeKind::Inside,
        );
    } else if hovered {
        painter.rect_stroke(
            rect,
            4.0,
            egui::Stroke::new(1.0, ui.visuals().weak_text_color()),
            egui::StrokeKind::Inside,
        );
    }
}
