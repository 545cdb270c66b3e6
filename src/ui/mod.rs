//! Drawing. Panels read [`AppState`] and push [`Command`]s; they never touch the disk or the
//! catalogue, and nothing in `app` reaches into them. Each panel is a struct owning its own
//! view state (zoom, edit buffers, scroll), which reacts to what the state says.

mod backup;
mod chrome;
mod clinic;
mod clinic_admin;
mod compare;
mod document;
mod faces;
mod grid;
mod import_dialog;
mod import_photos;
mod inspector;
mod measure;
mod people;
mod record;
mod secure;
mod shell;
pub mod theme;
mod viewer;
mod widgets;
pub mod zoom;

pub use compare::ComparePanel;
pub use grid::GridPanel;
pub use import_dialog::ImportDialog;
pub use inspector::InspectorPanel;
pub use people::PeoplePanel;
pub use record::{CLINICAL_NOT_SHOWN, RECORD_NOT_SHOWN};
pub use shell::{App, run_native};
pub use viewer::ViewerPanel;

use crate::app::images::ImageCache;
use crate::app::nav::Modal;
use crate::app::{Action, AppState, Commands, ImportCommand, Screen};
use egui::Ui;

#[derive(Debug, Default)]
pub struct Panels {
    pub people: PeoplePanel,
    pub grid: GridPanel,
    pub inspector: InspectorPanel,
    pub viewer: ViewerPanel,
    pub compare: ComparePanel,
    pub record: record::RecordPanel,
    pub person: record::PersonPanel,
    pub import: ImportDialog,
    pub secure: secure::SecurePanel,
    pub clinic: clinic::ClinicPanel,
    pub admin: clinic_admin::AdminPanel,
    pub documents: document::DocumentForms,
    /// Widths the side panels were last drawn at (the user may have dragged them), to be
    /// remembered in the preferences.
    pub left_width: Option<f32>,
    pub right_width: Option<f32>,
    /// Where the last frame put the panels.
    pub drawn: Drawn,
}

/// Where the last frame drew each panel, in screen points: what a layout test checks the
/// widgets against (a widget outside its panel is clipped or hidden under the next one).
#[derive(Debug, Default, Clone, Copy)]
pub struct Drawn {
    pub people: Option<egui::Rect>,
    pub inspector: Option<egui::Rect>,
    pub central: Option<egui::Rect>,
}

/// Keyboard shortcuts of [`Action`]s, for what is in front (the navigation says which apply).
/// While a text field has focus, only shortcuts with a modifier count (and not the field's
/// own Ctrl+A and Ctrl+Z), so typing never deletes or selects photos.
pub fn shortcuts(ctx: &egui::Context, state: &AppState, commands: &mut Commands) {
    let typing = ctx.egui_wants_keyboard_input();
    // Modifiers match loosely (Ctrl+I also matches Ctrl+Shift+I): try the most specific first.
    let mut actions: Vec<(Action, egui::KeyboardShortcut)> = Action::ALL
        .iter()
        .filter_map(|&a| a.shortcut().map(|s| (a, s)))
        .collect();
    actions.sort_by_key(|(_, s)| {
        std::cmp::Reverse(u8::from(s.modifiers.shift) + u8::from(s.modifiers.alt))
    });
    for (action, shortcut) in actions {
        // Text fields keep their own editing keys: Ctrl+A selects the text, Ctrl+Z undoes
        // typing.
        let text_key = matches!(action, Action::SelectAll | Action::Undo | Action::Redo);
        if typing && (shortcut.modifiers.is_none() || text_key) {
            continue;
        }
        let applies = state.nav.allows(action);
        // Every press counts, even several within one frame.
        while applies && ctx.input_mut(|i| i.consume_shortcut(&shortcut)) {
            commands.push(action.into());
        }
    }
    let dropped: Vec<_> = ctx.input(|i| {
        i.raw
            .dropped_files
            .iter()
            .map(|f| f.path().to_owned())
            .filter(|p| !p.as_os_str().is_empty())
            .collect()
    });
    if !dropped.is_empty() {
        commands.push(ImportCommand::Prepare(dropped).into());
    }
}

/// A key as people name it: "[" not `OpenBracket`, "−" not `Minus`, "Right" not
/// `ArrowRight` (the window's font has no arrows).
pub fn key_name(key: egui::Key) -> &'static str {
    use egui::Key as K;
    match key {
        K::OpenBracket => "[",
        K::CloseBracket => "]",
        K::Plus => "+",
        K::Minus => "−",
        K::Equals => "=",
        K::ArrowRight => "Right",
        K::ArrowLeft => "Left",
        K::ArrowUp => "Up",
        K::ArrowDown => "Down",
        K::Escape => "Esc",
        K::Space => "Space",
        other => other.name(),
    }
}

/// A shortcut as people write it: "Ctrl+Shift+Z", "[", "+".
pub fn shortcut_text(s: &egui::KeyboardShortcut) -> String {
    let mut text = String::new();
    if s.modifiers.command || s.modifiers.ctrl {
        text.push_str(if cfg!(target_os = "macos") {
            "⌘"
        } else {
            "Ctrl+"
        });
    }
    if s.modifiers.shift {
        text.push_str("Shift+");
    }
    if s.modifiers.alt {
        text.push_str("Alt+");
    }
    text.push_str(key_name(s.logical_key));
    text
}

/// A menu entry or button for an action, with its tooltip and shortcut.
pub fn action_button(ui: &mut Ui, action: Action, enabled: bool, commands: &mut Commands) {
    let mut button = egui::Button::new(action.label());
    if let Some(s) = action.shortcut() {
        button = button.shortcut_text(shortcut_text(&s));
    }
    if ui
        .add_enabled(enabled, button)
        .on_hover_text(action.tooltip())
        .clicked()
    {
        commands.push(action.into());
    }
}

/// An action's button that the signed-in user's role may forbid: disabled then, with the
/// reason as its tooltip (never silently missing).
pub fn gated_action_button(
    ui: &mut Ui,
    action: Action,
    forbidden: Option<&str>,
    commands: &mut Commands,
) {
    match forbidden {
        None => action_button(ui, action, true, commands),
        Some(why) => {
            ui.add_enabled(false, egui::Button::new(action.label()))
                .on_disabled_hover_text(why);
        }
    }
}

/// A button the signed-in user's role may forbid (disabled with the reason as its tooltip).
pub fn gated_button(
    ui: &mut Ui,
    text: &str,
    enabled: bool,
    hint: &str,
    forbidden: Option<&str>,
) -> bool {
    ui.add_enabled(enabled && forbidden.is_none(), egui::Button::new(text))
        .on_hover_text(hint)
        .on_disabled_hover_text(forbidden.unwrap_or(hint))
        .clicked()
}

/// Draws the window: menu and status bars, the screen in front, the window over it.
pub fn draw(
    ui: &mut Ui,
    state: &AppState,
    images: &mut ImageCache,
    panels: &mut Panels,
    commands: &mut Commands,
) {
    egui::Panel::top("menu").show(ui, |ui| chrome::menu_bar(ui, state, commands));
    if state.library.is_demo() {
        egui::Panel::top("demo-banner").show(ui, |ui| chrome::demo_banner(ui, commands));
    }
    egui::Panel::bottom("status").show(ui, |ui| chrome::status_bar(ui, state, commands));
    if let Some(form) = &state.clinic.sign_in {
        // Nobody is signed in to the clinic library: the sign-in window is all there is.
        egui::CentralPanel::default()
            .show(ui, |ui| panels.clinic.sign_in_screen(ui, form, commands));
        chrome::help_window(ui.ctx(), state, commands);
        return;
    }
    if state.library.loaded.is_none() {
        // Locked: the unlock window is all there is.
        egui::CentralPanel::default().show(ui, |ui| match &state.protection.secure.locked {
            Some(locked) => panels.secure.unlock_screen(ui, locked, commands),
            None => chrome::no_library(ui, state, commands),
        });
        chrome::help_window(ui.ctx(), state, commands);
        library_free_windows(ui.ctx(), state, commands);
        panels.admin.windows(ui.ctx(), state, commands);
        return;
    }
    let left = egui::Panel::left("people")
        .resizable(true)
        .default_size(state.prefs.left_panel_width)
        .min_size(180.0)
        .show(ui, |ui| panels.people.ui(ui, state, commands));
    panels.left_width = Some(left.response.rect.width());
    panels.drawn = Drawn {
        people: Some(left.response.rect),
        ..Drawn::default()
    };
    if !state.browse.selection.is_empty() {
        let right = egui::Panel::right("inspector")
            .resizable(true)
            .default_size(state.prefs.right_panel_width)
            .min_size(240.0)
            .show(ui, |ui| panels.inspector.ui(ui, state, commands));
        panels.right_width = Some(right.response.rect.width());
        panels.drawn.inspector = Some(right.response.rect);
    }
    let central = egui::CentralPanel::default().show(ui, |ui| match state.nav.screen() {
        Screen::Viewer(v) => panels.viewer.ui(ui, state, v, images, commands),
        Screen::Record(r) => panels.record.ui(ui, state, r, images, commands),
        Screen::Compare(c) => panels.compare.ui(ui, state, c, images, commands),
        Screen::Browse => {
            let o = &state.overview;
            // An empty library welcomes (once counted: the grid says what it is reading).
            let empty = o.total_photos() == Some(0) && o.trash_count() == Some(0);
            if empty && !state.browse.grid.is_loading() {
                chrome::welcome(ui, state, commands);
            } else {
                panels.grid.ui(ui, state, images, commands);
            }
        }
    });
    panels.drawn.central = Some(central.response.rect);
    windows(ui.ctx(), state, panels, commands);
}

/// The window over the screen, and the background jobs' windows.
fn windows(ctx: &egui::Context, state: &AppState, panels: &mut Panels, commands: &mut Commands) {
    match state.nav.modal() {
        Some(Modal::Import(paths)) => panels.import.form(ctx, state, paths, commands),
        Some(Modal::Export) => panels.compare.export.ui(ctx, state, commands),
        Some(Modal::Person(r)) => panels.person.ui(ctx, state, r, commands),
        Some(Modal::ConfirmEmptyTrash) => chrome::confirm_empty_trash(ctx, state, commands),
        Some(Modal::ChangePassphrase) => panels.secure.change_window(ctx, state, commands),
        Some(Modal::Report(series)) => panels.documents.report(ctx, state, *series, commands),
        Some(Modal::Timelapse(series, view)) => {
            panels
                .documents
                .timelapse(ctx, state, (*series, *view), commands);
        }
        Some(Modal::TakenAt(q)) => inspector::taken_at_question(ctx, q, commands),
        Some(Modal::QuitDemo) => chrome::quit_demo_window(ctx, commands),
        Some(Modal::About) => chrome::about_window(ctx, state, commands),
        Some(
            Modal::Restore(_) | Modal::Help | Modal::Users | Modal::Audit | Modal::ClinicSettings,
        )
        | None => {}
    }
    panels.admin.windows(ctx, state, commands);
    panels.secure.forget(state);
    library_free_windows(ctx, state, commands);
    chrome::help_window(ctx, state, commands);
    if !matches!(state.nav.modal(), Some(Modal::Export)) {
        panels.compare.export.forget();
    }
    import_dialog::progress_window(ctx, state, commands);
    compare::export_progress_window(ctx, state, commands);
    compare::series_window(ctx, state, commands);
    document::progress_window(ctx, state, commands);
    measure::series_window(ctx, state, commands);
    faces::scan_window(ctx, state, commands);
}

/// The windows that need no open library: the restore form and a backup's or restore's
/// progress.
fn library_free_windows(ctx: &egui::Context, state: &AppState, commands: &mut Commands) {
    if let Some(Modal::Restore(form)) = state.nav.modal() {
        backup::restore_form(ctx, form, commands);
    }
    backup::progress_window(ctx, state, commands);
}
