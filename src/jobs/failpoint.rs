//! Crash injection for tests: `SKINLAPSE_FAILPOINT=step` (or `step:n` for the n-th time the
//! step is reached) aborts the process there, as a power cut or a kill would. `step:n:pause`
//! stops there instead, alive, until its standard input closes (a process caught mid-import,
//! for another process to look at). Unset, a failpoint costs one relaxed load.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

pub const ENV: &str = "SKINLAPSE_FAILPOINT";

/// Every step of an import, in order, where a crash can be injected.
pub const IMPORT_STEPS: &[&str] = &[
    "hashed",
    "claimed",
    "temp_written",
    "preview_written",
    "thumbnail_written",
    "original_stored",
    "row_inserted",
    "committed",
];

/// The steps a RAW+JPEG pair adds to an import: the RAW's hash claimed (after the JPEG's
/// is hashed) and its original stored (after the JPEG's, before the rows are written).
pub const PAIR_STEPS: &[&str] = &["companion_claimed", "companion_stored"];

static SPEC: OnceLock<Option<(String, u64, bool)>> = OnceLock::new();
static HITS: AtomicU64 = AtomicU64::new(0);

fn spec() -> Option<&'static (String, u64, bool)> {
    SPEC.get_or_init(|| {
        let text = std::env::var(ENV).ok()?;
        let (text, pause) = match text.strip_suffix(":pause") {
            Some(rest) => (rest.to_owned(), true),
            None => (text, false),
        };
        let (name, nth) = match text.split_once(':') {
            Some((name, n)) => (name.to_owned(), n.parse().ok()?),
            None => (text, 1),
        };
        Some((name, nth, pause))
    })
    .as_ref()
}

/// Aborts the process if the failpoint `name` is armed and this is its n-th hit.
pub fn failpoint(name: &str) {
    if let Some((armed, nth, pause)) = spec()
        && armed == name
        && HITS.fetch_add(1, Ordering::SeqCst) + 1 == *nth
    {
        if *pause {
            eprintln!("failpoint {name}: paused");
            let _ = std::io::copy(&mut std::io::stdin(), &mut std::io::sink());
            return;
        }
        eprintln!("failpoint {name}: aborting");
        std::process::abort();
    }
}
