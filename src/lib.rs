//! Skinlapse: a private, local catalogue of dated skin photos.
//!
//! Layers, arrows pointing down only: `cli` → `jobs` → `catalogue` / `library` / `imaging`
//! → `model`. Only `catalogue` speaks SQL; `imaging` is pure pixel code; `library` owns the
//! folder on disk (and opens the catalogue file inside it).

pub mod catalogue;
pub mod cli;
pub mod imaging;
pub mod jobs;
pub mod library;
pub mod model;
