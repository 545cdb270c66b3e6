//! Skinlapse: a private, local catalogue of dated skin photos.
//!
//! Layers, arrows pointing down only: `ui` → `app` (commands, state) → `jobs` →
//! `catalogue` / `library` / `imaging` → `model`; `cli` drives `jobs` too. Only `catalogue`
//! speaks SQL; `imaging` is pure pixel code; `library` owns the folder on disk (and opens the
//! catalogue file inside it); `ui` only draws and returns commands.

pub mod app;
pub mod catalogue;
pub mod cli;
pub mod imaging;
pub mod jobs;
pub mod library;
pub mod model;
pub mod ui;
