//! "Imported" means it survives a power cut: the commit that makes a photo part of the library
//! is synced to disk before the line saying so is printed. A failpoint abort cannot show this
//! (the page cache outlives the process), so the real binary runs under strace and the order
//! of its syncs and its output is read from the trace.

use crate::support::*;
use std::collections::HashMap;
use std::process::Command;

/// For each `imported` line written to stdout, how many syncs of the catalogue's WAL had
/// completed before it was written.
fn wal_syncs_before_each_imported_line(trace: &str) -> Vec<usize> {
    let mut synced = 0;
    let mut pending: HashMap<&str, bool> = HashMap::new();
    let mut before = Vec::new();
    for line in trace.lines() {
        let (pid, call) = line
            .trim()
            .split_once(char::is_whitespace)
            .unwrap_or(("", line));
        let call = call.trim_start();
        let is_sync = call.starts_with("fsync(") || call.starts_with("fdatasync(");
        if is_sync {
            let on_wal = call.contains("catalog.sqlite-wal>");
            if call.contains("<unfinished") {
                pending.insert(pid, on_wal);
            } else if on_wal && call.ends_with("= 0") {
                synced += 1;
            }
        } else if call.starts_with("<... fsync resumed>")
            || call.starts_with("<... fdatasync resumed>")
        {
            if pending.remove(pid) == Some(true) && call.ends_with("= 0") {
                synced += 1;
            }
        } else if call.starts_with("write(1<") && call.contains("\"imported ") {
            before.push(synced);
        }
    }
    before
}

#[test]
fn each_imported_line_is_printed_after_its_commit_is_synced() {
    if skinlapse::testing::sqlite_only(
        "syncing the catalogue's SQLite WAL before a photo is reported imported",
    ) {
        return;
    }
    let strace = Command::new("strace").arg("-V").output();
    assert!(
        strace.is_ok_and(|o| o.status.success()),
        "this test needs strace (.ci/run and the README's setup install it)"
    );
    let dir = tempfile::tempdir().unwrap();
    let inbox = dir.path().join("inbox");
    std::fs::create_dir_all(&inbox).unwrap();
    let n = 6;
    for i in 0..n {
        write(&inbox, &format!("{i}.jpg"), &jpeg(900 + i));
    }
    let lib = dir.path().join("lib");
    // The library exists already: the syncs of creating it do not count.
    assert!(skinlapse(dir.path(), &lib, &["list"]).status.success());
    let trace_path = dir.path().join("trace.txt");
    let out = Command::new("strace")
        .args([
            "-f",
            "-qq",
            "-y",
            "-s",
            "64",
            "-e",
            "trace=fsync,fdatasync,write",
            "-o",
        ])
        .arg(&trace_path)
        .arg(env!("CARGO_BIN_EXE_skinlapse"))
        .arg("--library")
        .arg(&lib)
        .args(["import", "--workers", "1", "--person", "Durable"])
        .arg(&inbox)
        .env_remove("SKINLAPSE_FAILPOINT")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    let trace = std::fs::read_to_string(&trace_path).unwrap();
    let before = wal_syncs_before_each_imported_line(&trace);
    assert_eq!(
        before.len(),
        n as usize,
        "imported lines in the trace: {before:?}"
    );
    // One worker: photo k's claim and its row were two commits, each synced, before its line.
    for (k, syncs) in before.iter().enumerate() {
        assert!(
            *syncs >= 2 * (k + 1),
            "imported line {} was printed after only {syncs} syncs of the WAL: {before:?}",
            k + 1
        );
    }
}
