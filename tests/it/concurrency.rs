//! Two users of one library at once: two importers, and a reader while an import runs.

use crate::support::*;
use std::collections::HashSet;

#[test]
fn two_processes_importing_overlapping_folders_store_each_photo_once() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    std::fs::create_dir_all(&a).unwrap();
    std::fs::create_dir_all(&b).unwrap();
    for i in 0..12 {
        let bytes = jpeg(900 + i);
        write(&a, &format!("{i}.jpg"), &bytes);
        // b shares the first 8 photos with a, under other names.
        if i < 8 {
            write(&b, &format!("copy-{i}.jpg"), &bytes);
        }
    }
    for i in 0..4 {
        write(&b, &format!("own-{i}.jpg"), &jpeg(950 + i));
    }
    let lib = dir.path().join("lib");
    make_library(&lib);
    let spawn = |folder: &std::path::Path| {
        command(&lib)
            .current_dir(dir.path())
            .arg("import")
            .arg(folder)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (pa, pb) = (spawn(&a), spawn(&b));
    let (oa, ob) = (
        pa.wait_with_output().unwrap(),
        pb.wait_with_output().unwrap(),
    );
    assert!(oa.status.success(), "{}", stdout(&oa));
    assert!(ob.status.success(), "{}", stdout(&ob));
    let imported = |o: &std::process::Output| {
        stdout(o)
            .lines()
            .filter(|l| l.starts_with("imported "))
            .count()
    };
    assert_eq!(
        imported(&oa) + imported(&ob),
        16,
        "{}\n{}",
        stdout(&oa),
        stdout(&ob)
    );
    let library = open(&lib);
    let listed = library.catalogue().unwrap().list_photos(None).unwrap();
    assert_eq!(listed.len(), 16);
    let hashes: HashSet<_> = listed.iter().map(|l| l.photo.hash.clone()).collect();
    assert_eq!(hashes.len(), 16);
    assert_eq!(files_below(&lib.join("originals")).len(), 16);
    assert_verify_clean(&library);
}

#[test]
fn a_reader_sees_consistent_snapshots_while_an_import_runs() {
    let t = TestLib::new();
    let inbox = t.inbox();
    for i in 0..20 {
        write(&inbox, &format!("{i}.jpg"), &jpeg(700 + i));
    }
    let reader_library = open(&t.root());
    let done = std::sync::atomic::AtomicBool::new(false);
    std::thread::scope(|s| {
        let reader = s.spawn(|| {
            let mut cat = reader_library.catalogue().unwrap();
            let mut last = 0;
            let mut reads = 0;
            while !done.load(std::sync::atomic::Ordering::Relaxed) || reads == 0 {
                let listed = cat.list_photos(None).unwrap();
                assert!(listed.len() >= last, "photos never disappear");
                for l in &listed {
                    // A row is only visible once its original and caches are in place.
                    assert!(
                        reader_library
                            .original_path(&l.photo.hash, l.photo.format)
                            .exists()
                    );
                    assert!(reader_library.thumbnail_path(&l.photo.hash).exists());
                }
                last = listed.len();
                reads += 1;
            }
            last
        });
        let (summary, _) = t.import_plain(std::slice::from_ref(&inbox));
        done.store(true, std::sync::atomic::Ordering::Relaxed);
        assert_eq!(summary.imported, 20);
        assert!(reader.join().unwrap() <= 20);
    });
    t.assert_clean();
}
