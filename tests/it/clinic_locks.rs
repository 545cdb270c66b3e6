//! Owner locks of a clinic library hold across workstations: they are in the clinic's
//! database, not `flock`s on the share (which SMB and NFS may not pass on to other machines).
//! Two processes on one machine stand for two workstations: one is stopped mid-import (its
//! original on the share, its row not yet committed), the other opens the library and runs
//! recovery. A `flock` the other takes on the first one's lock file (as a share that keeps
//! flocks to itself would allow) changes nothing; only the first one's end does.

use crate::clinic_app::ClinicLib;
use skinlapse::catalogue::CatalogueError;
use skinlapse::jobs::failpoint::ENV;
use skinlapse::library::Library;
use skinlapse::library::clinic::{self as clinic_folder, ClinicLogin};
use skinlapse::model::{ContentHash, PhotoFormat};
use skinlapse::testing::pg;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// The clinic library opened by this process as ann, with its own cache.
fn workstation(clinic: &ClinicLib) -> Library {
    let settings = clinic_folder::read(&clinic.root).unwrap().unwrap();
    let login = ClinicLogin {
        server: clinic_folder::server_config(&settings).unwrap(),
        settings,
        user: clinic.name("ann"),
        password: "ann-secret".to_owned().into(),
        cache_root: clinic.dir.path().join("cache-b"),
    };
    Library::open_clinic(&clinic.root, Arc::new(login)).unwrap()
}

/// Another workstation importing `photo`, stopped alive once its original is stored on the
/// share (before its row commits); closing its standard input lets it go on. Returns it,
/// and what it writes to stderr from then on.
fn paused_import(clinic: &ClinicLib, photo: &Path) -> (Child, JoinHandle<String>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_skinlapse"))
        .arg("--library")
        .arg(&clinic.root)
        .arg("import")
        .arg(photo)
        .args(["--person", "Pat Doe"])
        .env_remove("SKINLAPSE_LIBRARY")
        .env("SKINLAPSE_USER", clinic.name("ann"))
        .env("SKINLAPSE_PASSWORD", "ann-secret")
        .env("XDG_CACHE_HOME", clinic.dir.path().join("cache-a"))
        .env(ENV, "original_stored:1:pause")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut said = String::new();
    loop {
        let mut line = String::new();
        assert!(
            stderr.read_line(&mut line).unwrap() > 0,
            "the import ended before its failpoint: {said}"
        );
        said.push_str(&line);
        if line.contains("failpoint original_stored: paused") {
            break;
        }
    }
    let rest = std::thread::spawn(move || {
        let mut rest = String::new();
        let _ = stderr.read_to_string(&mut rest);
        rest
    });
    (child, rest)
}

/// The lock files in the share's `tmp/` other than `except`'s.
fn lock_files(root: &Path, except: &str) -> Vec<PathBuf> {
    std::fs::read_dir(root.join("tmp"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.extension().is_some_and(|e| e == "lock") && p.file_stem().is_some_and(|s| s != except)
        })
        .collect()
}

fn photos_of(b: &Library) -> usize {
    b.catalogue().unwrap().counts().unwrap().1
}

#[test]
fn a_live_workstations_import_is_left_alone_and_a_killed_ones_rolled_back() {
    let clinic = ClinicLib::new();
    let bytes = crate::support::jpeg(1);
    let photo = crate::support::write(clinic.dir.path(), "IMG_1.jpg", &bytes);
    let (mut a, rest) = paused_import(&clinic, &photo);
    let b = workstation(&clinic);
    let original = b.original_path(&ContentHash::of(&bytes), PhotoFormat::Jpeg);
    assert!(original.exists(), "A's original is on the share");

    // A holds no flock on its lock file: this process can take one, as over a share that does
    // not pass flocks on. Holding it, B's recovery still sees A alive, through the database.
    let locks = lock_files(&clinic.root, b.owner());
    assert_eq!(locks.len(), 1, "{locks:?}");
    let file = std::fs::File::open(&locks[0]).unwrap();
    file.try_lock().expect("no flock on a clinic's lock file");
    let report = b.recover().unwrap();
    assert_eq!(report.dead_owners, 0, "{report:?}");
    assert!(report.rolled_back.is_empty());
    assert!(original.exists(), "A's original stays");
    assert_eq!(b.catalogue().unwrap().claim_owners().unwrap().len(), 1);
    drop(file);

    // A goes on and finishes its import.
    drop(a.stdin.take());
    let status = a.wait().unwrap();
    assert!(status.success(), "{}", rest.join().unwrap());
    assert_eq!(photos_of(&b), 1);

    // A second import, killed mid-way: its lock goes with its connection, and B rolls it
    // back once the server has seen that.
    let bytes = crate::support::jpeg(2);
    let photo = crate::support::write(clinic.dir.path(), "IMG_2.jpg", &bytes);
    let (mut a, _) = paused_import(&clinic, &photo);
    let original = b.original_path(&ContentHash::of(&bytes), PhotoFormat::Jpeg);
    assert!(original.exists());
    a.kill().unwrap();
    a.wait().unwrap();
    let start = Instant::now();
    let report = loop {
        let report = b.recover().unwrap();
        if report.dead_owners > 0 {
            break report;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "A never seen gone"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(report.rolled_back, vec![ContentHash::of(&bytes)]);
    assert!(!original.exists(), "the unfinished original is gone");
    assert!(b.catalogue().unwrap().claim_owners().unwrap().is_empty());
    assert!(lock_files(&clinic.root, b.owner()).is_empty());
    assert_eq!(photos_of(&b), 1);
}

/// A workstation the clinic database lost sight of (its lock connection dropped, the rest of
/// it still running) is rolled back by another; when it comes to commit, its import fails
/// with a sentence and nothing of it is saved — never a photo whose original is gone.
#[test]
fn an_import_rolled_back_by_another_workstation_fails_whole_when_it_comes_back() {
    let clinic = ClinicLib::new();
    let bytes = crate::support::jpeg(3);
    let photo = crate::support::write(clinic.dir.path(), "IMG_3.jpg", &bytes);
    let (mut a, rest) = paused_import(&clinic, &photo);
    let b = workstation(&clinic);
    // The server drops A's lock connection, as after a network outage.
    let token = lock_files(&clinic.root, b.owner())[0]
        .file_stem()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    let key = u64::from_str_radix(&token, 16).unwrap();
    let (high, low) = ((key >> 32) as u32, key as u32);
    let database = clinic.server.get_dbname().unwrap().to_owned();
    let mut admin = pg::cluster()
        .superuser(&database)
        .connect(postgres::NoTls)
        .unwrap();
    let dropped: i64 = admin
        .query_one(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_locks
             WHERE locktype = 'advisory' AND classid::bigint = $1 AND objid::bigint = $2",
            &[&i64::from(high), &i64::from(low)],
        )
        .unwrap()
        .get(0);
    assert_eq!(dropped, 1, "A's lock connection");
    let start = Instant::now();
    while b.recover().unwrap().dead_owners == 0 {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "A never seen gone"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let original = b.original_path(&ContentHash::of(&bytes), PhotoFormat::Jpeg);
    assert!(!original.exists());

    drop(a.stdin.take());
    let status = a.wait().unwrap();
    let mut said = rest.join().unwrap();
    a.stdout.take().unwrap().read_to_string(&mut said).unwrap();
    assert!(!status.success(), "{said}");
    assert!(
        said.contains(
            &CatalogueError::ClaimLost {
                hash: ContentHash::of(&bytes).to_string()
            }
            .to_string()
        ),
        "{said}"
    );
    assert_eq!(photos_of(&b), 0, "nothing of it saved");
    assert!(!original.exists());
}
