//! The comparison's background work: the difference image (computed when the difference mode
//! wants one the comparison does not have) and exports (progress, cancel, outcome).

use super::{CompareCommand, CompareFeature, CompareMode, Comparison};
use crate::app::background::{Task, WorkError, take_outcome};
use crate::app::cx::Cx;
use crate::app::notices::Notices;
use crate::imaging::compose::{ExportFormat, difference, heat_map, warp_into};
use crate::jobs::export::{ExportError, ExportRequest, ExportSummary, run_export};
use crate::library::Library;
use crate::model::{PhotoId, Similarity};
use std::sync::Arc;

/// Everything about one difference image: when any of it changes, it is computed again.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DifferenceKey {
    pub a: PhotoId,
    pub b: PhotoId,
    pub transform: Similarity,
    pub gain: f32,
    pub heat: bool,
}

/// The amplified difference of the two previews, in A's frame.
pub struct DifferenceImage {
    pub key: DifferenceKey,
    pub texture: egui::TextureHandle,
}

impl std::fmt::Debug for DifferenceImage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DifferenceImage")
            .field("key", &self.key)
            .finish_non_exhaustive()
    }
}

/// An export running in the background, or its outcome.
#[derive(Debug)]
pub struct ExportJob {
    pub request: ExportRequest,
    pub task: Task<Result<ExportSummary, ExportError>>,
    pub outcome: Option<Result<ExportSummary, WorkError>>,
}

impl CompareFeature {
    /// The export commands.
    pub(super) fn run_export(&mut self, command: CompareCommand, cx: &mut Cx) {
        match command {
            CompareCommand::ChooseExportFile {
                kind,
                width,
                format,
                purpose,
                deidentify,
            } => {
                let style = deidentify.resolve(cx.library.mode, purpose);
                let name = cx.nav.comparison().map_or_else(
                    || format!("comparison.{}", format.extension()),
                    |c| c.export_file_name(format, style),
                );
                if let Some(mut out) = crate::app::dialogs::save_image(&cx.env.main_thread, &name) {
                    if ExportFormat::from_path(&out).is_none() {
                        out.set_extension(format.extension());
                    }
                    self.start_export(
                        ExportRequest {
                            kind,
                            width,
                            out,
                            purpose,
                            deidentify,
                        },
                        cx,
                    );
                }
            }
            CompareCommand::Export(request) => self.start_export(request, cx),
            CompareCommand::CancelExport => {
                if let Some(job) = &self.export {
                    job.task.cancel();
                }
            }
            CompareCommand::DismissExport => {
                if self.export.as_ref().is_some_and(|j| j.outcome.is_some()) {
                    self.export = None;
                }
            }
            _ => unreachable!("not an export command: {command:?}"),
        }
    }

    fn start_export(&mut self, request: ExportRequest, cx: &mut Cx) {
        if self.export.as_ref().is_some_and(|j| j.outcome.is_none()) {
            cx.notices
                .error("An export is already running; wait for it or cancel it.");
            return;
        }
        let Some(library) = cx.library.library().cloned() else {
            return;
        };
        cx.nav.dismiss(|m| *m == crate::app::nav::Modal::Export);
        let job_request = request.clone();
        let task = Task::spawn("export", cx.ctx(), move |progress, cancel| {
            run_export(&library, &job_request, cancel, &mut |fraction, step| {
                progress.set(fraction, step);
            })
        });
        self.export = Some(ExportJob {
            request,
            task,
            outcome: None,
        });
    }

    /// Takes in a finished export.
    pub(in crate::app) fn poll_export(&mut self, notices: &mut Notices) {
        let Some(job) = &mut self.export else {
            return;
        };
        match take_outcome(&job.task, &mut job.outcome) {
            Some(Ok(s)) => notices.info(format!("Exported {}.", s.path.display())),
            Some(Err(e)) => notices.error(format!("Export failed: {e}")),
            None => {}
        }
    }
}

/// Takes in a finished difference image, and starts the one the settings want when the
/// comparison does not have it.
pub(in crate::app) fn poll_difference(
    c: &mut Comparison,
    mode: CompareMode,
    wanted: DifferenceKey,
    library: &Arc<Library>,
    ctx: &egui::Context,
    notices: &mut Notices,
) {
    if let Some((key, task)) = &c.difference_task
        && let Some(result) = task.poll_result()
    {
        let key = *key;
        c.difference_task = None;
        match result {
            Ok(image) => {
                let texture = ctx.load_texture("difference", image, egui::TextureOptions::LINEAR);
                c.difference = Some(DifferenceImage { key, texture });
            }
            Err(e) => {
                notices.error(format!("Could not compute the difference: {e}"));
                return;
            }
        }
    }
    let current = c.difference.as_ref().map(|d| d.key);
    if mode == CompareMode::Difference && current != Some(wanted) && c.difference_task.is_none() {
        let (a, b) = (c.pair.a.photo.clone(), c.pair.b.photo.clone());
        let library = Arc::clone(library);
        let task = Task::spawn("difference", ctx, move |_, _| {
            difference_image(&library, &a, &b, &wanted)
        });
        c.difference_task = Some((wanted, task));
    }
}

/// The amplified difference of two photos' previews in A's frame (B through the transform;
/// where B has no pixels, no difference).
fn difference_image(
    library: &Library,
    a: &crate::model::Photo,
    b: &crate::model::Photo,
    key: &DifferenceKey,
) -> Result<egui::ColorImage, WorkError> {
    let (a, b) = super::align::previews(library, a, b)?;
    let b = warp_into(&b, &key.transform, a.width(), a.height(), Some(&a));
    let image = if key.heat {
        heat_map(&a, &b, key.gain)
    } else {
        difference(&a, &b, key.gain)
    };
    Ok(egui::ColorImage::from_rgb(
        [image.width() as usize, image.height() as usize],
        image.as_raw(),
    ))
}
