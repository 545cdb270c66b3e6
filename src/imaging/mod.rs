//! Pixels: decoding, metadata, previews and generated images. Pure functions over bytes
//! and pixels; no files, no database.

pub mod align;
pub mod compose;
pub mod decode;
pub mod deidentify;
pub mod derive;
pub mod face;
pub mod metadata;
pub mod portrait;
pub mod quality;
pub mod synth;
pub mod text;

pub use decode::{DecodeError, decode, sniff};
pub use derive::{Derived, derive_previews};
pub use metadata::{PhotoMetadata, read_metadata};
