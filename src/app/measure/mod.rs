//! Measuring skin colour in regions of photos, and correcting colour with a reference card:
//! the measuring panel's state (in the viewer and in the comparison's Measure mode), its
//! commands and its background work. Nothing is measured on the UI thread: each reading,
//! each card fit and each series run is a [`Task`]; every stored change is a
//! [`MeasureEdit`] with its undo.
//!
//! - A region is drawn on the *frame* photo (the viewer's photo, or A in a comparison) and
//!   read in every photo on screen: the frame photo directly, others through their stored
//!   alignment onto it ([`readings`]).
//! - A saved region can be measured across its series with progress and Cancel
//!   ([`series`]); the results are stored as one undoable step.
//! - The reference card of the viewer's photo: four corners, the fit with each patch's
//!   residual, stored or removed, and the corrected photo on screen ([`card`]).
//! - The series page charts the stored measurements ([`SeriesMeasurements`]).

pub mod card;
pub mod edit;
pub mod readings;
pub mod series;

pub use card::{CardCommand, CardWork};
pub use edit::MeasureEdit;
pub use readings::{Frame, Reading, Regions};
pub use series::SeriesJob;

use super::compare::CompareMode;
use super::cx::Cx;
use super::edit::Made;
use super::nav::{Navigation, Screen};
use crate::model::measure::{MeasurementRow, Region, Shape, Surround};
use crate::model::{PhotoId, RegionId, SeriesId};

/// The measuring panel's tabs (the card is the viewer's only).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tab {
    Measure,
    Card,
}

/// The outline the next region is drawn with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tool {
    Rect,
    Ellipse,
    Polygon,
}

impl Tool {
    pub const ALL: [Self; 3] = [Self::Rect, Self::Ellipse, Self::Polygon];

    pub fn label(self) -> &'static str {
        match self {
            Self::Rect => "Rectangle",
            Self::Ellipse => "Ellipse",
            Self::Polygon => "Free outline",
        }
    }

    pub fn hint(self) -> &'static str {
        match self {
            Self::Rect | Self::Ellipse => "Drag on the photo to draw it.",
            Self::Polygon => {
                "Click the outline's points on the photo; double-click or Enter closes it, Backspace takes back a point."
            }
        }
    }
}

/// What the lesion is compared with.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum SurroundChoice {
    /// The region alone.
    None,
    /// A ring around it: the outline grown by this factor about its centre.
    Ring(f64),
    /// An outline drawn after the lesion's.
    Drawn,
}

impl SurroundChoice {
    pub const DEFAULT_RING: f64 = 2.0;

    /// The surround for a lesion drawn as `shape`, or `None` while it still has to be drawn.
    pub fn surround(self, drawn: Option<Shape>) -> Option<Option<Surround>> {
        match (self, drawn) {
            (Self::None, _) => Some(None),
            (Self::Ring(scale), _) => Some(Some(Surround::Ring { scale })),
            (Self::Drawn, Some(shape)) => Some(Some(Surround::Shape(shape))),
            (Self::Drawn, None) => None,
        }
    }
}

/// How the next region is drawn; kept from one photo to the next.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MeasureSettings {
    pub tool: Tool,
    pub surround: SurroundChoice,
}

impl Default for MeasureSettings {
    fn default() -> Self {
        Self {
            tool: Tool::Rect,
            surround: SurroundChoice::None,
        }
    }
}

/// What the panel measures.
#[derive(Clone, Debug, PartialEq)]
pub enum Subject {
    /// A region drawn on `on` and not saved yet.
    Draft {
        on: PhotoId,
        region: Region,
    },
    Saved(RegionId),
}

/// The stored measurements of the series whose page is open, for its charts.
#[derive(Clone, Debug, PartialEq)]
pub struct SeriesMeasurements {
    pub series: SeriesId,
    pub rows: Vec<MeasurementRow>,
    generation: u64,
}

/// Everything the measuring panel can be asked to do.
#[derive(Clone, Debug, PartialEq)]
pub enum MeasureCommand {
    /// Open the panel on a tab, or close it (`None`).
    Open(Option<Tab>),
    Tool(Tool),
    Surround(SurroundChoice),
    /// A region drawn on a photo: measure it in the photos on screen.
    Draw {
        on: PhotoId,
        region: Region,
    },
    /// Show a saved region (or nothing).
    Select(Option<RegionId>),
    /// Save the drawn region under a name, with what it measured.
    Save(String),
    /// Store the shown saved region's readings of the photos on screen.
    Store,
    Delete(RegionId),
    /// Measure a saved region in every photo of its series' timeline, then store them.
    MeasureSeries(RegionId),
    CancelSeries,
    DismissSeries,
    Card(CardCommand),
}

/// The measuring feature's state.
#[derive(Debug, Default)]
pub struct MeasureFeature {
    /// The viewer's measuring panel, when open. The comparison's Measure mode always
    /// measures.
    pub tab: Option<Tab>,
    pub settings: MeasureSettings,
    pub subject: Option<Subject>,
    /// The subject read in each photo on screen.
    pub readings: readings::Readings,
    /// The saved regions of the frame photo's series.
    pub regions: Regions,
    pub series_job: Option<SeriesJob>,
    pub card: CardWork,
    pub charts: Option<SeriesMeasurements>,
    /// Bumped whenever the catalogue may have changed what is shown (an edit, an undo).
    generation: u64,
}

impl MeasureFeature {
    /// Where measuring happens now: the viewer in front with its panel open, or the
    /// comparison in its Measure mode.
    pub fn frame(&self, nav: &Navigation, mode: CompareMode) -> Option<Frame> {
        match nav.screen() {
            Screen::Viewer(v) if self.tab.is_some() => Some(Frame {
                drawn_on: v.photo,
                photos: vec![v.photo],
            }),
            Screen::Compare(c) if mode == CompareMode::Measure => Some(Frame {
                drawn_on: c.pair.a.id(),
                photos: vec![c.pair.a.id(), c.pair.b.id()],
            }),
            _ => None,
        }
    }

    /// The tab that takes clicks on the photo now.
    pub fn active_tab(&self, nav: &Navigation, mode: CompareMode) -> Option<Tab> {
        match nav.screen() {
            Screen::Viewer(_) => self.tab,
            Screen::Compare(_) if mode == CompareMode::Measure => Some(Tab::Measure),
            _ => None,
        }
    }

    pub(in crate::app) fn run(&mut self, command: MeasureCommand, mode: CompareMode, cx: &mut Cx) {
        let frame = self.frame(cx.nav, mode);
        match command {
            MeasureCommand::Open(tab) => self.tab = tab,
            MeasureCommand::Tool(tool) => self.settings.tool = tool,
            MeasureCommand::Surround(s) => self.settings.surround = s,
            MeasureCommand::Draw { on, region } => match region.check() {
                Ok(()) => self.subject = Some(Subject::Draft { on, region }),
                Err(e) => cx.notices.error(format!("Measure: {e}")),
            },
            MeasureCommand::Select(id) => self.subject = id.map(Subject::Saved),
            MeasureCommand::Save(name) => self.save(&name, cx),
            MeasureCommand::Store => self.store(cx),
            MeasureCommand::Delete(id) => {
                if cx.edit(MeasureEdit::DeleteRegion(id).into()).is_some()
                    && self.subject == Some(Subject::Saved(id))
                {
                    self.subject = None;
                }
            }
            MeasureCommand::MeasureSeries(id) => self.start_series(id, cx),
            MeasureCommand::CancelSeries => {
                if let Some(job) = &self.series_job {
                    job.task.cancel();
                }
            }
            MeasureCommand::DismissSeries => {
                if self
                    .series_job
                    .as_ref()
                    .is_some_and(|j| j.outcome.is_some())
                {
                    self.series_job = None;
                }
            }
            MeasureCommand::Card(c) => {
                let photo = frame.map(|f| f.drawn_on);
                self.card.run(c, photo, cx);
            }
        }
    }

    /// Saves the drawn region with the readings that succeeded.
    fn save(&mut self, name: &str, cx: &mut Cx) {
        let Some(Subject::Draft { on, region }) = self.subject.clone() else {
            cx.notices
                .error("Save region: draw a region on the photo first.");
            return;
        };
        let name = name.trim();
        if name.is_empty() {
            cx.notices
                .error("Save region: give the region a name (e.g. \"left cheek spot\").");
            return;
        }
        let measurements = self.readings.measured();
        let edit = MeasureEdit::AddRegion {
            photo: on,
            name: name.to_owned(),
            region,
            measurements,
        };
        if let Some(Made::Region(id)) = cx.edit(edit.into()) {
            let subject = Subject::Saved(id);
            // What was read is what the saved region reads: not read again after the
            // reload the edit causes.
            self.readings.relabel(&subject, self.generation + 1);
            self.subject = Some(subject);
            cx.notices.info(format!("Saved region \"{name}\"."));
        }
    }

    /// Stores the shown saved region's readings (one undoable step).
    fn store(&mut self, cx: &mut Cx) {
        let Some(Subject::Saved(id)) = self.subject else {
            return;
        };
        let Some(name) = self.regions.get(id).map(|r| r.name.clone()) else {
            return;
        };
        let changes: Vec<_> = self
            .readings
            .measured()
            .into_iter()
            .map(|(p, m)| (p, Some(m)))
            .collect();
        if changes.is_empty() {
            cx.notices
                .error("Store: nothing was measured in the photos on screen.");
            return;
        }
        cx.edit(
            MeasureEdit::Measurements {
                region: id,
                name,
                changes,
            }
            .into(),
        );
    }

    /// The catalogue changed (an edit, an undo): what is shown is read again.
    pub(in crate::app) fn reload(&mut self, cx: &mut Cx) {
        self.generation += 1;
        if let Some(Subject::Saved(id)) = self.subject
            && cx.catalogue("Measure", |cat| match cat.region(id) {
                Ok(_) => Ok(true),
                Err(crate::catalogue::CatalogueError::NotFound { .. }) => Ok(false),
                Err(e) => Err(e),
            }) == Some(false)
        {
            // Deleted (or its saving undone).
            self.subject = None;
        }
        self.card.forget_stored();
        refresh_card_findings(cx);
    }

    /// Takes in finished work and starts what the screen now needs. Every frame.
    pub(in crate::app) fn poll(&mut self, mode: CompareMode, cx: &mut Cx) {
        self.poll_series(cx);
        let frame = self.frame(cx.nav, mode);
        let Some(library) = cx.library.library().cloned() else {
            return;
        };
        if let Some(frame) = &frame {
            self.regions
                .follow(frame, self.subject.as_ref(), self.generation, cx);
            self.readings.follow(
                frame,
                self.subject.as_ref(),
                self.generation,
                &library,
                cx.ctx(),
            );
        }
        let card_photo = match (cx.nav.screen(), self.tab) {
            (Screen::Viewer(v), Some(Tab::Card)) => Some(v.photo),
            _ => None,
        };
        self.card.poll(card_photo, &library, cx);
        self.follow_charts(cx);
    }

    /// Reads the open series page's measurements when the page or the catalogue changed.
    fn follow_charts(&mut self, cx: &mut Cx) {
        let Some(series) = cx.nav.record().map(|r| r.series.id) else {
            self.charts = None;
            return;
        };
        let current = self
            .charts
            .as_ref()
            .is_some_and(|c| c.series == series && c.generation == self.generation);
        if current {
            return;
        }
        let generation = self.generation;
        let rows = cx.catalogue("Measurements", |cat| cat.measurements_of_series(series));
        self.charts = Some(SeriesMeasurements {
            series,
            rows: rows.unwrap_or_default(),
            generation,
        });
    }

    pub fn is_busy(&self) -> bool {
        self.readings.is_running()
            || self.series_job.as_ref().is_some_and(SeriesJob::is_running)
            || self.card.is_busy()
    }
}

/// A card correction changes what the pair check says of an open comparison.
fn refresh_card_findings(cx: &mut Cx) {
    let Some(c) = cx.nav.comparison() else {
        return;
    };
    let (a, b) = (c.pair.a.id(), c.pair.b.id());
    let read = cx.catalogue("Reference card", |cat| {
        Ok((
            cat.card_correction(a)?.is_some(),
            cat.card_correction(b)?.is_some(),
        ))
    });
    if let (Some((a, b)), Some(c)) = (read, cx.nav.comparison_mut()) {
        c.pair.a.card_corrected = a;
        c.pair.b.card_corrected = b;
        c.refresh_findings();
    }
}
