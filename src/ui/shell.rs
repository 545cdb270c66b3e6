//! The window: the app's state, the photo textures and the panels, put together for eframe.
//! Each frame it first takes in finished background work and runs queued commands, then
//! draws; drawing only reads the state and sends commands.

use super::Panels;
use crate::app::images::ImageCache;
use crate::app::{AppOptions, AppState, Command};

pub struct App {
    pub state: AppState,
    pub images: ImageCache,
    panels: Panels,
    /// The library last reacted to (textures are per library).
    library_seen: u64,
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
        let ctx = cc.egui_ctx.clone();
        let images = ImageCache::new(&ctx, options.texture_budget_bytes, 2);
        let state = AppState::new(&ctx, options);
        let mut app = Self {
            state,
            images,
            panels: Panels::default(),
            library_seen: 0,
        };
        app.react(&ctx);
        app
    }

    /// The panels' own state (what a form holds before it sends a command), for tests.
    pub fn panels(&self) -> &Panels {
        &self.panels
    }

    /// Queues a command, as a panel or a test would.
    pub fn send(&mut self, command: impl Into<Command>) {
        self.state.send(command);
    }

    /// Where the last frame drew the panels (for layout tests).
    pub fn drawn(&self) -> super::Drawn {
        self.panels.drawn
    }

    /// Anything still running in the background, textures included (tests wait for this).
    pub fn is_busy(&self) -> bool {
        self.state.is_busy() || self.images.is_loading()
    }

    /// Keeps what is outside the state in step with it: another library's textures, the
    /// theme, the window title.
    fn react(&mut self, ctx: &egui::Context) {
        if self.library_seen != self.state.library.opened {
            self.library_seen = self.state.library.opened;
            self.images.clear();
            if let Some(library) = self.state.library.library() {
                ctx.send_viewport_cmd(egui::ViewportCommand::Title(format!(
                    "Skinlapse — {}{}",
                    library.root().display(),
                    if self.state.library.is_demo() {
                        " (demo)"
                    } else {
                        ""
                    }
                )));
            }
        }
        let theme = egui::ThemePreference::from(super::theme::egui_theme(self.state.prefs.theme));
        if ctx.options(|o| o.theme_preference) != theme {
            ctx.set_theme(theme);
        }
    }

    pub fn save_prefs(&mut self) {
        if let Some(w) = self.panels.left_width {
            self.state.prefs.left_panel_width = w;
        }
        if let Some(w) = self.panels.right_width {
            self.state.prefs.right_panel_width = w;
        }
        self.state.save_prefs();
    }
}

/// Opens the desktop window (blocks until it is closed), `size` points wide and high, or
/// 1280×800 by default.
pub fn run_native(options: AppOptions, size: Option<[f32; 2]>) -> eframe::Result {
    let native = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("Skinlapse")
            .with_inner_size(size.unwrap_or([1280.0, 800.0]))
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
        self.state.sign_out_on_quit();
        self.save_prefs();
    }
}

impl eframe::App for App {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        if ctx.input(|i| i.viewport().close_requested())
            && self.state.library.must_ask_before_quitting()
        {
            // The window's close button: the changed demo library would go without a word.
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            self.state.send(crate::app::Action::Quit);
        }
        self.images.begin_frame(ctx);
        if ctx.input(|i| !i.events.is_empty() || i.pointer.delta() != egui::Vec2::ZERO) {
            self.state.note_input();
        }
        self.state.poll();
        self.state.run_queued();
        self.react(ctx);
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let mut commands = Vec::new();
        super::shortcuts(ui.ctx(), &self.state, &mut commands);
        super::draw(
            ui,
            &self.state,
            &mut self.images,
            &mut self.panels,
            &mut commands,
        );
        if !commands.is_empty() {
            for command in commands {
                self.state.send(command);
            }
            ui.ctx().request_repaint();
        }
    }
}
