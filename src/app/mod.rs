//! The desktop app: `App` drains finished background work and queued commands, then draws.
//! State lives in [`AppState`]; panels (in `crate::ui`) read it and return [`Command`]s.

pub mod align;
mod background;
pub mod command;
pub mod compare;
mod dialogs;
pub mod images;
pub mod prefs;
pub mod record;
mod run;
pub mod selection;
pub mod state;

pub use background::{FileStatus, ImportProgress};
pub use command::{Action, Command, Commands, SelectMode};
pub use compare::{CompareCommand, CompareMode, CompareSettings};
pub use state::{AppState, Notice, NoticeLevel};

use crate::jobs::demo::DemoOptions;
use dialogs::MainThreadToken;
use prefs::Prefs;
use std::path::PathBuf;

/// How the app starts: which library, where preferences live.
#[derive(Clone, Debug)]
pub struct AppOptions {
    /// The library to open; `None` opens the last one used, else the default one.
    pub library: Option<PathBuf>,
    /// Where preferences are read and written; `None` keeps them in memory only.
    pub prefs_path: Option<PathBuf>,
    /// Size of the photos the demo library is generated with.
    pub demo: DemoOptions,
    /// GPU memory the photo texture cache may use.
    pub texture_budget_bytes: usize,
}

impl Default for AppOptions {
    fn default() -> Self {
        Self {
            library: None,
            prefs_path: Prefs::default_path(),
            demo: DemoOptions::default(),
            texture_budget_bytes: 512 * 1024 * 1024,
        }
    }
}

pub struct App {
    pub state: AppState,
    pub images: images::ImageCache,
    panels: crate::ui::Panels,
    queue: Commands,
    options: AppOptions,
    main_thread: MainThreadToken,
    ctx: egui::Context,
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App")
            .field("state", &self.state)
            .finish_non_exhaustive()
    }
}

impl App {
    pub fn new(cc: &eframe::CreationContext<'_>, options: AppOptions) -> Self {
        let (prefs, prefs_warning) = match &options.prefs_path {
            Some(path) => Prefs::load(path),
            None => (Prefs::default(), None),
        };
        let ctx = cc.egui_ctx.clone();
        let images = images::ImageCache::new(&ctx, options.texture_budget_bytes, 2);
        let mut app = Self {
            state: AppState::new(prefs),
            images,
            panels: crate::ui::Panels::default(),
            queue: Vec::new(),
            options,
            main_thread: MainThreadToken::new(),
            ctx,
        };
        if let Some(w) = prefs_warning {
            app.state.error(w);
        }
        let last = app
            .state
            .prefs
            .last_library
            .clone()
            .filter(|_| app.options.library.is_none());
        let root = app
            .options
            .library
            .clone()
            .or(last.clone())
            .or_else(crate::library::Library::default_root);
        match root {
            // The library used last has gone (moved, or on a drive that is not connected):
            // say so rather than quietly starting an empty one in its place.
            Some(root) if last.as_ref() == Some(&root) && !root.exists() => {
                app.state.library_error = Some(format!(
                    "The library you used last, {}, is missing: it was moved or deleted, or is on a drive that is not connected. Open another library, or reconnect the drive and restart.",
                    root.display()
                ));
            }
            Some(root) => app.open_library(&root, None),
            None => {
                app.state.library_error = Some(
                    "There is no home folder to keep a library in. Open a library folder.".into(),
                );
            }
        }
        app
    }

    /// Queues a command, as a panel or a test would.
    pub fn send(&mut self, command: impl Into<Command>) {
        self.queue.push(command.into());
        self.ctx.request_repaint();
    }

    /// Runs queued commands now (tests use this between frames).
    pub fn run_queued(&mut self) {
        let queued = std::mem::take(&mut self.queue);
        for command in queued {
            self.run(command);
        }
    }

    /// Anything still running in the background, textures included (tests wait for this).
    pub fn is_busy(&self) -> bool {
        self.state.is_busy() || self.images.is_loading() || !self.queue.is_empty()
    }

    pub fn save_prefs(&mut self) {
        self.state.store_filter_prefs();
        if let Some(w) = self.panels.left_width {
            self.state.prefs.left_panel_width = w;
        }
        if let Some(w) = self.panels.right_width {
            self.state.prefs.right_panel_width = w;
        }
        if let Some(path) = &self.options.prefs_path
            && let Err(e) = self.state.prefs.save(path)
        {
            eprintln!(
                "skinlapse: could not save preferences {}: {e}",
                path.display()
            );
        }
    }
}

/// Opens the desktop window (blocks until it is closed).
pub fn run_native(options: AppOptions) -> eframe::Result {
    let native = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("Skinlapse")
            .with_inner_size([1280.0, 800.0])
            .with_min_inner_size([800.0, 500.0])
            .with_drag_and_drop(true),
        ..Default::default()
    };
    eframe::run_native(
        "Skinlapse",
        native,
        Box::new(move |cc| Ok(Box::new(App::new(cc, options)))),
    )
}

impl Drop for App {
    fn drop(&mut self) {
        self.save_prefs();
    }
}

impl eframe::App for App {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        self.poll_background(ctx);
        self.run_queued();
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let mut commands = Vec::new();
        crate::ui::shortcuts(ui.ctx(), &self.state, &mut commands);
        crate::ui::draw(
            ui,
            &self.state,
            &mut self.images,
            &mut self.panels,
            &mut commands,
        );
        if !commands.is_empty() {
            self.queue.extend(commands);
            ui.ctx().request_repaint();
        }
    }
}
