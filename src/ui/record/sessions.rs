//! The series page's sessions, in date order: each with its settings, how it measures up to
//! the protocol, its photos, grades and side effects; edited in place, deleted with undo.

use super::forms::SessionForm;
use super::{RecordPanel, record};
use crate::app::images::{ImageCache, Rendition};
use crate::app::record::{RecordCommand, SeriesRecord};
use crate::app::{AppState, BrowseCommand, Commands};
use crate::model::{Keyed, Photo, Session};
use crate::ui::theme::{self, palette};
use egui::{RichText, Ui};

/// "3 · 2026-08-10 · Treatment · Pen Dr. Pen · 1.5 mm · 2 passes · serum · 120.00 EUR"
fn summary(number: usize, s: &Session) -> String {
    let mut parts = vec![
        number.to_string(),
        s.date.to_string(),
        s.kind.label().to_owned(),
    ];
    if let Some(kind) = s.device_kind {
        parts.push(format!("{} {}", kind.label(), s.device).trim().to_owned());
    } else if !s.device.is_empty() {
        parts.push(s.device.clone());
    }
    if let Some(d) = s.needle_depth_mm {
        parts.push(format!("{d} mm"));
    }
    if let Some(p) = s.passes {
        parts.push(crate::model::count(p as usize, "pass", "passes"));
    }
    if !s.products.is_empty() {
        parts.push(s.products.clone());
    }
    if let Some(c) = s.cost_cents {
        parts.push(
            format!(
                "{}.{:02} {}",
                c / 100,
                c % 100,
                s.currency.as_deref().unwrap_or("")
            )
            .trim()
            .to_owned(),
        );
    }
    parts.join(" · ")
}

impl RecordPanel {
    /// Every session; the one being edited has its form where it is.
    pub(super) fn sessions_ui(
        &mut self,
        ui: &mut Ui,
        state: &AppState,
        images: &mut ImageCache,
        r: &SeriesRecord,
        commands: &mut Commands,
    ) {
        ui.strong(format!("Sessions ({})", r.sessions.len()));
        if r.sessions.is_empty() {
            ui.label(RichText::new("No sessions yet: add one below.").weak());
        }
        for (i, s) in r.sessions.iter().enumerate() {
            ui.push_id(("session", s.id), |ui| {
                self.session_header(ui, i + 1, s, commands);
                ui.indent("details", |ui| {
                    if self.editing.as_ref().is_some_and(|(id, _)| *id == s.id) {
                        self.edit_in_place(ui, r, commands);
                    }
                    session_details(ui, state, images, r, s, commands);
                });
            });
        }
    }

    fn session_header(&mut self, ui: &mut Ui, number: usize, s: &Session, commands: &mut Commands) {
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new(summary(number, s)).strong());
            let editing = self.editing.as_ref().is_some_and(|(id, _)| *id == s.id);
            if !editing
                && ui
                    .small_button(format!("Edit session {number}"))
                    .on_hover_text("Change this session's details, here")
                    .clicked()
            {
                self.editing = Some((s.id, SessionForm::of(s)));
                self.scroll_to_edit = true;
                self.problem = None;
            }
            if ui
                .add(
                    egui::Button::new(
                        RichText::new(format!("Delete session {number}")).color(palette(ui).error),
                    )
                    .small(),
                )
                .on_hover_text(
                    "Delete this session with its grades and side effects; its photos stay in the series (Ctrl+Z undoes)",
                )
                .clicked()
            {
                commands.push(record(RecordCommand::DeleteSession(s.id)));
            }
        });
    }

    /// The edit form of a session, under its header.
    fn edit_in_place(&mut self, ui: &mut Ui, r: &SeriesRecord, commands: &mut Commands) {
        let Some((id, form)) = &mut self.editing else {
            return;
        };
        let id = *id;
        let frame = egui::Frame::group(ui.style()).show(ui, |ui| {
            form.fields(ui, r, false);
            ui.horizontal(|ui| {
                let save = ui.button("Save session").clicked();
                let cancel = ui.button("Cancel").clicked();
                (save, cancel)
            })
            .inner
        });
        if std::mem::take(&mut self.scroll_to_edit) {
            frame.response.scroll_to_me(Some(egui::Align::Center));
        }
        let (save, cancel) = frame.inner;
        if cancel {
            self.editing = None;
        } else if save {
            match form.session(r.series.id) {
                Ok(s) => {
                    self.problem = None;
                    commands.push(record(RecordCommand::UpdateSession(id, s)));
                    self.editing = None;
                }
                Err(e) => self.problem = Some(e),
            }
        }
    }
}

/// A session's protocol check, photos, grades, side effects and notes.
fn session_details(
    ui: &mut Ui,
    state: &AppState,
    images: &mut ImageCache,
    r: &SeriesRecord,
    s: &Session,
    commands: &mut Commands,
) {
    let completeness = r.completeness(s.id);
    if let Some(text) = completeness.text() {
        let colour = if completeness.is_incomplete() {
            palette(ui).caution
        } else {
            palette(ui).good
        };
        ui.label(RichText::new(text).color(colour));
    }
    let mut photos: Vec<&Photo> = r
        .photos
        .iter()
        .filter(|p| p.session == Some(s.id))
        .collect();
    photos.sort_by_key(|p| (crate::model::View::rank(p.view), p.taken_at.local));
    if !photos.is_empty() {
        ui.horizontal_wrapped(|ui| {
            for photo in photos {
                thumbnail(ui, state, images, photo, commands);
            }
        });
    }
    for g in r.grades.iter().filter(|g| g.session == Some(s.id)) {
        let name = match (&g.custom_name, g.scale) {
            (Some(n), crate::model::clinical::GradeScale::Custom) => format!("{n} {}", g.value),
            _ => g.scale.show(g.value),
        };
        let of = g
            .photo
            .and_then(|id| r.photos.iter().find(|p| p.id == id))
            .map_or(String::new(), |p| {
                format!(
                    " (the {} photo)",
                    p.view.map_or("unlabelled", |v| v.short())
                )
            });
        deletable(ui, &format!("Grade: {name}{of}"), None, "grade", || {
            commands.push(record(RecordCommand::DeleteGrade(g.id)));
        });
    }
    for e in r.side_effects.iter().filter(|e| e.session == s.id) {
        let text = format!(
            "Side effect: {} {}/3 on day {}",
            e.kind.label(),
            e.severity,
            e.day_after
        );
        deletable(
            ui,
            &text,
            Some(palette(ui).side_effect),
            "side effect",
            || {
                commands.push(record(RecordCommand::DeleteSideEffect(e.id)));
            },
        );
    }
    if let Some(ack) = &s.contraindications_acknowledged {
        ui.label(RichText::new(format!("Contraindications: {ack}")).weak());
    }
    if !s.notes.is_empty() {
        ui.label(RichText::new(&s.notes).weak());
    }
}

/// A line with a small delete button after it.
fn deletable(
    ui: &mut Ui,
    text: &str,
    colour: Option<egui::Color32>,
    what: &str,
    delete: impl FnOnce(),
) {
    ui.horizontal(|ui| {
        let mut rich = RichText::new(text);
        if let Some(c) = colour {
            rich = rich.color(c);
        }
        ui.label(rich);
        if ui
            .small_button(format!("Delete {what}"))
            .on_hover_text(format!("Delete this {what} (Ctrl+Z undoes)"))
            .clicked()
        {
            delete();
        }
    });
}

/// A photo's thumbnail; a click opens it in the viewer.
fn thumbnail(
    ui: &mut Ui,
    state: &AppState,
    images: &mut ImageCache,
    photo: &Photo,
    commands: &mut Commands,
) {
    let size = egui::vec2(72.0 * photo.width as f32 / photo.height.max(1) as f32, 72.0)
        .min(egui::vec2(120.0, 72.0));
    let (rect, response) = ui.allocate_exact_size(size, egui::Sense::click());
    if ui.is_rect_visible(rect) {
        match state
            .image_request(photo.id, &photo.hash, photo.format, Rendition::Thumbnail)
            .and_then(|r| images.get(&r))
        {
            Some(t) => {
                ui.painter().image(
                    t.id(),
                    rect,
                    egui::Rect::from_min_max(egui::pos2(0.0, 0.0), egui::pos2(1.0, 1.0)),
                    theme::AS_IS,
                );
            }
            None => {
                ui.painter().rect_filled(rect, 2.0, palette(ui).placeholder);
            }
        }
    }
    let label = format!(
        "{} · {}",
        photo.view.map_or("View not recorded", Keyed::label),
        photo.taken_at.local.format("%Y-%m-%d")
    );
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, &label));
    if response
        .on_hover_text(format!("{label}: click to open it large"))
        .clicked()
    {
        commands.push(BrowseCommand::OpenPhoto(photo.id).into());
    }
}
