//! The demo library: a few people, each with a microneedling series of 5–6 sessions over
//! about six months, several views, made of public-domain portraits (NASA's Eileen Collins,
//! the US Navy's Grace Hopper; see `tests/data/README`) re-photographed over the months:
//! held by hand, the head turned a little, other light and walls, pigment spots on the
//! cheeks (placed with the face's landmarks) fading, redness after a session. Imported
//! through the real pipeline, so a newcomer can try every feature at once.

use super::import::{ImportRequest, run_import};
use crate::catalogue::AssignmentSpec;
use crate::imaging::portrait::{Portrait, PortraitLook, render_portrait, rendered_landmarks};
use crate::imaging::synth::{ExifSpec, expose, jpeg_with_exif, random_unit};
use crate::library::{Library, LibraryError};
use crate::model::Similarity;
use crate::model::View;
use crate::model::regions::{FacialRegion, centroid};
use chrono::{Duration, NaiveDate};
use std::path::Path;
use std::sync::atomic::AtomicBool;

#[derive(Clone, Debug)]
pub struct DemoOptions {
    /// Size of each generated photo.
    pub width: u32,
    pub height: u32,
    /// The day of the last session; the series run back about six months from it.
    pub last_session: NaiveDate,
    /// Sessions per series instead of each person's own count (benchmarks use 10).
    pub sessions: Option<u32>,
}

impl Default for DemoOptions {
    fn default() -> Self {
        Self {
            width: 1600,
            height: 1200,
            last_session: chrono::Local::now().date_naive() - Duration::days(7),
            sessions: None,
        }
    }
}

/// The public-domain portraits the demo is made of (see `tests/data/README`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Sitter {
    /// Eileen Collins, NASA.
    Collins,
    /// Grace Hopper, US Navy.
    Hopper,
}

const COLLINS_JPEG: &[u8] = include_bytes!("../../assets/demo/astronaut.jpg");
const HOPPER_JPEG: &[u8] = include_bytes!("../../assets/demo/grace_hopper.jpg");

/// A demo portrait with its landmarks.
pub fn demo_portrait(collins: bool) -> Portrait {
    let bytes = if collins { COLLINS_JPEG } else { HOPPER_JPEG };
    let pixels = image::load_from_memory(bytes)
        .expect("the demo portraits are valid JPEGs (tested)")
        .to_rgb8();
    let face = crate::imaging::face::find_face(&pixels)
        .ok()
        .flatten()
        .expect("the demo portraits show a face (tested)")
        .landmarks;
    Portrait { pixels, face }.head_and_shoulders()
}

/// One demo person and how their skin looks.
struct DemoPerson {
    name: &'static str,
    series: &'static str,
    sitter: Sitter,
    /// Photographed with a phone's front camera: mirrored.
    mirrored: bool,
    /// The walls of the rooms the photos are taken in, by session.
    walls: &'static [[u8; 3]],
    sessions: u32,
    interval_days: i64,
    areas: &'static [&'static str],
    concerns: &'static [&'static str],
    views: &'static [View],
    /// A photo of the first view taken this many days after the last session, outside any
    /// session (a home snapshot while the skin is still red).
    snapshot_after_last: Option<i64>,
}

const PEOPLE: &[DemoPerson] = &[
    DemoPerson {
        name: "Alex Moreau",
        series: "Microneedling, acne scars",
        sitter: Sitter::Collins,
        mirrored: false,
        walls: &[[214, 214, 210], [196, 204, 212]],
        sessions: 6,
        interval_days: 35,
        areas: &["left-cheek", "right-cheek"],
        concerns: &["acne-scars", "enlarged-pores"],
        views: &[View::Frontal, View::LeftOblique, View::RightOblique],
        snapshot_after_last: None,
    },
    DemoPerson {
        name: "Priya Nair",
        series: "Microneedling, melasma",
        sitter: Sitter::Hopper,
        mirrored: false,
        walls: &[[120, 150, 196], [150, 168, 190], [118, 140, 180]],
        sessions: 5,
        interval_days: 42,
        areas: &["forehead", "left-cheek", "right-cheek"],
        concerns: &["melasma", "hyperpigmentation"],
        views: &[View::Frontal, View::CloseUp],
        snapshot_after_last: None,
    },
    DemoPerson {
        name: "Me",
        series: "Home microneedling",
        sitter: Sitter::Collins,
        mirrored: true,
        walls: &[[232, 222, 200], [206, 190, 168], [224, 228, 220]],
        sessions: 6,
        interval_days: 30,
        areas: &["perioral", "chin"],
        concerns: &["sun-spots", "uneven-texture"],
        views: &[View::Frontal, View::LeftProfile],
        snapshot_after_last: Some(5),
    },
];

/// How many photos [`generate_demo`] creates.
pub fn demo_photo_count() -> usize {
    PEOPLE
        .iter()
        .map(|p| p.sessions as usize * p.views.len() + usize::from(p.snapshot_after_last.is_some()))
        .sum()
}

/// One demo photo to render and import.
struct Shot {
    sitter: Sitter,
    /// Framing (hand-held: never the same), head turn, light, wall and skin of the day.
    look: PortraitLook,
    /// Sensor noise, ± grey levels.
    noise: u8,
    exif: ExifSpec,
    path: std::path::PathBuf,
    spec: AssignmentSpec,
}

/// Generates the demo library into `root` (a new or empty folder), calling
/// `progress(done, total)` as photos are rendered (on all cores) and then imported.
pub fn generate_demo(
    root: &Path,
    options: &DemoOptions,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Library, LibraryError> {
    let library = Library::open(root)?;
    generate_demo_into(&library, options, progress)?;
    Ok(library)
}

/// Generates the demo's photos and record into the open `library` (personal or clinic),
/// as [`generate_demo`] does into a new folder.
pub fn generate_demo_into(
    library: &Library,
    options: &DemoOptions,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<(), LibraryError> {
    let scratch_dir = tempfile::tempdir().map_err(crate::library::io_at(library.root()))?;
    let portraits = [demo_portrait(true), demo_portrait(false)];
    let shots = plan(options, scratch_dir.path(), &portraits);
    let total = shots.len() * 2;
    let rendered = std::sync::atomic::AtomicUsize::new(0);
    let failure = std::sync::Mutex::new(None);
    let (done_tx, done_rx) = std::sync::mpsc::channel::<()>();
    std::thread::scope(|scope| {
        for n in 0..super::worker_count() {
            let (shots, rendered, failure, done_tx, portraits) =
                (&shots, &rendered, &failure, done_tx.clone(), &portraits);
            std::thread::Builder::new()
                .name(format!("demo-render-{n}"))
                .spawn_scoped(scope, move || {
                    while let Some(shot) =
                        shots.get(rendered.fetch_add(1, std::sync::atomic::Ordering::Relaxed))
                    {
                        let portrait = &portraits[usize::from(shot.sitter == Sitter::Hopper)];
                        let (w, h) = (options.width, options.height);
                        let mut photo = render_portrait(portrait, &shot.look, w, h);
                        expose(&mut photo, 1.0, shot.noise, shot.look.seed);
                        let bytes = jpeg_with_exif(&photo, 90, Some(&shot.exif));
                        if let Err(e) = std::fs::write(&shot.path, bytes) {
                            *failure.lock().expect("render thread panicked") =
                                Some(crate::library::io_at(&shot.path)(e));
                        }
                        let _ = done_tx.send(());
                    }
                })
                .expect("spawning a demo render thread");
        }
        drop(done_tx);
        for (i, ()) in done_rx.iter().enumerate() {
            progress(i + 1, total);
        }
    });
    if let Some(e) = failure.into_inner().expect("render thread panicked") {
        return Err(e);
    }
    for (i, shot) in shots.iter().enumerate() {
        let assignment = library.catalogue()?.resolve_assignment(&shot.spec)?;
        let request = ImportRequest {
            paths: vec![shot.path.clone()],
            assignment,
            workers: 1,
            ..ImportRequest::default()
        };
        run_import(library, &request, &AtomicBool::new(false), |_| {});
        progress(shots.len() + i + 1, total);
    }
    record(library, options)
}

/// Each demo series' plan, a grade per session improving over the series, and the redness
/// of the day after each treatment.
fn record(library: &Library, options: &DemoOptions) -> Result<(), LibraryError> {
    use crate::catalogue::{NewGrade, SeriesPlan};
    use crate::model::clinical::{GradeScale, SideEffectKind};
    let mut cat = library.catalogue()?;
    for (p, person) in PEOPLE.iter().enumerate() {
        let Some(found) = cat.person_by_name(person.name)? else {
            continue;
        };
        let Some(series) = cat
            .series_of(found.id)?
            .into_iter()
            .find(|s| s.title == person.series)
        else {
            continue;
        };
        let sessions = cat.sessions_of(series.id)?;
        let count = options.sessions.unwrap_or(person.sessions).max(1);
        let first =
            options.last_session - Duration::days(person.interval_days * i64::from(count - 1));
        cat.update_series(
            series.id,
            &SeriesPlan {
                title: series.title.clone(),
                // Me has two more sessions to go, so the next one is due.
                planned_sessions: Some(count + if p == 2 { 2 } else { 0 }),
                interval_days: Some(person.interval_days as u32),
                start_date: Some(first),
                status: crate::model::SeriesStatus::Active,
                notes: String::new(),
            },
        )?;
        // The clinic's series name the views each session needs (the protocol checklist);
        // Me, at home, has none.
        if p != 2 {
            cat.set_required_views(series.id, person.views)?;
        }
        for (s, session) in sessions.iter().enumerate() {
            let t = s as f64 / (sessions.len() - 1).max(1) as f64;
            let (scale, value, regions) = match p {
                0 => (GradeScale::GoodmanBaron, (4.0 - 2.0 * t).round(), None),
                1 => {
                    let darkness = (3.0 - 2.0 * t).round() as u8;
                    let r = format!("3x{darkness},4x{darkness},4x{darkness},1x{darkness}");
                    (GradeScale::Mmasi, 0.0, Some(r))
                }
                _ => (GradeScale::Satisfaction, (5.0 + 4.0 * t).round(), None),
            };
            cat.add_grade(&NewGrade {
                session: Some(session.id),
                photo: None,
                scale,
                custom_name: None,
                value: Some(value),
                mmasi_regions: regions,
                notes: String::new(),
            })?;
            if s > 0 {
                cat.add_side_effect(
                    session.id,
                    SideEffectKind::Redness,
                    2 - (s as i64 % 2),
                    1,
                    "",
                )?;
            }
        }
    }
    Ok(())
}

/// Every demo photo: who, which session and view, and how the skin and light look then.
fn plan(options: &DemoOptions, scratch: &Path, portraits: &[Portrait; 2]) -> Vec<Shot> {
    let mut shots = Vec::new();
    for (p, person) in PEOPLE.iter().enumerate() {
        let count = options.sessions.unwrap_or(person.sessions).max(1);
        let first =
            options.last_session - Duration::days(person.interval_days * i64::from(count - 1));
        let seed = (p as u64 + 1) * 1000;
        for s in 0..count {
            let date = first + Duration::days(person.interval_days * i64::from(s));
            // Progress over the series: 0 at baseline, 1 at the last session.
            let t = s as f32 / (count - 1).max(1) as f32;
            for (v, view) in person.views.iter().enumerate() {
                let key = (p * 100 + s as usize * 10 + v) as u64;
                let jitter = |k: u64| random_unit(key, k) * 2.0 - 1.0;
                let look = PortraitLook {
                    framing: if s == 0 {
                        Similarity::IDENTITY
                    } else {
                        framing(key, 1.0)
                    },
                    yaw_deg: view_yaw(*view) + 3.0 * jitter(11),
                    mirrored: person.mirrored,
                    exposure: 1.0 + 0.05 * jitter(12) as f32,
                    warmth: 0.04 * jitter(13) as f32,
                    side_light: 0.12 * jitter(14) as f32,
                    background: person.walls[s as usize % person.walls.len()],
                    wall_texture: 0.0,
                    pigment: 0.9 * (1.0 - 0.75 * t),
                    // Lingering redness from the previous session.
                    redness: if s == 0 { 0.0 } else { 0.25 - 0.15 * t },
                    seed,
                };
                let mut taken = shot(scratch, p, person, v, *view, date, Some(date), look);
                if *view == View::CloseUp {
                    let portrait = &portraits[usize::from(person.sitter == Sitter::Hopper)];
                    taken.look.framing = close_up(portrait, &taken.look, options);
                }
                // Priya's last close-up was taken with the flash on.
                if p == 1 && s + 1 == count && *view == View::CloseUp {
                    taken.spec.lighting = Some(crate::model::Lighting::Flash);
                    taken.look.exposure = 1.22;
                }
                shots.push(taken);
            }
        }
        if let Some(days) = person.snapshot_after_last {
            let date = options.last_session + Duration::days(days);
            let look = PortraitLook {
                // A hand-held selfie: framed more loosely than the sessions' photos.
                framing: framing(p as u64 * 100 + 99, 1.6),
                mirrored: person.mirrored,
                exposure: 0.94,
                warmth: 0.06,
                background: [190, 176, 150],
                pigment: 0.9 * 0.3,
                // Five days after needling: still red and a little swollen.
                redness: 0.6,
                seed,
                ..PortraitLook::default()
            };
            shots.push(shot(
                scratch,
                p,
                person,
                0,
                person.views[0],
                date,
                None,
                look,
            ));
        }
    }
    shots
}

/// How far the head is turned for a view (positive: to the person's left).
fn view_yaw(view: View) -> f64 {
    match view {
        View::Frontal | View::CloseUp => 0.0,
        // Left oblique shows the person's left side: the head turned to their right.
        // The render turns a flat portrait on a cylinder; the mesh reads about 0.45 of it.
        View::LeftOblique => -40.0,
        View::RightOblique => 40.0,
        View::LeftProfile => -55.0,
        View::RightProfile => 55.0,
    }
}

/// A close-up of the left cheek: the framing that fills the photo with it.
fn close_up(portrait: &Portrait, look: &PortraitLook, options: &DemoOptions) -> Similarity {
    let straight = PortraitLook {
        framing: Similarity::IDENTITY,
        ..look.clone()
    };
    let face = rendered_landmarks(portrait, &straight, options.width, options.height);
    let [cx, cy] = centroid(&FacialRegion::LeftCheek.polygon(&face));
    let zoom = 2.6;
    Similarity {
        scale: 1.0 / zoom,
        tx: cx,
        ty: cy,
        ..Similarity::IDENTITY
    }
    .then(&look.framing)
}

/// One photo of `person` in `view` (the `v`th of theirs) taken on `date`, in `session`.
#[allow(clippy::too_many_arguments)]
fn shot(
    scratch: &Path,
    p: usize,
    person: &DemoPerson,
    v: usize,
    view: View,
    date: NaiveDate,
    session: Option<NaiveDate>,
    look: PortraitLook,
) -> Shot {
    let exif = ExifSpec {
        date_time_original: Some(format!(
            "{} {:02}:{:02}:00",
            date.format("%Y:%m:%d"),
            10 + p,
            5 * v
        )),
        offset_time_original: Some("+01:00".into()),
        make: Some("Skinlapse".into()),
        model: Some("Demo camera".into()),
        orientation: Some(1),
        ..ExifSpec::default()
    };
    let spec = AssignmentSpec {
        person: Some(person.name.into()),
        series: Some(person.series.into()),
        session,
        areas: person.areas.iter().map(|a| (*a).to_owned()).collect(),
        concerns: person.concerns.iter().map(|c| (*c).to_owned()).collect(),
        view: Some(view),
        lighting: Some(crate::model::Lighting::Standard),
    };
    let name = format!(
        "{}_{date}_{}.jpg",
        person.name.replace(' ', "-"),
        view_key(view)
    );
    Shot {
        sitter: person.sitter,
        look,
        noise: 3,
        exif,
        path: scratch.join(name),
        spec,
    }
}

/// A slightly different framing, as when a photo is re-taken by hand: up to ±3° turned,
/// 6 % nearer or further, 4 % shifted (times `looseness`), the same for the same `key`.
fn framing(key: u64, looseness: f64) -> Similarity {
    let unit = |k: u64| random_unit(key, k) * 2.0 - 1.0;
    Similarity {
        scale: 1.0 + 0.06 * looseness * unit(1),
        angle: (3.0 * looseness * unit(2)).to_radians(),
        tx: 0.04 * looseness * unit(3),
        ty: 0.04 * looseness * unit(4),
    }
}

fn view_key(view: View) -> &'static str {
    crate::model::Keyed::key(view)
}

/// [`generate_demo`]'s progress in words ("drawing photo 12 of 41", then "importing photo 5
/// of 41"): its `total` counts each photo twice, drawn and then imported.
pub fn progress_words(done: usize, total: usize) -> String {
    let photos = total / 2;
    if done <= photos {
        format!("drawing photo {done} of {photos}")
    } else {
        format!("importing photo {} of {photos}", done - photos)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_portraits_show_faces_and_render_as_faces() {
        for collins in [true, false] {
            let portrait = demo_portrait(collins);
            let look = PortraitLook {
                pigment: 0.9,
                redness: 0.2,
                ..PortraitLook::default()
            };
            let photo = render_portrait(&portrait, &look, 800, 600);
            let found = crate::imaging::face::find_face(&photo)
                .expect("models run")
                .expect("a face on the render");
            assert_eq!(found.pose().suggested_view(), View::Frontal);
        }
    }
}
