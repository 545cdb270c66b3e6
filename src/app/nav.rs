//! What is on screen, as one value: the screen in front (browse, viewer, comparison, series
//! record) above the screens it was opened from, and at most one window over it. Drawing,
//! keyboard shortcuts and Back all read this, so they cannot disagree about what is in front.

use super::command::Action;
use super::compare::Comparison;
use super::inspector::TakenAtQuestion;
use super::record::{PersonRecord, SeriesRecord};
use crate::model::PhotoId;
use std::collections::VecDeque;
use std::path::PathBuf;

/// Requests for panels to react to, numbered: a handler pushes one (scroll to this photo, zoom
/// in, open the name field) and the panel acts on those it has not seen yet. Handlers never
/// reach into panels; panels react to state.
#[derive(Clone, Debug)]
pub struct Requests<T> {
    recent: VecDeque<(u64, T)>,
    next: u64,
}

impl<T> Default for Requests<T> {
    fn default() -> Self {
        Self {
            recent: VecDeque::new(),
            next: 1,
        }
    }
}

impl<T> Requests<T> {
    /// More than this many requests between two frames are not kept (key repeat at worst).
    const KEPT: usize = 32;

    pub fn push(&mut self, request: T) {
        self.recent.push_back((self.next, request));
        self.next += 1;
        while self.recent.len() > Self::KEPT {
            self.recent.pop_front();
        }
    }

    /// The requests after the one numbered `seen`, oldest first; `seen` moves past them.
    pub fn since(&self, seen: &mut u64) -> impl Iterator<Item = &T> {
        let after = *seen;
        *seen = self.next - 1;
        self.recent
            .iter()
            .filter(move |(n, _)| *n > after)
            .map(|(_, r)| r)
    }

    /// The newest request after `seen`, if any (for requests where only the last counts).
    pub fn latest(&self, seen: &mut u64) -> Option<&T> {
        self.since(seen).last()
    }
}

/// A zoom key or button, for the zoomable screen in front.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ZoomStep {
    In,
    Out,
    Fit,
    ActualPixels,
}

impl ZoomStep {
    pub fn of(action: Action) -> Option<Self> {
        match action {
            Action::ZoomIn => Some(Self::In),
            Action::ZoomOut => Some(Self::Out),
            Action::ZoomFit => Some(Self::Fit),
            Action::ZoomActual => Some(Self::ActualPixels),
            _ => None,
        }
    }
}

/// One photo large.
#[derive(Clone, Debug)]
pub struct ViewerScreen {
    pub photo: PhotoId,
    /// Changes whenever a photo is (re)opened: the viewer starts fitted again.
    pub opened: u64,
    pub zoom: Requests<ZoomStep>,
}

/// A full-window view. Browse (the grid) is always at the bottom.
#[derive(Debug)]
pub enum Screen {
    /// People, the grid and the inspector (or the welcome page of an empty library).
    Browse,
    Viewer(ViewerScreen),
    Compare(Box<Comparison>),
    /// A series' page: plan, sessions, grades, side effects.
    Record(Box<SeriesRecord>),
}

/// Which screen, without its contents.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScreenKind {
    Browse,
    Record,
    Compare,
    Viewer,
}

impl Screen {
    pub fn kind(&self) -> ScreenKind {
        match self {
            Self::Browse => ScreenKind::Browse,
            Self::Viewer(_) => ScreenKind::Viewer,
            Self::Compare(_) => ScreenKind::Compare,
            Self::Record(_) => ScreenKind::Record,
        }
    }
}

impl ScreenKind {
    /// Screens open above lower ranks: a photo opens in the viewer over a comparison or a
    /// series page and Back returns to it; opening a screen closes those of its rank and above.
    fn rank(self) -> u8 {
        match self {
            Self::Browse => 0,
            Self::Record => 1,
            Self::Compare => 2,
            Self::Viewer => 3,
        }
    }
}

/// A window over the screen; while one is open the screen's own shortcuts rest and Back
/// closes the window first.
#[derive(Debug, PartialEq)]
pub enum Modal {
    Help,
    ConfirmEmptyTrash,
    /// Files and folders chosen for import, waiting for the import form to be confirmed.
    Import(Vec<PathBuf>),
    /// The comparison's export form.
    Export,
    /// A person's record: skin type, contraindications, consent.
    Person(Box<PersonRecord>),
    /// The PDF report's form for a series.
    Report(crate::model::SeriesId),
    /// The time-lapse's form for a series' view.
    Timelapse(crate::model::SeriesId, Option<crate::model::View>),
    /// A time typed for photos taken at different times: set them all, or shift them all?
    TakenAt(Box<TakenAtQuestion>),
    /// Quitting would delete the changed demo library: keep it, quit anyway, or stay?
    QuitDemo,
    About,
    /// The form that changes an encrypted library's passphrase.
    ChangePassphrase,
    /// The restore form: which backup, into which new folder.
    Restore(super::backup::RestoreForm),
    /// A clinic's users (admins).
    Users,
    /// A clinic's audit trail (admins).
    Audit,
    /// A clinic's settings: the idle time (admins).
    ClinicSettings,
}

/// The screens open, front last, and the window over them.
#[derive(Debug)]
pub struct Navigation {
    /// Never empty; `Screen::Browse` first.
    stack: Vec<Screen>,
    modal: Option<Modal>,
    serial: u64,
}

impl Default for Navigation {
    fn default() -> Self {
        Self {
            stack: vec![Screen::Browse],
            modal: None,
            serial: 0,
        }
    }
}

impl Navigation {
    /// The screen in front.
    pub fn screen(&self) -> &Screen {
        self.stack.last().expect("browse is always open")
    }

    pub fn screen_mut(&mut self) -> &mut Screen {
        self.stack.last_mut().expect("browse is always open")
    }

    pub fn front(&self) -> ScreenKind {
        self.screen().kind()
    }

    pub fn modal(&self) -> Option<&Modal> {
        self.modal.as_ref()
    }

    pub fn modal_mut(&mut self) -> Option<&mut Modal> {
        self.modal.as_mut()
    }

    /// A fresh number, for values that panels reset on when it changes.
    pub fn next_serial(&mut self) -> u64 {
        self.serial += 1;
        self.serial
    }

    /// Shows `screen` in front, closing any screen of its rank or above.
    pub fn open(&mut self, screen: Screen) {
        let rank = screen.kind().rank();
        self.close_from(rank);
        if !matches!(screen, Screen::Browse) {
            self.stack.push(screen);
        }
    }

    /// Opens the viewer on `photo`, started fitted.
    pub fn open_viewer(&mut self, photo: PhotoId) {
        let opened = self.next_serial();
        self.open(Screen::Viewer(ViewerScreen {
            photo,
            opened,
            zoom: Requests::default(),
        }));
    }

    /// Closes the screen of this kind (and any in front of it).
    pub fn close(&mut self, kind: ScreenKind) {
        if let Some(i) = self.stack.iter().position(|s| s.kind() == kind)
            && i > 0
        {
            self.stack.truncate(i);
        }
    }

    fn close_from(&mut self, rank: u8) {
        let keep = self
            .stack
            .iter()
            .position(|s| s.kind().rank() >= rank)
            .unwrap_or(self.stack.len())
            .max(1);
        self.stack.truncate(keep);
    }

    /// Back to the grid, every window closed (another library was opened).
    pub fn reset(&mut self) {
        self.stack.truncate(1);
        self.modal = None;
    }

    pub fn show(&mut self, modal: Modal) {
        self.modal = Some(modal);
    }

    /// Closes the window over the screen, if it is `kind`'s.
    pub fn dismiss(&mut self, is_it: impl FnOnce(&Modal) -> bool) {
        if self.modal.as_ref().is_some_and(is_it) {
            self.modal = None;
        }
    }

    /// Back: the window over the screen, else the screen in front.
    pub fn back(&mut self) {
        if self.modal.take().is_none() && self.stack.len() > 1 {
            self.stack.pop();
        }
    }

    /// The photo in the viewer, when the viewer is open (in front or not).
    pub fn viewer(&self) -> Option<PhotoId> {
        self.stack.iter().find_map(|s| match s {
            Screen::Viewer(v) => Some(v.photo),
            _ => None,
        })
    }

    /// The comparison, when one is open (in front or behind the viewer).
    pub fn comparison(&self) -> Option<&Comparison> {
        self.stack.iter().find_map(|s| match s {
            Screen::Compare(c) => Some(&**c),
            _ => None,
        })
    }

    pub fn comparison_mut(&mut self) -> Option<&mut Comparison> {
        self.stack.iter_mut().find_map(|s| match s {
            Screen::Compare(c) => Some(&mut **c),
            _ => None,
        })
    }

    /// The series page, when open.
    pub fn record(&self) -> Option<&SeriesRecord> {
        self.stack.iter().find_map(|s| match s {
            Screen::Record(r) => Some(&**r),
            _ => None,
        })
    }

    pub fn record_mut(&mut self) -> Option<&mut SeriesRecord> {
        self.stack.iter_mut().find_map(|s| match s {
            Screen::Record(r) => Some(&mut **r),
            _ => None,
        })
    }

    /// The person record window, when open.
    pub fn person_record(&self) -> Option<&PersonRecord> {
        match &self.modal {
            Some(Modal::Person(r)) => Some(r),
            _ => None,
        }
    }

    /// Whether `action`'s keyboard shortcut means anything now: the screen in front decides,
    /// and while a window is open only Back and the app-wide actions do.
    pub fn allows(&self, action: Action) -> bool {
        use Action as A;
        use ScreenKind as S;
        let front = self.front();
        let free = self.modal.is_none();
        match action {
            A::Back => !free || front != S::Browse,
            A::ToggleHelp
            | A::ImportFiles
            | A::ImportFolder
            | A::OpenLibrary
            | A::OpenDemo
            | A::KeepDemo
            | A::Quit
            | A::About
            | A::AddPerson
            | A::Undo
            | A::Redo
            | A::ShowTrash
            | A::EmptyTrash
            | A::ToggleSort
            | A::ScanFaces => true,
            A::ToggleFaceRegions => free && matches!(front, S::Viewer | S::Compare),
            A::SelectAll
            | A::OpenViewer
            | A::PhotoAbove
            | A::PhotoBelow
            | A::FirstPhoto
            | A::LastPhoto => free && front == S::Browse,
            A::MoveToTrash | A::Compare => free && matches!(front, S::Browse | S::Viewer),
            A::NextPhoto | A::PreviousPhoto => {
                free && matches!(front, S::Browse | S::Viewer | S::Compare)
            }
            A::ZoomIn | A::ZoomOut | A::ZoomFit | A::ZoomActual => {
                free && matches!(front, S::Viewer | S::Compare)
            }
            A::SwapSides
            | A::ModeSideBySide
            | A::ModeSlider
            | A::ModeOverlay
            | A::ModeDifference
            | A::ModeFlicker
            | A::ModeSheet
            | A::ModeAlign
            | A::ModeMeasure
            | A::FlipDivider
            | A::DividerBack
            | A::DividerForward
            | A::ToggleLink
            | A::ExportComparison => free && front == S::Compare,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_viewer_opens_over_other_screens_and_back_returns_to_them() {
        let mut nav = Navigation::default();
        assert_eq!(nav.front(), ScreenKind::Browse);
        nav.open_viewer(PhotoId(1));
        nav.open_viewer(PhotoId(2));
        assert_eq!(nav.viewer(), Some(PhotoId(2)));
        nav.back();
        assert_eq!(nav.front(), ScreenKind::Browse, "one viewer, not two");
        nav.show(Modal::Help);
        assert!(nav.allows(Action::Back));
        assert!(!nav.allows(Action::SelectAll), "the window is in front");
        nav.back();
        assert_eq!(nav.modal(), None);
        assert!(!nav.allows(Action::Back), "nothing to go back from");
        assert!(!nav.allows(Action::ZoomIn));
        nav.open_viewer(PhotoId(3));
        assert!(nav.allows(Action::ZoomIn) && !nav.allows(Action::ModeSlider));
        nav.close(ScreenKind::Viewer);
        assert_eq!(nav.front(), ScreenKind::Browse);
    }

    #[test]
    fn requests_are_seen_once_each() {
        let mut r = Requests::default();
        let mut seen = 0;
        r.push(ZoomStep::In);
        r.push(ZoomStep::Out);
        assert_eq!(
            r.since(&mut seen).copied().collect::<Vec<_>>(),
            [ZoomStep::In, ZoomStep::Out]
        );
        assert_eq!(r.since(&mut seen).count(), 0);
        r.push(ZoomStep::Fit);
        assert_eq!(r.latest(&mut seen), Some(&ZoomStep::Fit));
        assert_eq!(r.latest(&mut seen), None);
    }
}
