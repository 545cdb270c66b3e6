//! `skinlapse bench clinic` at a tiny scale, on SQLite and the throwaway PostgreSQL cluster
//! it starts: the workstations' outcome is checked (no lost update, no duplicate photo, every
//! kind of operation ran), never their speed.

use std::process::Command;

#[test]
fn the_clinic_bench_loses_no_update_and_duplicates_no_photo_on_either_backend() {
    let out = Command::new(env!("CARGO_BIN_EXE_skinlapse"))
        .args(["bench", "clinic", "--photos", "2000", "--people", "40"])
        .args([
            "--workers",
            "2",
            "--seconds",
            "3",
            "--repeats",
            "5",
            "--json",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}\n{stdout}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let summary: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(summary["ok"], true, "{summary}");
    let backends = |list: &serde_json::Value| -> Vec<String> {
        let mut names: Vec<String> = list
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["backend"].as_str().unwrap().to_owned())
            .collect();
        names.dedup();
        names
    };
    assert_eq!(backends(&summary["queries"]), ["SQLite", "PostgreSQL"]);
    assert_eq!(backends(&summary["mix"]), ["SQLite", "PostgreSQL"]);
    for mix in summary["mix"].as_array().unwrap() {
        let backend = &mix["backend"];
        for field in [
            "lost_updates",
            "duplicate_photos",
            "missing_imports",
            "open_claims",
        ] {
            assert_eq!(mix[field], 0, "{field} on {backend}: {mix}");
        }
        assert_eq!(mix["errors"].as_array().unwrap().len(), 0, "{mix}");
        for op in mix["ops"].as_array().unwrap() {
            assert!(op["count"].as_u64().unwrap() > 0, "{op} on {backend}");
        }
        // The same cards were imported by both workstations: each photo once, and the
        // second workstation found the first's.
        assert!(mix["photos_imported"].as_u64().unwrap() > 0, "{mix}");
        assert!(
            mix["imports_found_duplicate"].as_u64().unwrap() > 0,
            "{mix}"
        );
        assert!(mix["edits_saved"].as_u64().unwrap() > 0, "{mix}");
    }
}
