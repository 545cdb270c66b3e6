//! `skinlapse list`

use super::{Failure, open_library_for_reading};
use crate::catalogue::{Companion, PhotoListing};
use crate::model::Keyed;
use crate::model::PhotoId;
use crate::model::printable::printable;
use serde::Serialize;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// Only this person's photos.
    #[arg(long, value_name = "NAME")]
    pub person: Option<String>,
    /// One JSON object per line per photo.
    #[arg(long)]
    pub json: bool,
}

/// The JSON form of a photo. Field names are a scripting interface: add, never rename.
#[derive(Debug, Serialize)]
pub struct PhotoJson<'a> {
    pub id: i64,
    pub person: Option<&'a str>,
    pub person_id: Option<i64>,
    pub series: Option<&'a str>,
    pub series_id: Option<i64>,
    pub session_id: Option<i64>,
    pub session_date: Option<String>,
    pub taken_at: String,
    pub taken_at_estimated: bool,
    pub width: u32,
    pub height: u32,
    pub hash: &'a str,
    pub original_name: &'a str,
    pub format: &'a str,
    pub file_size: u64,
    pub areas: &'a [String],
    pub concerns: &'a [String],
    pub view: Option<&'static str>,
    pub lighting: Option<&'static str>,
    pub camera: Option<&'a str>,
    /// Where `taken_at` came from: exif-original, exif-digitized, xmp (capture times),
    /// exif-modified, file-modified, imported (not capture times), manual.
    pub taken_at_source: &'static str,
    /// `taken_at` as a person should read it ("modified 2021-03-04 — capture time unknown").
    pub taken_at_label: String,
    /// The embedded colour profile previews were converted to sRGB from (null: none).
    pub colour_profile: Option<&'a str>,
    /// Originals kept beside the shown one: the camera RAW of a RAW+JPEG pair (empty: none).
    pub companions: Vec<CompanionJson<'a>>,
}

/// The JSON form of a companion original (see `PhotoJson::companions`).
#[derive(Debug, Serialize)]
pub struct CompanionJson<'a> {
    pub original_name: &'a str,
    pub format: &'a str,
    pub hash: &'a str,
    pub file_size: u64,
}

impl<'a> From<&'a Companion> for CompanionJson<'a> {
    fn from(c: &'a Companion) -> Self {
        Self {
            original_name: &c.original_name,
            format: c.format.name(),
            hash: c.hash.as_str(),
            file_size: c.file_size,
        }
    }
}

impl<'a> From<&'a PhotoListing> for PhotoJson<'a> {
    fn from(l: &'a PhotoListing) -> Self {
        let p = &l.photo;
        Self {
            id: p.id.0,
            person: l.person_name.as_deref(),
            person_id: p.person.map(|id| id.0),
            series: l.series_title.as_deref(),
            series_id: p.series.map(|id| id.0),
            session_id: p.session.map(|id| id.0),
            session_date: l.session_date.map(|d| d.to_string()),
            taken_at: p.taken_at.to_iso(),
            taken_at_estimated: p.taken_at.estimated,
            width: p.width,
            height: p.height,
            hash: p.hash.as_str(),
            original_name: &p.original_name,
            format: p.format.name(),
            file_size: p.file_size,
            areas: &l.areas,
            concerns: &l.concerns,
            view: p.view.map(Keyed::key),
            lighting: p.lighting.map(Keyed::key),
            camera: p.camera.as_deref(),
            taken_at_source: p.taken_at.source.key(),
            taken_at_label: p.taken_at.label(),
            colour_profile: p.colour_profile.as_deref(),
            companions: Vec::new(),
        }
    }
}

pub fn run(library: Option<PathBuf>, args: &ListArgs) -> Result<ExitCode, Failure> {
    let library = open_library_for_reading(library)?;
    let mut catalogue = library.catalogue()?;
    let mut person = None;
    if let Some(name) = &args.person {
        let Some(found) = catalogue.person_by_name(name)? else {
            let known: Vec<String> = catalogue.people()?.into_iter().map(|p| p.name).collect();
            return Err(Failure::usage(format!(
                "no person named {name:?} (known: {})",
                known.join(", ")
            )));
        };
        person = Some(found.id);
    }
    let photos = catalogue.list_photos(person)?;
    let mut companions: HashMap<PhotoId, Vec<Companion>> = HashMap::new();
    for (photo, companion) in catalogue.all_companions()? {
        companions.entry(photo).or_default().push(companion);
    }
    let mut out = std::io::stdout().lock();
    for listing in &photos {
        let kept = companions
            .get(&listing.photo.id)
            .map_or(&[][..], Vec::as_slice);
        let line = if args.json {
            let mut json = PhotoJson::from(listing);
            json.companions = kept.iter().map(CompanionJson::from).collect();
            serde_json::to_string(&json).map_err(Failure::runtime)?
        } else {
            human_line(listing, kept)
        };
        if writeln!(out, "{line}").is_err() {
            break; // stdout closed (e.g. piped into `head`)
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn human_line(l: &PhotoListing, companions: &[Companion]) -> String {
    let p = &l.photo;
    let mut owner = l.person_name.clone().unwrap_or_else(|| "-".into());
    if let Some(series) = &l.series_title {
        owner.push_str(" / ");
        owner.push_str(series);
    }
    if let Some(date) = l.session_date {
        let _ = write!(owner, " / {date}");
    }
    let tags: Vec<&str> = l
        .areas
        .iter()
        .chain(&l.concerns)
        .map(String::as_str)
        .collect();
    let mut name = printable(&l.photo.original_name).into_owned();
    for c in companions {
        let _ = write!(name, " + {}", printable(&c.original_name));
    }
    format!(
        "{:>6}  {}{}  {}×{}  {}  {}  [{}]  {}",
        p.id,
        p.taken_at.to_iso(),
        if p.taken_at.estimated { "~" } else { "" },
        p.width,
        p.height,
        owner,
        p.view.map_or("-", Keyed::key),
        tags.join(", "),
        name
    )
}
