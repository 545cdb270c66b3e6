//! The photos chosen for an import, looked at before it starts: each one's thumbnail and
//! capture date, whether the library holds it already, and the view and lighting it will be
//! filed with. The files are read on a worker thread, one after another, and each shows as
//! soon as it is read.

use super::background::Task;
use super::selection::SelectMode;
use crate::jobs::{ScannedFile, scan_each};
use crate::library::Library;
use crate::model::filing::{DateMismatch, PhotoTags, assign_in_order, date_mismatch};
use crate::model::{Keyed, Lighting, PhotoId, TakenAt, View};
use chrono::NaiveDate;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, channel};

/// The long edge of the dialog's thumbnails, in pixels.
pub const THUMBNAIL_EDGE: u32 = 160;

/// One photo of the import as the dialog shows it.
#[derive(Clone, Debug)]
pub struct PlannedPhoto {
    pub path: PathBuf,
    /// The capture time as the import would record it (or the estimate, labelled as such).
    pub taken_at: Option<TakenAt>,
    /// The photo of the library that holds these bytes already.
    pub duplicate_of: Option<PhotoId>,
    /// Why the import would refuse the file.
    pub error: Option<String>,
    /// The camera RAW of the same shot the import will keep with this photo.
    pub companion: Option<String>,
    pub thumbnail: Option<Arc<egui::ColorImage>>,
    /// Its own view and lighting; unset ones take the import's common choice.
    pub tags: PhotoTags,
    pub selected: bool,
}

impl PlannedPhoto {
    fn from_scan(file: ScannedFile) -> Self {
        let thumbnail = file.thumbnail.map(|t| {
            Arc::new(egui::ColorImage::from_rgb(
                [t.width() as usize, t.height() as usize],
                t.as_raw(),
            ))
        });
        Self {
            path: file.path,
            taken_at: file.taken_at,
            duplicate_of: file.duplicate_of,
            error: file.error,
            companion: file.companion,
            thumbnail,
            tags: PhotoTags::default(),
            selected: false,
        }
    }

    /// Whether the import will file this photo (not a duplicate, not refused).
    pub fn is_new(&self) -> bool {
        self.duplicate_of.is_none() && self.error.is_none()
    }

    pub fn name(&self) -> String {
        self.path.file_name().map_or_else(
            || self.path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        )
    }

    /// Taken well away from the session date (only a recorded capture time can be judged;
    /// a duplicate or a refused file is not filed, so it is not flagged).
    pub fn mismatch(&self, session: NaiveDate) -> Option<DateMismatch> {
        if !self.is_new() {
            return None;
        }
        date_mismatch(self.taken_at.as_ref()?, session)
    }
}

/// The photos read so far, each with how many files there are in all.
type Found = Receiver<(usize, PlannedPhoto)>;

/// The photos of the import form and the scan reading them.
#[derive(Debug)]
pub struct ImportPlan {
    /// The files and folders chosen, as the form holds them.
    pub paths: Vec<PathBuf>,
    /// In the order the import takes them (failures to list first).
    pub photos: Vec<PlannedPhoto>,
    /// Files found in all (0 until the first is read).
    pub total: usize,
    anchor: Option<usize>,
    scan: Option<(Task<()>, Found)>,
}

impl ImportPlan {
    /// Starts reading `paths` on a worker thread.
    pub fn start(library: Arc<Library>, paths: Vec<PathBuf>, ctx: &egui::Context) -> Self {
        let (tx, rx) = channel();
        let chosen = paths.clone();
        let task = Task::spawn("import-scan", ctx, move |progress, cancel| {
            scan_each(
                &library,
                &chosen,
                THUMBNAIL_EDGE,
                cancel,
                |done, total, file| {
                    let photo = PlannedPhoto::from_scan(file);
                    progress.set(done as f32 / total.max(1) as f32, &photo.name());
                    let _ = tx.send((total, photo));
                },
            );
        });
        Self {
            paths,
            photos: Vec::new(),
            total: 0,
            anchor: None,
            scan: Some((task, rx)),
        }
    }

    /// Takes in the photos read since the last frame; forgets the scan once it is done.
    pub fn poll(&mut self) {
        let Some((task, found)) = &self.scan else {
            return;
        };
        while let Ok((total, photo)) = found.try_recv() {
            self.total = total;
            self.photos.push(photo);
        }
        if task.poll().is_some() {
            while let Ok((total, photo)) = found.try_recv() {
                self.total = total;
                self.photos.push(photo);
            }
            self.total = self.photos.len();
            self.scan = None;
        }
    }

    pub fn is_scanning(&self) -> bool {
        self.scan.is_some()
    }

    /// The file being read, while the scan runs.
    pub fn current(&self) -> Option<String> {
        self.scan.as_ref().map(|(task, _)| task.progress.get().1)
    }

    /// Stops reading (the dialog was closed or the import started).
    pub fn cancel(&self) {
        if let Some((task, _)) = &self.scan {
            task.cancel();
        }
    }

    /// The session date the photos' capture dates propose.
    pub fn proposed_session_date(&self) -> Option<NaiveDate> {
        crate::model::filing::propose_session_date(
            self.photos.iter().filter_map(|p| p.taken_at.as_ref()),
        )
    }

    /// A click on photo `index`: only it, it added or removed, or the range from the last
    /// one clicked.
    pub fn click(&mut self, index: usize, mode: SelectMode) {
        if index >= self.photos.len() {
            return;
        }
        match mode {
            SelectMode::Only => {
                for (i, p) in self.photos.iter_mut().enumerate() {
                    p.selected = i == index;
                }
                self.anchor = Some(index);
            }
            SelectMode::Toggle => {
                let p = &mut self.photos[index];
                p.selected = !p.selected;
                self.anchor = Some(index);
            }
            SelectMode::Range => {
                let from = self.anchor.unwrap_or(index);
                let (lo, hi) = (from.min(index), from.max(index));
                for p in &mut self.photos[lo..=hi] {
                    p.selected = true;
                }
            }
        }
    }

    /// Selects every photo, or none.
    pub fn select_all(&mut self, on: bool) {
        for p in &mut self.photos {
            p.selected = on;
        }
    }

    pub fn selected_count(&self) -> usize {
        self.photos.iter().filter(|p| p.selected).count()
    }

    /// Sets (or, with None, clears back to the common choice) the view of the selected
    /// photos.
    pub fn set_view(&mut self, view: Option<View>) {
        for p in self.photos.iter_mut().filter(|p| p.selected) {
            p.tags.view = view;
        }
    }

    pub fn set_lighting(&mut self, lighting: Option<Lighting>) {
        for p in self.photos.iter_mut().filter(|p| p.selected) {
            p.tags.lighting = lighting;
        }
    }

    /// "Assign in order" for a session shot in a fixed order: the selected photos (or, with
    /// none selected, every photo the import will file) in the order they were taken get the
    /// first `round` views one after another, starting again when the round is done.
    pub fn assign_in_order(&mut self, round: usize) {
        let order = &View::ALL[..round.clamp(1, View::ALL.len())];
        let any_selected = self.photos.iter().any(|p| p.selected);
        let mut targets: Vec<usize> = (0..self.photos.len())
            .filter(|&i| {
                let p = &self.photos[i];
                if any_selected { p.selected } else { p.is_new() }
            })
            .collect();
        // Photos without a capture time keep their place after those with one.
        targets.sort_by_key(|&i| {
            let taken = self.photos[i].taken_at.as_ref().map(|t| t.local);
            (taken.is_none(), taken, i)
        });
        for (i, view) in targets.iter().zip(assign_in_order(targets.len(), order)) {
            self.photos[*i].tags.view = view;
        }
    }

    /// Each photo's own view and lighting, for the import request.
    pub fn per_photo(&self) -> HashMap<PathBuf, PhotoTags> {
        self.photos
            .iter()
            .filter(|p| p.tags != PhotoTags::default())
            .map(|p| (p.path.clone(), p.tags))
            .collect()
    }
}

impl Drop for ImportPlan {
    fn drop(&mut self) {
        self.cancel();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::TimeSource;

    fn photo(name: &str, taken: Option<&str>) -> PlannedPhoto {
        PlannedPhoto {
            path: PathBuf::from(name),
            taken_at: taken.map(|t| {
                let local = chrono::NaiveDateTime::parse_from_str(t, "%Y-%m-%d %H:%M").unwrap();
                TakenAt::from_source(local, None, TimeSource::ExifOriginal)
            }),
            duplicate_of: None,
            error: None,
            companion: None,
            thumbnail: None,
            tags: PhotoTags::default(),
            selected: false,
        }
    }

    fn plan(photos: Vec<PlannedPhoto>) -> ImportPlan {
        ImportPlan {
            paths: Vec::new(),
            total: photos.len(),
            photos,
            anchor: None,
            scan: None,
        }
    }

    fn views(plan: &ImportPlan) -> Vec<Option<View>> {
        plan.photos.iter().map(|p| p.tags.view).collect()
    }

    #[test]
    fn assign_in_order_follows_the_capture_time_and_skips_what_is_not_imported() {
        let mut dup = photo("d.jpg", Some("2024-05-10 08:59"));
        dup.duplicate_of = Some(PhotoId(1));
        let mut p = plan(vec![
            photo("a.jpg", Some("2024-05-10 09:02")),
            photo("b.jpg", Some("2024-05-10 09:00")),
            dup,
            photo("c.jpg", None),
            photo("e.jpg", Some("2024-05-10 09:01")),
        ]);
        p.assign_in_order(2);
        let (f, l) = (Some(View::Frontal), Some(View::LeftOblique));
        // b 09:00, e 09:01, a 09:02, then c without a time: frontal, left, frontal, left.
        assert_eq!(views(&p), vec![f, f, None, l, l]);
        // With a selection, only the selected get views, starting the round again.
        p.click(3, SelectMode::Only);
        p.click(4, SelectMode::Toggle);
        p.assign_in_order(6);
        assert_eq!(views(&p), vec![f, f, None, l, f]);
        // The others keep theirs; per_photo carries only photos with their own tags.
        assert_eq!(p.per_photo().len(), 4);
    }

    #[test]
    fn clicks_select_one_add_and_range_and_keys_set_the_selected_views() {
        let mut p = plan((0..5).map(|i| photo(&format!("{i}.jpg"), None)).collect());
        p.click(1, SelectMode::Only);
        p.click(3, SelectMode::Range);
        assert_eq!(p.selected_count(), 3);
        p.click(2, SelectMode::Toggle);
        p.set_view(Some(View::CloseUp));
        p.set_lighting(Some(Lighting::Uv));
        let set: Vec<_> = p.photos.iter().map(|x| x.tags.view.is_some()).collect();
        assert_eq!(set, vec![false, true, false, true, false]);
        assert_eq!(p.photos[3].tags.lighting, Some(Lighting::Uv));
        p.click(9, SelectMode::Only);
        assert_eq!(
            p.selected_count(),
            2,
            "a click past the end changes nothing"
        );
        p.select_all(false);
        p.set_view(None);
        assert_eq!(p.photos[1].tags.view, Some(View::CloseUp));
    }
}
