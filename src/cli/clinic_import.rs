//! `skinlapse --library CLINIC_DIR --user NAME clinic import-library --from DIR`: a personal
//! library moved into a clinic, resumable and verified.

// The doc comments below are the command's --help: plain words, no Markdown.
#![allow(clippy::doc_markdown)]

use super::clinic::sign_in;
use super::{Failure, library_root};
use crate::catalogue::clinic::{self, ClinicError, workstation};
use crate::catalogue::clinic_import::{
    ClinicImport, ImportError, PhotoOutcome, SourcePhoto, Verification,
};
use crate::jobs::failpoint::failpoint;
use crate::library::clinic::{self as clinic_folder};
use crate::library::clinic_store::{self, Stored};
use crate::library::{CATALOGUE_FILE, Library};
use crate::model::printable::printable_path;
use crate::model::{ContentHash, PhotoFormat};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct ImportLibraryArgs {
    /// The personal library to move in (read only; an encrypted one asks for its passphrase,
    /// or takes --passphrase-file or SKINLAPSE_PASSPHRASE).
    #[arg(long, value_name = "DIR")]
    pub from: PathBuf,
    /// At the end, one JSON object {people, photos, already_in_clinic, counts, originals,
    /// damaged_originals, settings_copied, verified} on standard output (progress goes to
    /// standard error).
    #[arg(long)]
    pub json: bool,
}

impl From<ImportError> for Failure {
    fn from(e: ImportError) -> Self {
        match e {
            ImportError::Clinic(e) => e.into(),
            ImportError::Refused(_) => Self::usage(e.to_string()),
            other => Self::runtime(other.to_string()),
        }
    }
}

/// Progress lines: standard output, or standard error when the summary is JSON.
struct Progress {
    json: bool,
}

impl Progress {
    fn say(&self, line: &str) {
        if self.json {
            eprintln!("{line}");
        } else {
            println!("{line}");
        }
    }
}

pub fn run(
    library: Option<PathBuf>,
    user: Option<&str>,
    args: &ImportLibraryArgs,
) -> Result<ExitCode, Failure> {
    let root = library_root(library.clone())?;
    let from = &args.from;
    if clinic_folder::read(from)
        .map_err(|e| Failure::usage(e.to_string()))?
        .is_some()
    {
        return Err(Failure::usage(format!(
            "--from {} is a clinic library: import-library moves a personal library into a clinic",
            printable_path(from)
        )));
    }
    if !from.join(CATALOGUE_FILE).is_file() {
        return Err(Failure::usage(format!(
            "--from {}: no Skinlapse library there (no {CATALOGUE_FILE})",
            printable_path(from)
        )));
    }
    let settings = clinic_folder::read(&root)
        .map_err(|e| Failure::runtime(e.to_string()))?
        .ok_or_else(|| {
            Failure::usage(format!(
                "{} is a personal library: import-library moves a library into a clinic library (skinlapse clinic create)",
                printable_path(&root)
            ))
        })?;
    let source = super::secure::open(from, true)?;
    let catalogue = source.catalogue()?;
    let mut session = sign_in(library, user)?;
    let user = user.expect("signed in with a name");
    // A clinic made by an older Skinlapse lacks the import tables: its schema is brought up
    // to date once, as `clinic upgrade` does.
    let found =
        clinic::schema_version(session.client()).map_err(|e| ClinicError::from_pg(e, user))?;
    if found < clinic::latest_schema_version() {
        super::clinic::upgrade_schema(
            &settings.database,
            "was made before import-library: its import tables are added once",
        )?;
    }
    let progress = Progress { json: args.json };
    let removed = clinic_store::remove_dead_temps(&root);
    if removed > 0 {
        progress.say(&format!(
            "removed {removed} half-written file(s) an interrupted import left in {}",
            printable_path(&root.join("tmp"))
        ));
    }
    let source_key = format!("{}:{}", workstation(), source.root().display());
    let mut import = ClinicImport::begin(&catalogue, session.client(), user, &source_key)?;
    import_people(&mut import, &progress)?;
    let photos = import.photos()?;
    import_photos(&mut import, &source, &root, &photos, &progress)?;
    for photo in &photos {
        import.import_analysis(photo.id)?;
    }
    let verification = import.verify()?;
    let damaged = check_originals(&root, &photos)?;
    report(&verification, &damaged, photos.len(), args.json)
}

fn import_people(import: &mut ClinicImport<'_>, progress: &Progress) -> Result<(), Failure> {
    let people = import.people()?;
    let total = people.len();
    let done = people
        .iter()
        .filter(|(id, _)| import.person_done(*id))
        .count();
    if done > 0 {
        progress.say(&format!(
            "{done} of {total} people were moved in by an earlier run of this import"
        ));
    }
    for (n, (id, name)) in people.iter().enumerate() {
        if import.person_done(*id) {
            continue;
        }
        import.import_person(*id)?;
        progress.say(&format!(
            "person {} of {total}: {} (with series, sessions and record)",
            n + 1,
            crate::model::printable::printable(name)
        ));
    }
    Ok(())
}

/// Each photo: its originals into the clinic's store (read from the personal library, opened
/// when sealed, checked against their hash), then its rows in one transaction.
fn import_photos(
    import: &mut ClinicImport<'_>,
    source: &Library,
    root: &Path,
    photos: &[SourcePhoto],
    progress: &Progress,
) -> Result<(), Failure> {
    let total = photos.len();
    let done = photos.iter().filter(|p| p.done).count();
    if done > 0 {
        progress.say(&format!(
            "{done} of {total} photos were moved in by an earlier run of this import"
        ));
    }
    let files = source.files();
    for (n, photo) in photos.iter().enumerate() {
        if photo.done {
            continue;
        }
        for (hash, format) in &photo.originals {
            let (hash, format) = original_of(hash, format)?;
            let extension = format.extension();
            let path = source.original_path(&hash, format);
            let stop = |why: String| {
                Failure::runtime(format!(
                    "{}: {why}; nothing of photo {} of {total} ({}) was moved in. The import stopped here: put the file back from a backup (skinlapse verify --library {} names every damaged one) and run it again to go on",
                    printable_path(&path),
                    n + 1,
                    crate::model::printable::printable(&photo.original_name),
                    printable_path(source.root()),
                ))
            };
            let bytes = files.read(&path).map_err(|e| match e {
                crate::library::LibraryError::Io { source, .. } => stop(source.to_string()),
                other => stop(other.to_string()),
            })?;
            if ContentHash::of(&bytes) != hash {
                return Err(stop(
                    "this original no longer matches its content hash (it is damaged)".into(),
                ));
            }
            let stored = clinic_store::store_original(root, &hash, extension, &bytes)?;
            if stored == Stored::Present {
                progress.say(&format!(
                    "  {hash}.{extension} is in the clinic's store already, intact"
                ));
            }
        }
        failpoint("clinic_original_stored");
        let outcome = import.import_photo(photo.id)?;
        failpoint("clinic_photo_imported");
        let name = crate::model::printable::printable(&photo.original_name);
        progress.say(&match outcome {
            PhotoOutcome::Imported(_) => format!("photo {} of {total}: {name}", n + 1),
            PhotoOutcome::AlreadyInClinic(id) => format!(
                "photo {} of {total}: {name} is in the clinic already (its photo {id}, the same content): not duplicated",
                n + 1
            ),
        });
    }
    Ok(())
}

fn original_of(hash: &str, format: &str) -> Result<(ContentHash, PhotoFormat), Failure> {
    let parsed = ContentHash::parse(hash).ok_or_else(|| {
        Failure::runtime(format!(
            "the personal catalogue holds a malformed content hash {hash:?}"
        ))
    })?;
    let format = PhotoFormat::from_key(format).ok_or_else(|| {
        Failure::runtime(format!(
            "the personal catalogue names an unknown format {format:?} for {hash}"
        ))
    })?;
    Ok((parsed, format))
}

/// Every original of the library, read back from the clinic's store and hashed: the ones
/// missing or not matching.
fn check_originals(root: &Path, photos: &[SourcePhoto]) -> Result<Vec<String>, Failure> {
    let mut bad = Vec::new();
    for photo in photos {
        for (hash, format) in &photo.originals {
            let (hash, format) = original_of(hash, format)?;
            let path = clinic_store::original_path(root, &hash, format.extension());
            if !clinic_store::holds(&path, &hash)? {
                bad.push(printable_path(&path));
            }
        }
    }
    Ok(bad)
}

fn report(
    v: &Verification,
    damaged: &[String],
    photos: usize,
    json: bool,
) -> Result<ExitCode, Failure> {
    let originals = v
        .counts
        .iter()
        .find(|c| c.kind == "originals")
        .map_or(0, |c| c.expected);
    let verified = v.mismatches().next().is_none() && damaged.is_empty();
    if json {
        let counts: serde_json::Map<String, serde_json::Value> = v
            .counts
            .iter()
            .map(|c| {
                (
                    c.kind.to_owned(),
                    serde_json::json!({"personal": c.expected, "clinic": c.found}),
                )
            })
            .collect();
        let existing: Vec<serde_json::Value> = v
            .existing
            .iter()
            .map(|(_, clinic, name)| serde_json::json!({"name": name, "clinic_photo": clinic}))
            .collect();
        println!(
            "{}",
            serde_json::json!({
                "people": count(v, "people"),
                "photos": photos,
                "already_in_clinic": existing,
                "counts": counts,
                "originals": originals,
                "damaged_originals": damaged,
                "settings_copied": v.settings,
                "verified": verified,
            })
        );
    }
    if !verified {
        for c in v.mismatches() {
            eprintln!(
                "skinlapse: not verified: {}: {} in the personal library, {} in the clinic",
                c.kind, c.expected, c.found
            );
        }
        for path in damaged {
            eprintln!("skinlapse: not verified: {path} is missing or does not match its hash");
        }
        return Err(Failure::runtime(
            "the import is not verified (above); run it again to finish it",
        ));
    }
    if json {
        return Ok(ExitCode::SUCCESS);
    }
    let parts: Vec<String> = v
        .counts
        .iter()
        .filter(|c| c.kind != "originals" && c.kind != "people" && c.kind != "photos")
        .filter(|c| c.expected > 0)
        .map(|c| counted(c.expected, c.kind))
        .collect();
    let already = if v.existing.is_empty() {
        String::new()
    } else {
        format!(
            " ({} already in the clinic, not duplicated)",
            v.existing.len()
        )
    };
    println!(
        "verified: {}, {}{already}{}{}, and {} by their content hash",
        counted(count(v, "people"), "people"),
        counted(i64::try_from(photos).unwrap_or(i64::MAX), "photos"),
        if parts.is_empty() { "" } else { ", " },
        parts.join(", "),
        counted(originals, "originals"),
    );
    match v.settings {
        Some(n) if n > 0 => println!(
            "settings: {n} of the library's settings apply where the clinic had none of its own"
        ),
        Some(_) => {}
        None => println!("settings: not copied (only an admin may change the clinic's settings)"),
    }
    Ok(ExitCode::SUCCESS)
}

/// "1 person", "2 people", "1 series", "1 side effect", "3 side effects".
fn counted(n: i64, plural: &str) -> String {
    if n != 1 {
        return format!("{n} {plural}");
    }
    let one = match plural {
        "people" => "person",
        "series" => "series",
        other => other.strip_suffix('s').unwrap_or(other),
    };
    format!("1 {one}")
}

fn count(v: &Verification, kind: &str) -> i64 {
    v.counts
        .iter()
        .find(|c| c.kind == kind)
        .map_or(0, |c| c.expected)
}

#[cfg(test)]
mod tests {
    #[test]
    fn counts_are_said_in_words() {
        assert_eq!(super::counted(1, "people"), "1 person");
        assert_eq!(super::counted(2, "people"), "2 people");
        assert_eq!(super::counted(1, "side effects"), "1 side effect");
        assert_eq!(super::counted(1, "series"), "1 series");
    }
}
