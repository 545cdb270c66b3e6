//! Odd and hostile files, as an unlucky or malicious user brings them: FIFOs and devices named
//! like photos, file times beyond the calendar, the library's own folder, names holding
//! escape sequences or bytes that are not UTF-8, names spelt two Unicode ways.

use crate::support::*;
use skinlapse::catalogue::AssignmentSpec;
use skinlapse::jobs::Outcome;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Waits for `child`, killing it (and failing) if it hangs: the hang is the bug under test.
fn finish_or_fail(mut child: Child, what: &str) -> Output {
    let deadline = Instant::now() + Duration::from_mins(2);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            child.kill().unwrap();
            panic!("{what} hung");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.wait_with_output().unwrap()
}

fn import_cmd(lib: &std::path::Path, paths: &[&std::path::Path]) -> Child {
    command(lib)
        .arg("import")
        .args(paths)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

#[cfg(unix)]
#[test]
fn fifos_and_devices_named_like_photos_are_refused_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let inbox = dir.path().join("inbox");
    std::fs::create_dir_all(&inbox).unwrap();
    let fifo = inbox.join("x.jpg");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    std::os::unix::fs::symlink("/dev/zero", inbox.join("zero.jpg")).unwrap();
    write(&inbox, "good.jpg", &jpeg(1));
    let lib = dir.path().join("lib");
    make_library(&lib);
    // Named one by one, and found by walking the folder.
    for paths in [
        vec![
            fifo.as_path(),
            &inbox.join("zero.jpg"),
            &inbox.join("good.jpg"),
        ],
        vec![inbox.as_path()],
    ] {
        let out = finish_or_fail(import_cmd(&lib, &paths), "importing a FIFO");
        let text = stdout(&out);
        assert_eq!(out.status.code(), Some(1), "{text}");
        assert!(
            text.contains("x.jpg: is a named pipe (FIFO), not a regular file"),
            "{text}"
        );
        assert!(
            text.contains("zero.jpg: is a device, not a regular file"),
            "{text}"
        );
        assert!(text.contains("3 files:"), "{text}");
    }
}

#[test]
fn a_file_time_beyond_the_calendar_is_a_warning_not_a_crash() {
    // tmpfs keeps such times (ext4 would clamp them); that is where such files come from.
    let shm = std::path::Path::new("/dev/shm");
    let dir = if shm.is_dir() {
        tempfile::tempdir_in(shm).unwrap()
    } else {
        tempfile::tempdir().unwrap()
    };
    let path = write(
        dir.path(),
        "undated.png",
        &encoded(3, skinlapse::model::PhotoFormat::Png),
    );
    let far = std::time::UNIX_EPOCH + Duration::from_secs(10_000_000_000_000);
    std::fs::File::options()
        .write(true)
        .open(&path)
        .unwrap()
        .set_modified(far)
        .unwrap();
    let lib = tempfile::tempdir().unwrap();
    make_library(&lib.path().join("lib"));
    let out = finish_or_fail(
        import_cmd(&lib.path().join("lib"), &[path.as_path()]),
        "import",
    );
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    assert!(stdout(&out).contains("1 imported"), "{}", stdout(&out));
    assert!(
        stderr(&out).contains("modification time is outside the calendar"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn the_library_folder_is_never_imported_from() {
    let dir = tempfile::tempdir().unwrap();
    let inbox = dir.path().join("inbox");
    std::fs::create_dir_all(&inbox).unwrap();
    for i in 0..3 {
        write(&inbox, &format!("{i}.jpg"), &jpeg(40 + i));
    }
    // The library lives inside the folder being imported.
    let lib = inbox.join("library");
    make_library(&lib);
    let inbox_arg = inbox.to_str().unwrap();
    for _ in 0..2 {
        let out = skinlapse(dir.path(), &lib, &["import", inbox_arg]);
        assert!(out.status.success(), "{}", stdout(&out));
        assert!(
            stdout(&out).contains("the library's own folder was left out"),
            "{}",
            stdout(&out)
        );
    }
    let list = skinlapse(dir.path(), &lib, &["list"]);
    assert_eq!(stdout(&list).lines().count(), 3, "{}", stdout(&list));
    // Naming a folder or file inside the library, or its previews and thumbnails (kept
    // outside it, in this workstation's cache, for a clinic library), is refused.
    for inside in [lib.join("originals"), cache_dir(&lib).join("previews")] {
        let out = skinlapse(dir.path(), &lib, &["import", inside.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
        assert!(
            stdout(&out).contains("are never imported"),
            "{}",
            stdout(&out)
        );
    }
    let list = skinlapse(dir.path(), &lib, &["list"]);
    assert_eq!(stdout(&list).lines().count(), 3);
}

#[cfg(unix)]
#[test]
fn names_are_printed_escaped_and_stored_exactly() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let inbox = dir.path().join("inbox");
    std::fs::create_dir_all(&inbox).unwrap();
    let evil = "evil\u{1b}[2J\nimported fake.jpg";
    write(&inbox, evil, &jpeg(7));
    let latin1 = std::ffi::OsStr::from_bytes(b"caf\xe9.jpg");
    std::fs::write(inbox.join(latin1), jpeg(8)).unwrap();
    let lib = dir.path().join("lib");
    make_library(&lib);
    let out = skinlapse(dir.path(), &lib, &["import", inbox.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stdout(&out));
    assert!(
        !out.stdout.contains(&0x1b),
        "an escape reached the terminal"
    );
    let lines: Vec<String> = stdout(&out).lines().map(str::to_owned).collect();
    assert_eq!(lines.len(), 3, "a name split a line: {lines:?}");
    assert!(
        lines
            .iter()
            .any(|l| l.ends_with("evil\\u{1b}[2J\\nimported fake.jpg"))
    );
    assert!(lines.iter().any(|l| l.ends_with("caf\\xE9.jpg")));
    // The catalogue keeps the exact bytes.
    let library = open(&lib);
    let mut cat = library.catalogue().unwrap();
    let mut names: Vec<Vec<u8>> = cat
        .list_photos(None)
        .unwrap()
        .iter()
        .map(|l| cat.original_name_bytes(l.photo.id).unwrap())
        .collect();
    names.sort();
    assert_eq!(
        names,
        vec![b"caf\xe9.jpg".to_vec(), evil.as_bytes().to_vec()]
    );
    let list = skinlapse(dir.path(), &lib, &["list"]);
    assert!(!list.stdout.contains(&0x1b));
    assert_eq!(stdout(&list).lines().count(), 2);
}

#[test]
fn composed_and_decomposed_names_are_one_person() {
    let t = TestLib::new();
    let inbox = t.inbox();
    let a = write(&inbox, "a.jpg", &jpeg(21));
    let b = write(&inbox, "b.jpg", &jpeg(22));
    let person = |name: &str| AssignmentSpec {
        person: Some(name.into()),
        series: Some("Pe\u{301}el".into()),
        ..AssignmentSpec::default()
    };
    let (first, _) = t.import(&[a], &person("Zoe\u{308}"));
    let (second, results) = t.import(&[b], &person("Zo\u{eb}"));
    assert_eq!((first.imported, second.imported), (1, 1));
    assert!(matches!(results[0].outcome, Outcome::Imported { .. }));
    let mut cat = t.library.catalogue().unwrap();
    let people = cat.people().unwrap();
    assert_eq!(people.len(), 1, "{people:?}");
    assert_eq!(people[0].name, "Zo\u{eb}");
    assert_eq!(cat.series_of(people[0].id).unwrap().len(), 1);
    assert!(cat.person_by_name("Zoe\u{308}").unwrap().is_some());
}
