//! Skinlapse: a private, local catalogue of dated skin photos.
//!
//! Layers, arrows pointing down only: `ui` → `app` (state, commands) → `jobs` →
//! `catalogue` / `library` / `imaging` → `model`; `cli` drives `jobs` too. Only `catalogue`
//! speaks SQL; `imaging` is pure pixel code; `library` owns the folder on disk (and opens the
//! catalogue file inside it); `app` holds what is on screen and runs commands without knowing
//! any panel; `ui` only draws, reacting to the state, and sends commands.
//!
//! # Where is…
//!
//! | feature | state and commands (`app`) | drawing (`ui`) | below |
//! |---|---|---|---|
//! | what is on screen, Back, which keys apply | `app/nav.rs` (`Screen`, `Modal`, `Navigation::allows`) | `ui/mod.rs` (`draw`, `shortcuts`) | |
//! | actions: labels, tooltips, shortcuts | `app/command.rs` (`Action`, `Command`) | `ui/mod.rs` (`action_button`), `ui/chrome.rs` (menus, help) | |
//! | running a command, reloading what it changed | `app/dispatch.rs`, `app/cx.rs` (`Cx`, `Stale`) | | |
//! | every catalogue edit, undo | `app/edit.rs` (`Edit`, `History`) | `ui/chrome.rs` (Edit menu) | `catalogue/edit.rs`, … |
//! | opening a library, clinic mode, the demo | `app/library.rs` | `ui/chrome.rs`, `ui/shell.rs` (title) | `library/`, `jobs/demo.rs` |
//! | people, series list, vocabulary | `app/overview.rs` | `ui/people.rs` | `catalogue/people.rs`, `catalogue/series.rs`, `catalogue/terms.rs` |
//! | grid, filters, sort, selection | `app/browse.rs`, `app/selection.rs` | `ui/grid.rs` | `catalogue/browse.rs` |
//! | inspector (details off the UI thread, bulk edits) | `app/inspector.rs` | `ui/inspector.rs` | `catalogue/browse.rs`, `catalogue/edit.rs` |
//! | trash | `app/trash.rs` | `ui/grid.rs`, `ui/chrome.rs` | `catalogue/trash.rs`, `library/` |
//! | viewer, zoom | `app/nav.rs` (`ViewerScreen`) | `ui/viewer.rs`, `ui/zoom.rs` | |
//! | photo textures (budgeted cache) | `app/images.rs` | `ui/zoom.rs` (`photo_texture`) | `imaging/decode.rs` |
//! | import | `app/import.rs` | `ui/import_dialog.rs` | `jobs/import.rs` |
//! | comparison and its modes | `app/compare/mod.rs` | `ui/compare/mod.rs`, `ui/compare/canvas.rs` | `model/compare.rs`, `catalogue/compare.rs` |
//! | alignment, pair checks | `app/compare/align.rs` | `ui/compare/align.rs` | `imaging/align/`, `imaging/quality.rs`, `model/transform.rs` |
//! | difference image, image export | `app/compare/work.rs` | `ui/compare/export.rs` | `imaging/compose.rs`, `jobs/export.rs` |
//! | series page, person record, consent | `app/record.rs` | `ui/record/` | `model/clinical.rs`, `catalogue/clinical.rs`, `jobs/record.rs` |
//! | background work, typed errors | `app/background.rs` (`Task`, `QueryThread`, `WorkError`) | | `jobs/` |
//! | file dialogs (main thread only) | `app/dialogs.rs` (`MainThreadToken`) | | |
//! | preferences, theme choice | `app/prefs.rs` | `ui/theme.rs` (every colour), `ui/shell.rs` | |
//! | messages at the bottom | `app/notices.rs` | `ui/chrome.rs` | |
//! | the window, eframe glue | | `ui/shell.rs` (`App`, `run_native`) | `main.rs` → `cli/mod.rs` |
//! | command line | | | `cli/` |

pub mod app;
pub mod catalogue;
pub mod cli;
pub mod imaging;
pub mod jobs;
pub mod library;
pub mod model;
#[doc(hidden)]
pub mod testing;
pub mod ui;
