//! Integration tests on temporary libraries built from generated images. One test binary
//! (each links the whole crate), one module per area.

#![allow(clippy::many_single_char_names)]

mod app;
mod app_secure;
mod atomic;
mod backup;
mod bench_clinic;
mod chrome;
mod cli;
mod clinic;
mod clinic_app;
mod clinic_audit;
mod clinic_edits;
mod clinic_import;
mod clinic_locks;
mod compare;
mod concurrency;
mod corruption;
mod crash;
mod durability;
mod encryption;
mod faces;
mod faces_ui;
mod formats;
mod grid;
mod grid_pages;
mod hostile;
mod import;
mod import_dialog;
mod layout;
mod lost_updates;
mod measure;
mod measuring;
mod migrations;
mod navigation;
mod opening;
#[cfg(unix)]
mod privacy;
mod query_plans;
mod raw_pairs;
mod record;
mod report;
mod scale;
mod series_page;
mod support;
mod undo;
mod verify;
