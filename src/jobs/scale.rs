//! A large generated library for benchmarks: many people, many photos, real files. Photos
//! are small (previews can be, for browsing benchmarks) and written directly, not through the
//! import pipeline, so 100 000 of them take a minute or two rather than hours.

use crate::catalogue::{Assignment, AssignmentSpec, NewPhoto};
use crate::imaging::derive::encode_jpeg_with_segments;
use crate::imaging::synth::{SkinScene, render_skin};
use crate::library::{Library, LibraryError};
use crate::model::{ContentHash, Keyed, PhotoFormat, TakenAt, View, VocabKind};
use chrono::{Duration, NaiveDate};
use std::path::Path;

#[derive(Clone, Debug)]
pub struct ScaleOptions {
    pub people: usize,
    pub photos: usize,
    /// The first person gets this many photos (the "open a big patient" case).
    pub largest_person: usize,
}

impl Default for ScaleOptions {
    fn default() -> Self {
        Self {
            people: 1000,
            photos: 100_000,
            largest_person: 500,
        }
    }
}

/// The name of person `i` in a scale library.
pub fn person_name(i: usize) -> String {
    format!("Patient {i:04}")
}

/// Builds the library at `root` (which must not hold one yet).
pub fn generate_scale_library(
    root: &Path,
    options: &ScaleOptions,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Library, LibraryError> {
    let library = Library::open(root)?;
    generate_scale_into(&library, options, progress)?;
    Ok(library)
}

/// Fills the open, empty `library` (personal or clinic) as [`generate_scale_library`] does.
pub fn generate_scale_into(
    library: &Library,
    options: &ScaleOptions,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<(), LibraryError> {
    let mut catalogue = library.catalogue()?;
    let areas: Vec<String> = catalogue
        .terms(VocabKind::Area)?
        .into_iter()
        .map(|t| t.key)
        .collect();
    let concerns: Vec<String> = catalogue
        .terms(VocabKind::Concern)?
        .into_iter()
        .map(|t| t.key)
        .collect();
    // A handful of rendered patches, made unique per photo by one pixel.
    let bases: Vec<image::RgbImage> = (0..8)
        .map(|i| render_skin(&SkinScene::new(128, 96, 77 + i)))
        .collect();
    let start = NaiveDate::from_ymd_opt(2024, 1, 8).expect("valid date");
    let others = options.photos.saturating_sub(options.largest_person);
    let per_person = others / options.people.saturating_sub(1).max(1);
    let mut batch: Vec<(NewPhoto, Assignment)> = Vec::with_capacity(5000);
    let mut done = 0;
    for p in 0..options.people {
        let count = if p == 0 {
            options.largest_person
        } else if p == options.people - 1 {
            options.photos - done
        } else {
            per_person
        };
        let sessions: Vec<NaiveDate> = (0..6)
            .map(|s| start + Duration::days((p as i64 % 60) + 35 * s))
            .collect();
        let mut assignments = Vec::new();
        for (s, date) in sessions.iter().enumerate() {
            let spec = AssignmentSpec {
                person: Some(person_name(p)),
                series: Some("Microneedling".into()),
                session: Some(*date),
                areas: vec![areas[(p + s) % areas.len()].clone()],
                concerns: vec![concerns[p % concerns.len()].clone()],
                view: Some(View::ALL[s % View::ALL.len()]),
                lighting: None,
            };
            assignments.push(catalogue.resolve_assignment(&spec)?);
        }
        for k in 0..count {
            let n = done + k;
            let s = k % sessions.len();
            // An application segment carrying the index makes every file's bytes unique.
            let marker = vec![(15, format!("skinlapse-scale-{n}").into_bytes())];
            let bytes = encode_jpeg_with_segments(&bases[n % bases.len()], 80, &marker);
            let hash = ContentHash::of(&bytes);
            for path in [
                library.original_path(&hash, PhotoFormat::Jpeg),
                library.preview_path(&hash),
                library.thumbnail_path(&hash),
            ] {
                // Unsynced and not atomic: a benchmark library is thrown away, not trusted.
                library.write_unsynced(&path, &bytes)?;
            }
            let local = sessions[s]
                .and_hms_opt(9 + (k % 8) as u32, (k % 60) as u32, 0)
                .expect("valid time");
            let mut assignment = assignments[s].clone();
            assignment.view = Some(View::ALL[k % View::ALL.len()]);
            batch.push((
                NewPhoto {
                    hash,
                    format: PhotoFormat::Jpeg,
                    original_name: format!("IMG_{n:06}.jpg"),
                    original_name_raw: None,
                    file_size: bytes.len() as u64,
                    width: 128,
                    height: 96,
                    taken_at: TakenAt::exact(local, chrono::FixedOffset::east_opt(3600)),
                    camera: None,
                    colour_profile: None,
                    warnings: Vec::new(),
                },
                assignment,
            ));
            if batch.len() == batch.capacity() {
                catalogue.insert_photos_bulk(&batch)?;
                batch.clear();
                progress(n + 1, options.photos);
            }
        }
        done += count;
    }
    catalogue.insert_photos_bulk(&batch)?;
    progress(done, options.photos);
    Ok(())
}
