//! Measuring regions of photos and fitting reference-card corrections, off the UI thread:
//! shared by the app (as background work) and the command line.
//!
//! Pixels come from the original, decoded through `imaging::decode` and turned upright, at
//! full resolution. They are taken as sRGB: once originals carry embedded ICC profiles that
//! the decoder converts (issue 10), measurements follow automatically.

use crate::catalogue::CatalogueError;
use crate::imaging::card::{CardFit, fit_card};
use crate::imaging::measure::{MeasureSpec, measure, pixel_rect};
use crate::library::{Library, LibraryError};
use crate::model::card::{CardCorrection, CardError, CardKind, Corners};
use crate::model::measure::{Measurement, Region, RegionError, SpotThreshold};
use crate::model::{Photo, PhotoId, RegionId, Similarity};
use image::RgbImage;
use std::sync::atomic::AtomicBool;

#[derive(Debug, thiserror::Error)]
pub enum MeasureError {
    #[error(transparent)]
    Catalogue(#[from] CatalogueError),
    #[error(transparent)]
    Library(#[from] LibraryError),
    #[error(transparent)]
    Read(#[from] super::ReadError),
    #[error(
        "--rect {x},{y},{w},{h}: the rectangle must lie inside photo {photo} ({width}×{height} pixels as oriented) and be at least 1 pixel wide and high"
    )]
    RectOutside {
        photo: PhotoId,
        x: u32,
        y: u32,
        w: u32,
        h: u32,
        width: u32,
        height: u32,
    },
    #[error("unknown facial region {0:?} (known: {known})", known = crate::model::measure::facial_region_names())]
    UnknownFacialRegion(String),
    #[error(
        "photo {0} has no face landmarks: no face was found on it (or it was not looked at yet: `skinlapse faces scan`), and facial regions come from a face's landmarks"
    )]
    NoFaceLandmarks(PhotoId),
    #[error(
        "photo {photo} is not aligned to photo {drawn_on}, where region \"{name}\" was drawn: align it to the series' baseline first"
    )]
    NotAligned {
        photo: PhotoId,
        drawn_on: PhotoId,
        name: String,
    },
    #[error("photo {photo}: {source}")]
    Region { photo: PhotoId, source: RegionError },
    #[error("photo {photo}: {source}")]
    Card { photo: PhotoId, source: CardError },
    #[error("measurement cancelled")]
    Cancelled,
}

/// What to measure in a photo.
#[derive(Clone, Debug, PartialEq)]
pub enum Target {
    /// A rectangle in pixels of the photo as oriented: x, y, width, height.
    Rect { x: u32, y: u32, w: u32, h: u32 },
    /// A facial region by name (forehead, left-cheek…), from the photo's face landmarks.
    Facial(String),
    /// A region drawn on the photo itself.
    Shape(Region),
    /// A region drawn on another photo (or this one), measured through the alignment
    /// between them; named in the error when they are not aligned.
    DrawnOn {
        region: Region,
        photo: PhotoId,
        name: String,
    },
    /// A stored region, drawn on this photo or on another photo it is aligned with.
    Stored(RegionId),
}

/// A region of `photo` in the frame it is defined in, and how the photo maps into it.
struct Resolved {
    region: Region,
    to_region: Similarity,
    /// The stored region's id, when it is one.
    stored: Option<RegionId>,
}

/// A facial region's outline on `photo`, from the face landmarks found on it (at import or
/// by `faces scan`), as a polygon in the photo's normalised coordinates.
fn facial_region(
    catalogue: &mut crate::catalogue::Catalogue,
    photo: PhotoId,
    name: &str,
) -> Result<Region, MeasureError> {
    let unknown = || MeasureError::UnknownFacialRegion(name.to_owned());
    let key = crate::model::measure::facial_region_key(name).ok_or_else(unknown)?;
    let region: crate::model::FacialRegion = key.parse().map_err(|_| unknown())?;
    let face = catalogue
        .face(photo)?
        .and_then(|record| record.face)
        .ok_or(MeasureError::NoFaceLandmarks(photo))?;
    Ok(Region::plain(crate::model::measure::Shape::Polygon(
        region.polygon(&face.landmarks),
    )))
}

fn resolve(
    catalogue: &mut crate::catalogue::Catalogue,
    photo: &Photo,
    target: &Target,
) -> Result<Resolved, MeasureError> {
    let own = |region| Resolved {
        region,
        to_region: Similarity::IDENTITY,
        stored: None,
    };
    match target {
        Target::Rect { x, y, w, h } => {
            let inside = *w > 0
                && *h > 0
                && u64::from(*x) + u64::from(*w) <= u64::from(photo.width)
                && u64::from(*y) + u64::from(*h) <= u64::from(photo.height);
            if !inside {
                return Err(MeasureError::RectOutside {
                    photo: photo.id,
                    x: *x,
                    y: *y,
                    w: *w,
                    h: *h,
                    width: photo.width,
                    height: photo.height,
                });
            }
            Ok(own(Region::plain(pixel_rect(
                *x,
                *y,
                *w,
                *h,
                photo.width,
                photo.height,
            ))))
        }
        Target::Facial(name) => facial_region(catalogue, photo.id, name).map(own),
        Target::Shape(region) => Ok(own(region.clone())),
        Target::DrawnOn {
            region,
            photo: drawn_on,
            name,
        } => Ok(Resolved {
            region: region.clone(),
            to_region: to_frame_of(catalogue, *drawn_on, photo.id, name)?,
            stored: None,
        }),
        Target::Stored(id) => {
            let stored = catalogue.region(*id)?;
            let to_region = to_frame_of(catalogue, stored.photo, photo.id, &stored.name)?;
            Ok(Resolved {
                region: stored.region,
                to_region,
                stored: Some(*id),
            })
        }
    }
}

/// How `photo` maps into the frame of `drawn_on`, where the region `name` was drawn.
fn to_frame_of(
    catalogue: &mut crate::catalogue::Catalogue,
    drawn_on: PhotoId,
    photo: PhotoId,
    name: &str,
) -> Result<Similarity, MeasureError> {
    catalogue
        .pair_transform(drawn_on, photo)?
        .ok_or_else(|| MeasureError::NotAligned {
            photo,
            drawn_on,
            name: name.to_owned(),
        })
}

/// A measurement of one photo.
#[derive(Clone, Debug, PartialEq)]
pub struct PhotoMeasurement {
    pub photo: PhotoId,
    pub measurement: Measurement,
    /// The stored region it was saved under (or measured from), if any.
    pub region: Option<RegionId>,
    /// The card correction applied, if any.
    pub card: Option<CardCorrection>,
}

/// The photo's full-resolution upright pixels, from the original (never the preview, which
/// is downscaled and re-encoded).
pub fn measure_pixels(library: &Library, photo: &Photo) -> Result<RgbImage, MeasureError> {
    let path = library.original_path(&photo.hash, photo.format);
    let failed = |reason: String| super::ReadError {
        path: path.clone(),
        reason,
    };
    let bytes = std::fs::read(&path).map_err(|e| failed(e.to_string()))?;
    Ok(
        crate::imaging::derive::decode_upright(&bytes, photo.format, u32::MAX)
            .map_err(|e| failed(e.to_string()))?,
    )
}

/// Measures `target` in `photo` (with its card correction, if one is stored); stores
/// nothing (the app stores through its undoable edits).
pub fn compute(
    library: &Library,
    photo: PhotoId,
    target: &Target,
    threshold: SpotThreshold,
) -> Result<(PhotoMeasurement, Region), MeasureError> {
    let mut catalogue = library.catalogue()?;
    let photo = catalogue.compared_photo(photo)?.photo;
    let resolved = resolve(&mut catalogue, &photo, target)?;
    let card = catalogue.card_correction(photo.id)?;
    drop(catalogue);
    let image = measure_pixels(library, &photo)?;
    let measurement = measure(
        &image,
        &MeasureSpec {
            region: &resolved.region,
            to_region: resolved.to_region,
            correction: card.as_ref().map(|c| &c.matrix),
            threshold,
        },
    )
    .map_err(|source| MeasureError::Region {
        photo: photo.id,
        source,
    })?;
    Ok((
        PhotoMeasurement {
            photo: photo.id,
            measurement,
            region: resolved.stored,
            card,
        },
        resolved.region,
    ))
}

/// Measures `target` in `photo` and stores it (the command line): with `save_as`, a new
/// region is stored under that name with the measurement; a stored region's measurement
/// is always stored.
pub fn measure_photo(
    library: &Library,
    photo: PhotoId,
    target: &Target,
    threshold: SpotThreshold,
    save_as: Option<&str>,
) -> Result<PhotoMeasurement, MeasureError> {
    let (mut m, region) = compute(library, photo, target, threshold)?;
    let mut catalogue = library.catalogue()?;
    match (m.region, save_as) {
        (Some(id), _) => {
            catalogue.save_measurement(id, m.photo, &m.measurement)?;
        }
        (None, Some(name)) => {
            m.region = Some(catalogue.add_measured_region(
                m.photo,
                name,
                &region,
                &[(m.photo, m.measurement.clone())],
            )?);
        }
        (None, None) => {}
    }
    Ok(m)
}

/// One photo's outcome when a region is measured across its series.
#[derive(Debug)]
pub struct SeriesOutcome {
    pub photo: PhotoId,
    pub result: Result<Measurement, MeasureError>,
}

/// Measures a stored region in every photo of its timeline (same view and area as the
/// photo it was drawn on), storing nothing. Photos not aligned with it are reported, not
/// measured. `progress(done, total)` is called after each photo; `cancel` is checked
/// between photos.
pub fn measure_series(
    library: &Library,
    region: RegionId,
    threshold: SpotThreshold,
    cancel: &AtomicBool,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Vec<SeriesOutcome>, MeasureError> {
    let mut catalogue = library.catalogue()?;
    let stored = catalogue.region(region)?;
    let drawn_on = catalogue.compared_photo(stored.photo)?;
    let line = match drawn_on.photo.series {
        Some(series) => catalogue.series_photos(series)?.timeline(&drawn_on),
        None => vec![stored.photo],
    };
    drop(catalogue);
    let mut outcomes = Vec::new();
    for (i, photo) in line.iter().enumerate() {
        super::checkpoint(cancel, MeasureError::Cancelled)?;
        let result = compute(library, *photo, &Target::Stored(region), threshold)
            .map(|(m, _)| m.measurement);
        outcomes.push(SeriesOutcome {
            photo: *photo,
            result,
        });
        progress(i + 1, line.len());
    }
    Ok(outcomes)
}

/// The measured photos of a series' outcomes, as stored changes.
pub fn measured(outcomes: &[SeriesOutcome]) -> Vec<(PhotoId, Option<Measurement>)> {
    outcomes
        .iter()
        .filter_map(|o| o.result.as_ref().ok().map(|m| (o.photo, Some(m.clone()))))
        .collect()
}

/// Fits a card to corners marked in the photo's normalised coordinates (top left, top
/// right, bottom right, bottom left), storing nothing.
pub fn fit_card_on(
    library: &Library,
    photo: PhotoId,
    kind: CardKind,
    corners: Corners,
) -> Result<(CardFit, CardCorrection), MeasureError> {
    let photo = library.catalogue()?.compared_photo(photo)?.photo;
    let image = measure_pixels(library, &photo)?;
    let fit = fit_card(&image, kind, corners).map_err(|source| MeasureError::Card {
        photo: photo.id,
        source,
    })?;
    let correction = CardCorrection {
        photo: photo.id,
        kind,
        corners: fit.corners,
        matrix: fit.matrix,
        residuals: fit
            .patches
            .iter()
            .map(|p| (p.name.clone(), p.residual))
            .collect(),
    };
    Ok((fit, correction))
}

/// Fits a card correction from corners marked in pixels of the photo as oriented (top left,
/// top right, bottom right, bottom left) and stores it with the photo (the command line).
pub fn correct_with_card(
    library: &Library,
    photo: PhotoId,
    kind: CardKind,
    corners_px: [[f64; 2]; 4],
) -> Result<CardFit, MeasureError> {
    let size = library.catalogue()?.compared_photo(photo)?.photo;
    let corners = Corners(
        corners_px.map(|p| crate::model::transform::to_normalised(p, size.width, size.height)),
    );
    let (fit, correction) = fit_card_on(library, photo, kind, corners)?;
    library.catalogue()?.save_card_correction(&correction)?;
    Ok(fit)
}
