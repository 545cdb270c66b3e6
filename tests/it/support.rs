//! Shared helpers: temporary libraries, generated images, running the real binary.

use skinlapse::catalogue::AssignmentSpec;
use skinlapse::imaging::synth::{ExifSpec, SkinScene, encode_as, jpeg_with_exif, render_skin};
use skinlapse::jobs::{
    FileResult, ImportEvent, ImportRequest, ImportSummary, Outcome, VerifyOptions, run_import,
    verify,
};
use skinlapse::library::Library;
use skinlapse::model::PhotoFormat;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::AtomicBool;
use tempfile::TempDir;

pub struct TestLib {
    pub dir: TempDir,
    pub library: Library,
}

impl TestLib {
    /// A new library in a temporary folder: personal on SQLite, a clinic library signed in as
    /// its admin under `SKINLAPSE_TEST_BACKEND=postgres` ([`skinlapse::testing::library_at`]).
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let library = skinlapse::testing::library_at(&dir.path().join("lib"));
        Self { dir, library }
    }

    pub fn root(&self) -> PathBuf {
        self.dir.path().join("lib")
    }

    /// A folder for source files, outside the library.
    pub fn inbox(&self) -> PathBuf {
        let p = self.dir.path().join("inbox");
        std::fs::create_dir_all(&p).unwrap();
        p
    }

    pub fn import(
        &self,
        paths: &[PathBuf],
        spec: &AssignmentSpec,
    ) -> (ImportSummary, Vec<FileResult>) {
        import_into(&self.library, paths, spec)
    }

    pub fn import_plain(&self, paths: &[PathBuf]) -> (ImportSummary, Vec<FileResult>) {
        self.import(paths, &AssignmentSpec::default())
    }

    /// Asserts `verify` finds nothing wrong.
    pub fn assert_clean(&self) {
        assert_verify_clean(&self.library);
    }

    /// Every file below `originals/`.
    pub fn originals(&self) -> Vec<PathBuf> {
        files_below(&self.root().join("originals"))
    }
}

/// The folder holding the previews and thumbnails of the test library at `root`: `cache/` in
/// a personal library, the workstation cache the tests and the binary share for a clinic.
pub fn cache_dir(root: &Path) -> PathBuf {
    skinlapse::testing::library_cache_dir(root)
}

/// Imports `paths` into `library` through the real import, filed as `spec` says; the
/// results in the order the files were found.
pub fn import_into(
    library: &Library,
    paths: &[PathBuf],
    spec: &AssignmentSpec,
) -> (ImportSummary, Vec<FileResult>) {
    let assignment = library
        .catalogue()
        .unwrap()
        .resolve_assignment(spec)
        .unwrap();
    let request = ImportRequest {
        paths: paths.to_vec(),
        assignment,
        workers: 2,
        ..ImportRequest::default()
    };
    let mut results = Vec::new();
    let summary = run_import(library, &request, &AtomicBool::new(false), |e| {
        if let ImportEvent::File(r) = e {
            results.push(r);
        }
    });
    results.sort_by_key(|r| r.index);
    (summary, results)
}

/// Asserts `verify` finds nothing wrong in `library`.
pub fn assert_verify_clean(library: &Library) {
    let report = verify(library, VerifyOptions::default(), &|_, _| {}).unwrap();
    assert!(
        report.is_clean(),
        "verify found problems: {:#?}",
        report.problems
    );
}

/// Every file below `root` with its bytes.
pub fn contents(root: &Path) -> std::collections::BTreeMap<PathBuf, Vec<u8>> {
    files_below(root)
        .into_iter()
        .map(|p| {
            let bytes = std::fs::read(&p).unwrap();
            (p, bytes)
        })
        .collect()
}

pub fn files_below(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            if e.path().is_dir() {
                out.extend(files_below(&e.path()));
            } else {
                out.push(e.path());
            }
        }
    }
    out.sort();
    out
}

pub fn skin(width: u32, height: u32, seed: u64) -> image::RgbImage {
    render_skin(&SkinScene::new(width, height, seed))
}

/// A small photo-like JPEG, different for every seed.
pub fn jpeg(seed: u64) -> Vec<u8> {
    jpeg_with_exif(&skin(96, 72, seed), 90, None)
}

pub fn jpeg_exif(seed: u64, exif: &ExifSpec) -> Vec<u8> {
    jpeg_with_exif(&skin(96, 72, seed), 90, Some(exif))
}

pub fn encoded(seed: u64, format: PhotoFormat) -> Vec<u8> {
    encode_as(&skin(80, 60, seed), format)
}

pub fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

pub fn error_text(result: &FileResult) -> String {
    match &result.outcome {
        Outcome::Failed(e) => e.to_string(),
        other => panic!(
            "{} should have failed, got {other:?}",
            result.path.display()
        ),
    }
}

/// The real binary, run in `cwd` (so a crash's core file, if any, lands there).
pub fn skinlapse(cwd: &Path, library: &Path, args: &[&str]) -> Output {
    command(library)
        .current_dir(cwd)
        .args(args)
        .output()
        .unwrap()
}

/// The real binary on `library`, as a test runs it: `--library`, no failpoint, its
/// workstation cache beside the library (`XDG_CACHE_HOME`, so nothing lands in the user's
/// cache), and signed in as the clinic's admin (`SKINLAPSE_USER`, `SKINLAPSE_PASSWORD`) when
/// the library is a test clinic ([`skinlapse::testing::library_user`]).
pub fn command(library: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_skinlapse"));
    test_env(&mut cmd, library);
    cmd.arg("--library").arg(library);
    cmd
}

/// The environment [`command`] runs the binary in, for a command that starts it some other
/// way (under a shell, strace).
pub fn test_env(cmd: &mut Command, library: &Path) {
    cmd.env_remove("SKINLAPSE_FAILPOINT")
        .env_remove("SKINLAPSE_USER")
        .env_remove("SKINLAPSE_PASSWORD")
        .env(
            "XDG_CACHE_HOME",
            skinlapse::testing::workstation_cache_home(library),
        );
    if let Some((user, password)) = skinlapse::testing::library_user(library) {
        cmd.env("SKINLAPSE_USER", user)
            .env("SKINLAPSE_PASSWORD", password);
    }
}

/// On PostgreSQL, makes the missing folder `library` a test clinic library before the binary
/// runs on it (on SQLite the binary makes a personal library there itself).
pub fn make_library(library: &Path) {
    skinlapse::testing::make_library(library);
}

/// The library at `root` opened in the test, on the test's backend
/// ([`skinlapse::testing::library_at`]).
pub fn open(root: &Path) -> Library {
    skinlapse::testing::library_at(root)
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The demo library with small (160×120) photos, generated into `root`.
pub fn small_demo(root: &Path) -> Library {
    demo(root, 160, 120)
}

/// The demo library with `width`×`height` photos, generated into `root` (a personal library
/// on SQLite, a test clinic on PostgreSQL).
pub fn demo(root: &Path, width: u32, height: u32) -> Library {
    let library = skinlapse::testing::library_at(root);
    skinlapse::jobs::demo::generate_demo_into(
        &library,
        &skinlapse::jobs::demo::DemoOptions {
            width,
            height,
            ..Default::default()
        },
        &mut |_, _| {},
    )
    .unwrap();
    library
}

/// When the test library at `root` is a clinic library (in clinic mode, where an export
/// needs the person's consent to its purpose), every person in it consents to exports for
/// their clinical record, given on 1 January 2000; the tests' exports then say
/// `--purpose clinical-record`. A personal library implies consent: nothing is recorded.
pub fn consent_to_clinical_record(root: &Path) {
    if skinlapse::testing::library_user(root).is_none() {
        return;
    }
    let mut cat = open(root).catalogue().unwrap();
    let given = chrono::NaiveDate::from_ymd_opt(2000, 1, 1).unwrap();
    for person in cat.people().unwrap() {
        cat.give_consent(
            person.id,
            skinlapse::model::clinical::ConsentScope::ClinicalRecord,
            given,
            "for the tests",
        )
        .unwrap();
    }
}
