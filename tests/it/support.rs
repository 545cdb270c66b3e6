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
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let library = Library::open(&dir.path().join("lib")).unwrap();
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
    Command::new(env!("CARGO_BIN_EXE_skinlapse"))
        .current_dir(cwd)
        .env_remove("SKINLAPSE_FAILPOINT")
        .arg("--library")
        .arg(library)
        .args(args)
        .output()
        .unwrap()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The demo library with small (160×120) photos, generated into `root`.
pub fn small_demo(root: &Path) -> Library {
    skinlapse::jobs::demo::generate_demo(
        root,
        &skinlapse::jobs::demo::DemoOptions {
            width: 160,
            height: 120,
            ..Default::default()
        },
        &mut |_, _| {},
    )
    .unwrap()
}
