//! Pixels: decoding, metadata, previews and generated images. Pure functions over bytes
//! and pixels; no files, no database.

pub mod align;
pub mod colour;
pub mod compose;
mod containers;
pub mod decode;
pub mod derive;
mod heif;
pub mod jpeg_check;
pub mod metadata;
pub mod quality;
pub mod raw;
pub mod synth;
pub mod synth_raw;
pub mod text;
mod xmp;

pub use decode::{DecodeError, Picture, decode, decode_picture, sniff};
pub use derive::{Derived, derive_previews};
pub use metadata::{PhotoMetadata, read_metadata};
