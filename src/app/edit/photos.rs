//! Edits of photos: their fields (taken at, view, lighting, assignment, notes), their tags,
//! and the trash.

use super::{Applied, Made, photos};
use crate::app::cx::Stale;
use crate::catalogue::{
    Catalogue, PhotoValue, PhotoValues, Result, TakenAtChange, TermChange, Versioned,
};
use crate::model::PhotoId;

#[derive(Clone, Debug, PartialEq)]
pub enum PhotoEdit {
    TakenAt(Vec<PhotoId>, TakenAtChange),
    /// One value for every photo (a view, a lighting, an assignment, notes).
    Set(Vec<PhotoId>, PhotoValue),
    /// Each photo its own value: what an undo puts back.
    Values(PhotoValues),
    Terms(Vec<PhotoId>, TermChange),
    Trash(Vec<PhotoId>),
    Restore(Vec<PhotoId>),
}

/// The field a value is of, in words ("the view").
fn field(value: &PhotoValue) -> &'static str {
    match value {
        PhotoValue::TakenAt(_) => "taken-at",
        PhotoValue::View(_) => "the view",
        PhotoValue::Lighting(_) => "the lighting",
        PhotoValue::Notes(_) => "the notes",
        PhotoValue::Assignment { .. } => "the person, series or session",
    }
}

impl PhotoEdit {
    pub(super) fn apply(&self, cat: &mut Catalogue) -> Result<Applied> {
        Ok(match self {
            Self::TakenAt(ids, change) => {
                let before = cat.change_taken_at(ids, *change)?;
                Applied::new(Made::Photos(ids.len()), Self::Values(before))
            }
            Self::Set(ids, value) => {
                let before = cat.set_photos(ids, value)?;
                Applied::new(Made::Photos(ids.len()), Self::Values(before))
            }
            Self::Values(values) => {
                let before = cat.set_photo_values(values)?;
                Applied::new(Made::Photos(values.len()), Self::Values(before))
            }
            Self::Terms(ids, change) => {
                let changed = cat.change_term(ids, *change)?;
                if changed.is_empty() {
                    return Ok(Applied::nothing());
                }
                let n = changed.len();
                Applied::new(Made::Photos(n), Self::Terms(changed, change.reversed()))
            }
            Self::Trash(ids) => {
                Applied::new(Made::Photos(cat.trash(ids)?), Self::Restore(ids.clone()))
            }
            Self::Restore(ids) => {
                Applied::new(Made::Photos(cat.restore(ids)?), Self::Trash(ids.clone()))
            }
        })
    }

    pub(super) fn failure(&self) -> &'static str {
        match (self, self.value()) {
            (Self::TakenAt(..), _) | (_, Some(PhotoValue::TakenAt(_))) => "Change date",
            (_, Some(PhotoValue::View(_))) => "Change view",
            (_, Some(PhotoValue::Lighting(_))) => "Change lighting",
            (_, Some(PhotoValue::Notes(_))) => "Notes",
            (_, Some(PhotoValue::Assignment { .. })) => "Assign",
            (Self::Terms(..), _) => "Change tags",
            (Self::Trash(_), _) => "Move to trash",
            (Self::Restore(_), _) => "Restore",
            (Self::Set(..) | Self::Values(_), None) => "Change photos",
        }
    }

    /// The first value the edit sets (all values of one edit are of one field).
    fn value(&self) -> Option<&PhotoValue> {
        match self {
            Self::Set(_, value) => Some(value),
            Self::Values(values) => values.first().map(|(_, v)| v),
            _ => None,
        }
    }

    pub(super) fn describe(&self) -> String {
        match self {
            Self::TakenAt(ids, _) => format!("change taken-at of {}", photos(ids.len())),
            Self::Set(ids, PhotoValue::Assignment { .. }) => {
                format!("assign {}", photos(ids.len()))
            }
            Self::Set(ids, value) => format!("change {} of {}", field(value), photos(ids.len())),
            Self::Values(values) => match values.first() {
                Some((_, value)) => format!("change {} of {}", field(value), photos(values.len())),
                None => "change nothing".into(),
            },
            Self::Terms(ids, TermChange::Add(_)) => format!("tag {}", photos(ids.len())),
            Self::Terms(ids, TermChange::Remove(_)) => format!("untag {}", photos(ids.len())),
            Self::Trash(ids) => format!("move {} to the trash", photos(ids.len())),
            Self::Restore(ids) => format!("restore {}", photos(ids.len())),
        }
    }

    /// The photos the edit changes.
    pub(super) fn rows(&self) -> Vec<Versioned> {
        let ids: Vec<PhotoId> = match self {
            Self::TakenAt(ids, _)
            | Self::Set(ids, _)
            | Self::Terms(ids, _)
            | Self::Trash(ids)
            | Self::Restore(ids) => ids.clone(),
            Self::Values(values) => values.iter().map(|(id, _)| *id).collect(),
        };
        ids.into_iter().map(Versioned::Photo).collect()
    }

    pub(super) fn stale(&self) -> Stale {
        let shown = Stale::GRID | Stale::DETAILS | Stale::PAGES;
        match self.value() {
            Some(PhotoValue::Assignment { .. }) => shown | Stale::PEOPLE | Stale::SERIES,
            Some(_) => shown,
            None => match self {
                Self::Trash(_) | Self::Restore(_) => shown | Stale::PEOPLE | Stale::SERIES,
                _ => shown,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::Edit;
    use super::*;
    use crate::catalogue::AssignmentSpec;
    use crate::model::View;

    fn catalogue_with_photos(n: usize) -> (Catalogue, Vec<PhotoId>) {
        let mut cat = Catalogue::open_in_memory().unwrap();
        let assignment = cat.resolve_assignment(&AssignmentSpec::default()).unwrap();
        let news: Vec<_> = (0..n)
            .map(|i| {
                let new = crate::catalogue::NewPhoto {
                    hash: crate::model::ContentHash::of(&[i as u8]),
                    format: crate::model::PhotoFormat::Jpeg,
                    original_name: format!("{i}.jpg"),
                    file_size: 1,
                    width: 1,
                    height: 1,
                    taken_at: crate::model::TakenAt::exact(
                        chrono::NaiveDate::from_ymd_opt(2025, 1, 1)
                            .unwrap()
                            .and_hms_opt(9, 0, 0)
                            .unwrap(),
                        None,
                    ),
                    camera: None,
                    original_name_raw: None,
                    colour_profile: None,
                    warnings: Vec::new(),
                };
                (new, assignment.clone())
            })
            .collect();
        cat.insert_photos_bulk(&news).unwrap();
        let ids = cat
            .list_photos(None)
            .unwrap()
            .iter()
            .map(|l| l.photo.id)
            .collect();
        (cat, ids)
    }

    #[test]
    fn a_view_edit_is_undone_per_photo_and_redone() {
        let (mut cat, ids) = catalogue_with_photos(3);
        cat.set_photos(&ids[..1], &PhotoValue::View(Some(View::Frontal)))
            .unwrap();
        let edit = PhotoEdit::Set(ids.clone(), PhotoValue::View(Some(View::CloseUp)));
        assert_eq!(edit.describe(), "change the view of 3 photos");
        let undo = edit.apply(&mut cat).unwrap().undo.unwrap();
        let views = |cat: &mut Catalogue| -> Vec<Option<View>> {
            ids.iter().map(|id| cat.photo(*id).unwrap().view).collect()
        };
        assert_eq!(views(&mut cat), [Some(View::CloseUp); 3]);
        let redo = undo.apply(&mut cat).unwrap().undo.unwrap();
        assert_eq!(
            views(&mut cat),
            [Some(View::Frontal), None, None],
            "each its own"
        );
        redo.apply(&mut cat).unwrap();
        assert_eq!(views(&mut cat), [Some(View::CloseUp); 3]);
        // Tagging undoes only what it changed.
        let chin = cat.terms(crate::model::VocabKind::Area).unwrap()[0].id;
        cat.change_term(&ids[..1], TermChange::Add(chin)).unwrap();
        let untag = PhotoEdit::Terms(ids.clone(), TermChange::Add(chin))
            .apply(&mut cat)
            .unwrap()
            .undo
            .unwrap();
        assert_eq!(
            untag,
            Edit::Photos(PhotoEdit::Terms(
                ids[1..].to_vec(),
                TermChange::Remove(chin)
            ))
        );
    }
}
