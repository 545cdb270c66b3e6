//! Every change the app makes to the catalogue, as one value: [`Edit`]. Handlers build an
//! edit and hand it to [`super::Cx::edit`], the one place edits are applied, reported,
//! followed by the reloads they make necessary, and kept for undo in [`History`].
//!
//! Undo: every edit returns its inverse from [`Edit::apply`], read in the same transaction
//! as the change (the values it overwrote, the rows it removed). Undoing applies the inverse
//! and keeps *its* inverse for redo, so undo and redo walk back and forth through the same
//! states. Everything one user action changed (a command and its follow-ups) is one step.
//!
//! The edits come in groups, each in its own module: [`PhotoEdit`] (photo fields, tags,
//! trash), [`PeopleEdit`] (people, series, terms, mode), [`RecordEdit`] (plans, protocols,
//! sessions, grades, side effects), [`PatientEdit`] (skin type, contraindications,
//! consent), [`AlignEdit`] (alignments), and the measuring feature's `MeasureEdit`
//! (regions, measurements, card corrections).

mod align;
mod history;
mod people;
mod photos;
mod record;

pub use align::{AlignEdit, AlignTo};
pub use history::{History, Step};
pub use people::PeopleEdit;
pub use photos::PhotoEdit;
pub use record::{NewSideEffect, PatientEdit, RecordEdit};

use super::cx::Stale;
use crate::catalogue::{Catalogue, Versioned};
use crate::model::{PersonId, SeriesId, SessionId, TermId};

/// One change to the catalogue.
#[derive(Clone, Debug, PartialEq)]
pub enum Edit {
    Photos(PhotoEdit),
    People(PeopleEdit),
    Record(RecordEdit),
    Patient(PatientEdit),
    Align(AlignEdit),
    /// Regions, measurements and reference-card corrections.
    Measure(super::measure::MeasureEdit),
}

macro_rules! edit_groups {
    ($($group:ident($ty:ty)),+) => {
        $(impl From<$ty> for Edit {
            fn from(edit: $ty) -> Self {
                Self::$group(edit)
            }
        })+

        impl Edit {
            /// Applies the edit in one transaction; returns what it made and its inverse.
            pub fn apply(&self, cat: &mut Catalogue) -> crate::catalogue::Result<Applied> {
                match self { $(Self::$group(e) => e.apply(cat)),+ }
            }

            /// What failed, as the start of the message when the catalogue refuses the edit.
            pub fn failure(&self) -> &'static str {
                match self { $(Self::$group(e) => e.failure()),+ }
            }

            /// The edit in words, as the Edit menu names the step ("move 3 photos to the
            /// trash").
            pub fn describe(&self) -> String {
                match self { $(Self::$group(e) => e.describe()),+ }
            }

            /// What has to be read again once the edit is applied.
            pub fn stale(&self) -> Stale {
                match self { $(Self::$group(e) => e.stale()),+ }
            }
        }
    };
}

edit_groups!(
    Photos(PhotoEdit),
    People(PeopleEdit),
    Record(RecordEdit),
    Patient(PatientEdit),
    Align(AlignEdit),
    Measure(super::measure::MeasureEdit)
);

impl Edit {
    /// The versioned rows the edit changes in place or removes: it is checked against the
    /// versions they had when read, and its undo against the versions it left them at.
    /// Alignments and measurements are machine-fitted from what the user marks and carry
    /// no version (a second fit replaces the first, as a re-measure does).
    pub fn rows(&self) -> Vec<Versioned> {
        match self {
            Self::Photos(e) => e.rows(),
            Self::People(e) => e.rows(),
            Self::Record(e) => e.rows(),
            Self::Patient(e) => e.rows(),
            Self::Align(_) | Self::Measure(_) => Vec::new(),
        }
    }
}

/// What an applied edit made, when it made something.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Made {
    Nothing,
    Person(PersonId),
    Series(SeriesId),
    Term(TermId),
    Session(SessionId),
    /// How many photos changed.
    Photos(usize),
    Region(crate::model::RegionId),
}

/// An applied edit: what it made, and the edit that undoes it.
#[derive(Clone, Debug, PartialEq)]
pub struct Applied {
    pub made: Made,
    /// `None` when the edit changed nothing (no step to undo).
    pub undo: Option<Edit>,
}

impl Applied {
    pub(crate) fn new(made: Made, undo: impl Into<Edit>) -> Self {
        Self {
            made,
            undo: Some(undo.into()),
        }
    }

    pub(crate) fn nothing() -> Self {
        Self {
            made: Made::Nothing,
            undo: None,
        }
    }
}

/// "1 photo", "3 photos".
pub(crate) fn photos(n: usize) -> String {
    crate::model::count(n, "photo", "photos")
}
