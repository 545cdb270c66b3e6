//! The measuring feature's catalogue edits: saving and deleting regions, storing
//! measurements, setting or removing a photo's reference-card correction. Each returns the
//! edit that undoes it, read in the same transaction as the change.

use crate::app::cx::Stale;
use crate::app::edit::{Applied, Edit, Made};
use crate::catalogue::{Catalogue, MeasurementChange, RegionBackup, Result};
use crate::model::card::CardCorrection;
use crate::model::measure::{Measurement, Region};
use crate::model::{Keyed, PhotoId, RegionId};

#[derive(Clone, Debug, PartialEq)]
pub enum MeasureEdit {
    /// A region drawn on `photo`, stored with what it measured.
    AddRegion {
        photo: PhotoId,
        name: String,
        region: Region,
        measurements: Vec<(PhotoId, Measurement)>,
    },
    DeleteRegion(RegionId),
    /// A deleted region put back with its measurements (the undo of a delete).
    RestoreRegion(Box<RegionBackup>),
    /// Measurements of a region stored (`Some`) or removed (`None`), per photo.
    Measurements {
        region: RegionId,
        name: String,
        changes: Vec<MeasurementChange>,
    },
    /// A photo's card correction set, or removed (`None`).
    Card(PhotoId, Option<Box<CardCorrection>>),
}

impl From<MeasureEdit> for Edit {
    fn from(edit: MeasureEdit) -> Self {
        Self::Measure(edit)
    }
}

impl MeasureEdit {
    pub fn apply(&self, cat: &mut Catalogue) -> Result<Applied> {
        let applied = |made, undo: Self| Applied {
            made,
            undo: Some(undo.into()),
        };
        Ok(match self {
            Self::AddRegion {
                photo,
                name,
                region,
                measurements,
            } => {
                let id = cat.add_measured_region(*photo, name, region, measurements)?;
                applied(Made::Region(id), Self::DeleteRegion(id))
            }
            Self::DeleteRegion(id) => {
                let backup = cat.delete_region(*id)?;
                applied(Made::Nothing, Self::RestoreRegion(Box::new(backup)))
            }
            Self::RestoreRegion(backup) => {
                let id = cat.restore_region(backup)?;
                applied(Made::Region(id), Self::DeleteRegion(id))
            }
            Self::Measurements {
                region,
                name,
                changes,
            } => {
                let before = cat.change_measurements(*region, changes)?;
                applied(
                    Made::Nothing,
                    Self::Measurements {
                        region: *region,
                        name: name.clone(),
                        changes: before,
                    },
                )
            }
            Self::Card(photo, correction) => {
                let before = cat.set_card_correction(*photo, correction.as_deref())?;
                applied(Made::Nothing, Self::Card(*photo, before.map(Box::new)))
            }
        })
    }

    pub fn failure(&self) -> &'static str {
        match self {
            Self::AddRegion { .. } => "Save region",
            Self::DeleteRegion(_) => "Delete region",
            Self::RestoreRegion(_) => "Restore region",
            Self::Measurements { .. } => "Store measurements",
            Self::Card(_, Some(_)) => "Reference card",
            Self::Card(_, None) => "Remove reference card",
        }
    }

    pub fn describe(&self) -> String {
        match self {
            Self::AddRegion { name, .. } => format!("save region \"{name}\""),
            Self::DeleteRegion(id) => format!("delete region {id}"),
            Self::RestoreRegion(b) => format!("restore region \"{}\"", b.region.name),
            Self::Measurements { name, changes, .. } => {
                let stored = changes.iter().filter(|(_, m)| m.is_some()).count();
                if stored == changes.len() {
                    let what = if stored == 1 {
                        "1 measurement".to_owned()
                    } else {
                        format!("{stored} measurements")
                    };
                    format!("store {what} of region \"{name}\"")
                } else {
                    format!("change the measurements of region \"{name}\"")
                }
            }
            Self::Card(_, Some(c)) => format!("fit a {}", c.kind.label().to_lowercase()),
            Self::Card(_, None) => "remove the reference card correction".into(),
        }
    }

    pub fn stale(&self) -> Stale {
        Stale::PAGES
    }
}
