//! The aligned time-lapse of one view of a series: every photo of the view's timeline drawn
//! in the baseline's frame through its stored alignment, with its date, days since the
//! baseline and session burnt in, cross-faded, as an animated GIF or WebP or an H.264 MP4.
//! Shared by the app (background job with progress and Cancel) and the command line.

use super::export::{load_pixels, sheet_photos};
use crate::catalogue::CatalogueError;
use crate::imaging::compose::{blend, warp_into};
use crate::imaging::derive::{fit_long_edge, resize_exact};
use crate::imaging::text::draw_label;
use crate::imaging::video::{Frame, VideoError, encode_gif, encode_mp4, encode_webp};
use crate::library::{Library, LibraryError, write_file_atomic};
use crate::model::clinical::ConsentScope;
use crate::model::{Keyed, PhotoId, SeriesId, View};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

pub const MIN_SIZE: u32 = 240;
pub const MAX_SIZE: u32 = 3840;

/// The container, from the file name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimelapseFormat {
    Gif,
    Webp,
    Mp4,
}

impl TimelapseFormat {
    pub const ALL: [Self; 3] = [Self::Mp4, Self::Gif, Self::Webp];

    pub fn from_path(path: &Path) -> Option<Self> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        Self::ALL.into_iter().find(|f| f.extension() == ext)
    }

    pub fn extension(self) -> &'static str {
        match self {
            Self::Gif => "gif",
            Self::Webp => "webp",
            Self::Mp4 => "mp4",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Gif => "GIF",
            Self::Webp => "WebP (lossless)",
            Self::Mp4 => "MP4 (H.264)",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct TimelapseRequest {
    pub series: SeriesId,
    /// The view to show; by default the one with the most sessions.
    pub view: Option<View>,
    /// Long edge of the video in pixels.
    pub size: u32,
    /// How long each photo holds, in seconds.
    pub seconds_per_photo: f32,
    /// Length of the cross-fade between photos, in seconds (0: cut).
    pub fade: f32,
    /// Frames per second of an MP4 (GIF and WebP step fades at 10 frames per second).
    pub fps: u32,
    /// Cover the eyes (needs face landmarks; said when it could not be done).
    pub deidentify: bool,
    pub purpose: Option<ConsentScope>,
    /// A `.gif`, `.webp` or `.mp4` file.
    pub out: PathBuf,
}

impl TimelapseRequest {
    pub fn new(series: SeriesId, out: PathBuf) -> Self {
        Self {
            series,
            view: None,
            size: 1080,
            seconds_per_photo: 1.0,
            fade: 0.5,
            fps: 25,
            deidentify: false,
            purpose: None,
            out,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum TimelapseError {
    #[error("{0}: the file name must end in .gif, .webp or .mp4")]
    Format(PathBuf),
    #[error("--size: {0} pixels is outside {MIN_SIZE}–{MAX_SIZE}")]
    Size(u32),
    #[error("--seconds: {0} is outside 0.1–10 seconds per photo")]
    Hold(f32),
    #[error("--fade: {0} is outside 0–5 seconds")]
    Fade(f32),
    #[error("--fps: {0} is outside 1–60")]
    Fps(u32),
    #[error("series {series} has fewer than two photos {what}: nothing to animate")]
    TooFew { series: SeriesId, what: String },
    #[error(transparent)]
    Catalogue(#[from] CatalogueError),
    #[error(transparent)]
    Library(#[from] LibraryError),
    #[error(transparent)]
    Read(#[from] super::ReadError),
    #[error(transparent)]
    Encode(#[from] VideoError),
    #[error("{path}: could not write the time-lapse: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("time-lapse cancelled")]
    Cancelled,
}

/// What was written.
#[derive(Clone, Debug, PartialEq)]
pub struct TimelapseSummary {
    pub path: PathBuf,
    pub width: u32,
    pub height: u32,
    pub photos: usize,
    pub frames: usize,
    pub bytes: usize,
    pub notes: Vec<String>,
}

/// Checks a request before any work.
pub fn check_request(r: &TimelapseRequest) -> Result<TimelapseFormat, TimelapseError> {
    if !(MIN_SIZE..=MAX_SIZE).contains(&r.size) {
        return Err(TimelapseError::Size(r.size));
    }
    if !(0.1..=10.0).contains(&r.seconds_per_photo) {
        return Err(TimelapseError::Hold(r.seconds_per_photo));
    }
    if !(0.0..=5.0).contains(&r.fade) {
        return Err(TimelapseError::Fade(r.fade));
    }
    if !(1..=60).contains(&r.fps) {
        return Err(TimelapseError::Fps(r.fps));
    }
    TimelapseFormat::from_path(&r.out).ok_or_else(|| TimelapseError::Format(r.out.clone()))
}

fn checkpoint(cancel: &AtomicBool) -> Result<(), TimelapseError> {
    super::checkpoint(cancel, TimelapseError::Cancelled)
}

/// The photos of the time-lapse: the timeline of `view` (its first photo's), or the
/// longest timeline.
fn timeline(
    series: &crate::model::SeriesPhotos,
    view: Option<View>,
) -> Result<Vec<PhotoId>, TimelapseError> {
    let line = match view {
        Some(v) => series
            .photos
            .iter()
            .find(|p| p.photo.view == Some(v))
            .map(|p| series.timeline(p)),
        None => sheet_photos(series, None),
    }
    .unwrap_or_default();
    if line.len() < 2 {
        return Err(TimelapseError::TooFew {
            series: series.series.id,
            what: view.map_or("in any view".to_owned(), |v| {
                format!("in the {} view", v.label().to_lowercase())
            }),
        });
    }
    Ok(line)
}

/// Renders and writes the time-lapse. `progress(fraction, step)`; `cancel` is checked
/// between photos and frames. Nothing is written unless it all succeeds.
pub fn run_timelapse(
    library: &Library,
    request: &TimelapseRequest,
    cancel: &AtomicBool,
    progress: &mut dyn FnMut(f32, &str),
) -> Result<TimelapseSummary, TimelapseError> {
    let format = check_request(request)?;
    let mut cat = library.catalogue()?;
    let series = cat.series_photos(request.series)?;
    cat.check_consent(
        series.series.person,
        request.purpose,
        chrono::Local::now().date_naive(),
    )?;
    let line = timeline(&series, request.view)?;
    cat.record_export(series.series.person, request.purpose, &line)?;
    let baseline = &series
        .photo(line[0])
        .expect("timeline photos are in the series")
        .photo;
    let (w, h) = fit_long_edge(baseline.width, baseline.height, request.size);
    let (w, h) = (w & !1, h & !1);
    let label_size = (h as f32 / 26.0).max(12.0);
    let mut stills = Vec::with_capacity(line.len());
    let mut unmasked = 0;
    for (i, id) in line.iter().enumerate() {
        checkpoint(cancel)?;
        progress(0.6 * i as f32 / line.len() as f32, "Reading the photos");
        let compared = series.photo(*id).expect("in the series");
        let photo = &compared.photo;
        let t = cat.pair_transform(line[0], *id)?;
        let scale = t.map_or(1.0, |t| t.scale.max(0.05));
        let mut source = load_pixels(
            library,
            photo,
            (f64::from(request.size) * scale).ceil() as u32,
        )?;
        // The eyes are covered on the photo's own pixels, before they are warped.
        if request.deidentify && !super::report::mask_eyes(compared.face.as_ref(), &mut source) {
            unmasked += 1;
        }
        let mut frame = match t {
            Some(t) if i > 0 => warp_into(&source, &t, w, h, None),
            _ => resize_exact(&source, w, h),
        };
        if frame.dimensions() != (w, h) {
            frame = resize_exact(&frame, w, h);
        }
        let label = series.label(photo);
        let mut lines = vec![label.lines()[0].clone()];
        if let Some((n, of)) = label.session {
            lines.push(format!("Session {n} of {of}"));
        }
        let margin = label_size * 0.8;
        draw_label(&mut frame, margin, margin, &lines, label_size);
        stills.push(frame);
    }
    let hold = (request.seconds_per_photo * 1000.0).round() as u32;
    let fade_fps = match format {
        TimelapseFormat::Mp4 => request.fps,
        TimelapseFormat::Gif | TimelapseFormat::Webp => 10,
    };
    let steps = (request.fade * fade_fps as f32).round() as u32;
    let step_ms = 1000 / fade_fps.max(1);
    let mut frames = Vec::new();
    for (i, still) in stills.iter().enumerate() {
        frames.push(Frame {
            image: still.clone(),
            millis: hold,
        });
        if let Some(next) = stills.get(i + 1) {
            for s in 1..=steps {
                checkpoint(cancel)?;
                frames.push(Frame {
                    image: blend(still, next, s as f32 / (steps + 1) as f32),
                    millis: step_ms,
                });
            }
        }
    }
    // The last photo holds twice as long, so the loop's end reads as the end.
    if let Some(last) = frames.last_mut() {
        last.millis = hold * 2;
    }
    checkpoint(cancel)?;
    progress(0.7, "Encoding");
    let bytes = match format {
        TimelapseFormat::Gif => encode_gif(&frames)?,
        TimelapseFormat::Webp => encode_webp(&frames)?,
        TimelapseFormat::Mp4 => encode_mp4(&frames, request.fps)?,
    };
    checkpoint(cancel)?;
    progress(0.95, "Writing");
    write_file_atomic(&request.out, &bytes).map_err(|source| TimelapseError::Write {
        path: request.out.clone(),
        source,
    })?;
    progress(1.0, "Done");
    let mut notes = Vec::new();
    if unmasked > 0 {
        notes.push(format!(
            "{unmasked} photo(s) show their eyes: no face was found on them (the eye band is placed by the face's landmarks)"
        ));
    }
    Ok(TimelapseSummary {
        path: request.out.clone(),
        width: w,
        height: h,
        photos: stills.len(),
        frames: frames.len(),
        bytes: bytes.len(),
        notes,
    })
}
