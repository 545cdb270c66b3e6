//! Helpers for tests (unit and `tests/it`), not part of the product's interface.

pub mod pg;
