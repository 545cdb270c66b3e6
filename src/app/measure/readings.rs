//! The subject read in the photos on screen (each reading off the UI thread), and the saved
//! regions around the frame photo with how each one's frame maps onto it.

use super::Subject;
use crate::app::background::{Task, WorkError};
use crate::app::cx::Cx;
use crate::jobs::measure::{MeasureError, PhotoMeasurement, Target, compute};
use crate::library::Library;
use crate::model::measure::{Measurement, SpotThreshold, StoredRegion};
use crate::model::{PhotoId, RegionId, SeriesId, Similarity};
use std::collections::HashMap;
use std::sync::Arc;

/// Where measuring happens: regions are drawn in `drawn_on`'s frame and read in every photo
/// of `photos` (the viewer's photo; or A and B).
#[derive(Clone, Debug, PartialEq)]
pub struct Frame {
    pub drawn_on: PhotoId,
    pub photos: Vec<PhotoId>,
}

/// What one photo read.
#[derive(Debug)]
pub struct Reading {
    pub photo: PhotoId,
    pub result: Result<PhotoMeasurement, WorkError>,
}

/// What readings were taken for: when it changes they are taken again.
#[derive(Clone, Debug, PartialEq)]
struct Key {
    subject: Subject,
    photos: Vec<PhotoId>,
    generation: u64,
}

type ReadTask = Task<Vec<(PhotoId, Result<PhotoMeasurement, MeasureError>)>>;

/// The subject's readings in the photos on screen.
#[derive(Debug, Default)]
pub struct Readings {
    pub list: Vec<Reading>,
    key: Option<Key>,
    task: Option<(Key, ReadTask)>,
}

/// What to measure in `photo` for the subject.
fn target(subject: &Subject, photo: PhotoId) -> Target {
    match subject {
        Subject::Draft { on, region } if *on == photo => Target::Shape(region.clone()),
        Subject::Draft { on, region } => Target::DrawnOn {
            region: region.clone(),
            photo: *on,
            name: "the drawn region".into(),
        },
        Subject::Saved(id) => Target::Stored(*id),
    }
}

impl Readings {
    /// Takes in finished readings, and starts reading the subject in the frame's photos
    /// when that was not done yet (one reading task at a time; the newest wish wins).
    pub(super) fn follow(
        &mut self,
        frame: &Frame,
        subject: Option<&Subject>,
        generation: u64,
        library: &Arc<Library>,
        ctx: &egui::Context,
    ) {
        if let Some((key, task)) = &self.task
            && let Some(done) = task.poll()
        {
            self.key = Some(key.clone());
            self.task = None;
            self.list = match done {
                Ok(results) => results
                    .into_iter()
                    .map(|(photo, result)| Reading {
                        photo,
                        result: result.map_err(WorkError::from),
                    })
                    .collect(),
                Err(e) => vec![Reading {
                    photo: frame.drawn_on,
                    result: Err(e),
                }],
            };
        }
        let Some(subject) = subject else {
            self.list.clear();
            self.key = None;
            return;
        };
        let wanted = Key {
            subject: subject.clone(),
            photos: frame.photos.clone(),
            generation,
        };
        if self.key.as_ref() == Some(&wanted) || self.task.is_some() {
            return;
        }
        let targets: Vec<(PhotoId, Target)> = frame
            .photos
            .iter()
            .map(|p| (*p, target(subject, *p)))
            .collect();
        let library = Arc::clone(library);
        let task = Task::spawn("measure", ctx, move |_, _| {
            targets
                .into_iter()
                .map(|(photo, t)| {
                    let read = compute(&library, photo, &t, SpotThreshold::default());
                    (photo, read.map(|(m, _)| m))
                })
                .collect()
        });
        self.task = Some((wanted, task));
    }

    /// The readings shown are of `subject` (not of what was measured before it).
    pub fn are_of(&self, subject: &Subject) -> bool {
        self.key.as_ref().is_some_and(|k| &k.subject == subject)
    }

    pub fn is_running(&self) -> bool {
        self.task.is_some()
    }

    /// The photos measured without error, with their measurements.
    pub fn measured(&self) -> Vec<(PhotoId, Measurement)> {
        self.list
            .iter()
            .filter_map(|r| {
                r.result
                    .as_ref()
                    .ok()
                    .map(|m| (r.photo, m.measurement.clone()))
            })
            .collect()
    }

    /// The readings are now those of `subject` as of `generation` (a drawn region was saved:
    /// it reads what the drawing read).
    pub(super) fn relabel(&mut self, subject: &Subject, generation: u64) {
        if let Some(key) = &mut self.key {
            key.subject = subject.clone();
            key.generation = generation;
        }
    }
}

/// The saved regions of the frame photo's series (or of the photo alone when it is in no
/// series), and how the frame each was drawn in maps onto the frame photo.
#[derive(Debug, Default)]
pub struct Regions {
    pub list: Vec<StoredRegion>,
    pub series: Option<SeriesId>,
    /// For each photo regions were drawn on: the map from its frame onto the frame photo's,
    /// `None` when the two are not aligned.
    onto: HashMap<PhotoId, Option<Similarity>>,
    key: Option<(PhotoId, u64)>,
}

impl Regions {
    pub(super) fn follow(
        &mut self,
        frame: &Frame,
        subject: Option<&Subject>,
        generation: u64,
        cx: &mut Cx,
    ) {
        let draft_on = match subject {
            Some(Subject::Draft { on, .. }) => Some(*on),
            _ => None,
        };
        let key = (frame.drawn_on, generation);
        if self.key == Some(key) && draft_on.is_none_or(|on| self.onto.contains_key(&on)) {
            return;
        }
        self.key = Some(key);
        let here = frame.drawn_on;
        let read = cx.catalogue("Regions", |cat| {
            let photo = cat.compared_photo(here)?.photo;
            let list = match photo.series {
                Some(series) => cat.regions_of_series(series)?,
                None => cat.regions_of_photo(here)?,
            };
            let mut onto = HashMap::new();
            for p in list.iter().map(|r| r.photo).chain(draft_on) {
                if onto.contains_key(&p) {
                    continue;
                }
                let map = if p == here {
                    Some(Similarity::IDENTITY)
                } else {
                    cat.pair_transform(p, here)?.map(|t| t.inverse())
                };
                onto.insert(p, map);
            }
            Ok((photo.series, list, onto))
        });
        let (series, list, onto) = read.unwrap_or_default();
        self.series = series;
        self.list = list;
        self.onto = onto;
    }

    pub fn get(&self, id: RegionId) -> Option<&StoredRegion> {
        self.list.iter().find(|r| r.id == id)
    }

    /// How a region drawn on `photo` maps onto the frame photo; `None` when the two photos
    /// are not aligned (it cannot be placed).
    pub fn onto_frame(&self, photo: PhotoId) -> Option<Similarity> {
        self.onto.get(&photo).copied().flatten()
    }
}
