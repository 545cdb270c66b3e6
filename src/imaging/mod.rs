//! Pixels: decoding, metadata, previews and generated images. Pure functions over bytes
//! and pixels; no files, no database.

pub mod align;
pub mod card;
pub mod colour;
pub mod compose;
mod containers;
pub mod decode;
pub mod deidentify;
pub mod derive;
pub mod face;
mod heif;
pub mod jpeg_check;
pub mod measure;
pub mod metadata;
pub mod profile;
pub mod portrait;
pub mod quality;
pub mod raw;
pub mod synth;
pub mod synth_raw;
pub mod text;
pub mod video;
mod xmp;

pub use decode::{DecodeError, Picture, decode, decode_picture, sniff};
pub use derive::{Derived, derive_previews};
pub use metadata::{PhotoMetadata, read_metadata};
