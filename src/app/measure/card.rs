//! The reference card of the viewer's photo: the four corners being marked, the fit (on a
//! worker) with every patch's residual, storing or removing it, and the photo shown through
//! the correction.

use super::MeasureEdit;
use crate::app::background::{Task, WorkError};
use crate::app::cx::Cx;
use crate::imaging::card::CardFit;
use crate::imaging::colour::Mat3;
use crate::imaging::derive::PREVIEW_EDGE;
use crate::jobs::measure::{MeasureError, fit_card_on};
use crate::library::Library;
use crate::model::PhotoId;
use crate::model::card::{CardCorrection, CardKind, Corners};
use std::sync::Arc;

/// What the card tab can be asked to do.
#[derive(Clone, Debug, PartialEq)]
pub enum CardCommand {
    Kind(CardKind),
    /// The next corner, in the photo's normalised coordinates.
    Corner([f64; 2]),
    UndoCorner,
    Clear,
    /// Store the fitted correction with the photo.
    Save,
    /// Remove the photo's stored correction.
    Remove,
    ShowCorrected(bool),
}

type FitResult = (CardFit, CardCorrection);

/// A fit being computed, or its result.
#[derive(Debug)]
pub enum Fit {
    Running(Task<Result<FitResult, MeasureError>>),
    Done(Box<Result<FitResult, WorkError>>),
}

/// The photo as the correction shows it (at preview resolution).
pub struct CorrectedImage {
    pub photo: PhotoId,
    pub matrix: Mat3,
    pub texture: egui::TextureHandle,
}

impl std::fmt::Debug for CorrectedImage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CorrectedImage")
            .field("photo", &self.photo)
            .finish_non_exhaustive()
    }
}

type CorrectTask = Task<Result<egui::ColorImage, WorkError>>;

#[derive(Debug)]
pub struct CardWork {
    /// The photo all this is about (the viewer's, while the card tab is open).
    pub photo: Option<PhotoId>,
    /// Its stored correction.
    pub stored: Option<CardCorrection>,
    stored_read: bool,
    pub kind: CardKind,
    /// Corners marked so far: top left, top right, bottom right, bottom left.
    pub corners: Vec<[f64; 2]>,
    pub fit: Option<Fit>,
    pub show_corrected: bool,
    pub corrected: Option<CorrectedImage>,
    corrected_task: Option<((PhotoId, Mat3), CorrectTask)>,
}

impl Default for CardWork {
    fn default() -> Self {
        Self {
            photo: None,
            stored: None,
            stored_read: false,
            kind: CardKind::ColorChecker24,
            corners: Vec::new(),
            fit: None,
            show_corrected: false,
            corrected: None,
            corrected_task: None,
        }
    }
}

impl CardWork {
    /// The fit just computed, when it succeeded.
    pub fn fitted(&self) -> Option<&FitResult> {
        match &self.fit {
            Some(Fit::Done(done)) => done.as_ref().as_ref().ok(),
            _ => None,
        }
    }

    /// The correction the photo is shown with: the fresh fit, else the stored one.
    pub fn shown_matrix(&self) -> Option<Mat3> {
        self.fitted()
            .map(|(_, c)| c.matrix)
            .or_else(|| self.stored.as_ref().map(|c| c.matrix))
    }

    /// The corrected texture of `photo`, when it is to be shown and ready.
    pub fn corrected_texture(&self, photo: PhotoId) -> Option<&egui::TextureHandle> {
        let wanted = self.shown_matrix()?;
        self.corrected
            .as_ref()
            .filter(|c| self.show_corrected && c.photo == photo && c.matrix == wanted)
            .map(|c| &c.texture)
    }

    pub(super) fn forget_stored(&mut self) {
        self.stored_read = false;
    }

    pub(super) fn run(&mut self, command: CardCommand, photo: Option<PhotoId>, cx: &mut Cx) {
        match command {
            CardCommand::Kind(kind) => {
                self.kind = kind;
                self.fit = None;
            }
            CardCommand::Corner(p) => {
                if self.corners.len() < 4 {
                    self.corners.push(p);
                    self.fit = None;
                }
            }
            CardCommand::UndoCorner => {
                self.corners.pop();
                self.fit = None;
            }
            CardCommand::Clear => {
                self.corners.clear();
                self.fit = None;
            }
            CardCommand::ShowCorrected(on) => self.show_corrected = on,
            CardCommand::Save => {
                let (Some(photo), Some((fit, correction))) = (photo, self.fitted()) else {
                    cx.notices
                        .error("Reference card: mark the card's four corners first.");
                    return;
                };
                let words = format!(
                    "Reference card correction saved: residual ΔE2000 mean {:.2}, max {:.2}.",
                    fit.mean_residual(),
                    fit.max_residual()
                );
                let edit = MeasureEdit::Card(photo, Some(Box::new(correction.clone())));
                if cx.edit(edit.into()).is_some() {
                    self.corners.clear();
                    self.fit = None;
                    cx.notices.info(words);
                }
            }
            CardCommand::Remove => {
                if let Some(photo) = photo
                    && cx.edit(MeasureEdit::Card(photo, None).into()).is_some()
                {
                    cx.notices
                        .info("Reference card correction removed from this photo.");
                }
            }
        }
    }

    /// Follows the viewer's photo, reads its stored correction, starts the fit once four
    /// corners are marked and the corrected image when it is to be shown; takes in both.
    pub(super) fn poll(&mut self, photo: Option<PhotoId>, library: &Arc<Library>, cx: &mut Cx) {
        if photo != self.photo {
            *self = Self {
                photo,
                kind: self.kind,
                show_corrected: self.show_corrected,
                ..Self::default()
            };
        }
        let Some(photo) = photo else {
            return;
        };
        if !self.stored_read {
            self.stored_read = true;
            self.stored = cx
                .catalogue("Reference card", |cat| cat.card_correction(photo))
                .flatten();
        }
        self.poll_fit(photo, library, cx.ctx());
        self.poll_corrected(photo, library, cx);
    }

    fn poll_fit(&mut self, photo: PhotoId, library: &Arc<Library>, ctx: &egui::Context) {
        if let Some(Fit::Running(task)) = &self.fit
            && let Some(result) = task.poll_result()
        {
            self.fit = Some(Fit::Done(Box::new(result)));
        }
        if self.fit.is_none()
            && let Ok(corners) = <[[f64; 2]; 4]>::try_from(self.corners.as_slice())
        {
            let (library, kind) = (Arc::clone(library), self.kind);
            self.fit = Some(Fit::Running(Task::spawn("card-fit", ctx, move |_, _| {
                fit_card_on(&library, photo, kind, Corners(corners))
            })));
        }
    }

    fn poll_corrected(&mut self, photo: PhotoId, library: &Arc<Library>, cx: &mut Cx) {
        if let Some((key, task)) = &self.corrected_task
            && let Some(result) = task.poll_result()
        {
            let (for_photo, matrix) = *key;
            self.corrected_task = None;
            match result {
                Ok(image) => {
                    let texture = cx.ctx().load_texture(
                        "card-corrected",
                        image,
                        egui::TextureOptions::LINEAR,
                    );
                    self.corrected = Some(CorrectedImage {
                        photo: for_photo,
                        matrix,
                        texture,
                    });
                }
                Err(e) => {
                    self.show_corrected = false;
                    cx.notices
                        .error(format!("Could not show the corrected photo: {e}"));
                }
            }
        }
        let Some(matrix) = self.shown_matrix().filter(|_| self.show_corrected) else {
            return;
        };
        let have = self
            .corrected
            .as_ref()
            .is_some_and(|c| c.photo == photo && c.matrix == matrix);
        if have || self.corrected_task.is_some() {
            return;
        }
        let library = Arc::clone(library);
        let Some(shown) = cx
            .catalogue("Reference card", |cat| cat.compared_photo(photo))
            .map(|p| p.photo)
        else {
            return;
        };
        let task = Task::spawn("card-corrected", cx.ctx(), move |_, _| {
            let pixels = crate::jobs::export::load_pixels(&library, &shown, PREVIEW_EDGE)?;
            let corrected = crate::imaging::card::apply(&pixels, &matrix);
            Ok(egui::ColorImage::from_rgb(
                [corrected.width() as usize, corrected.height() as usize],
                corrected.as_raw(),
            ))
        });
        self.corrected_task = Some(((photo, matrix), task));
    }

    pub fn is_busy(&self) -> bool {
        matches!(self.fit, Some(Fit::Running(_))) || self.corrected_task.is_some()
    }
}
