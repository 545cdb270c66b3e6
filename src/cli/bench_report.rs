//! `skinlapse bench report`: the PDF report of a 10-session, 3-view series, a 12-photo
//! time-lapse at 1080 px, and measuring a region of a 12 MP photo; with the same work done
//! by the tools a user would otherwise reach for (ffmpeg for the video, colour-science for
//! the colour maths), when they are installed.

use super::Failure;
use crate::imaging::measure::{MeasureSpec, measure, pixel_rect};
use crate::jobs::demo::{DemoOptions, generate_demo};
use crate::jobs::report::layout::Paper;
use crate::jobs::report::{ReportRequest, run_report};
use crate::jobs::timelapse::{TimelapseRequest, run_timelapse};
use crate::model::measure::{Region, SpotThreshold};
use crate::model::{SeriesId, Similarity};
use image::AnimationDecoder;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

#[derive(Debug, clap::Args)]
pub struct BenchReportArgs {
    /// Runs of each measurement (the median is reported).
    #[arg(long, default_value_t = 3)]
    pub runs: usize,
    /// Keep the generated files here (default: a temporary folder).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn timed<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..runs.max(1) {
        let start = Instant::now();
        last = Some(f());
        times.push(start.elapsed());
    }
    (median(times), last.expect("at least one run"))
}

fn series_with_views(library: &crate::library::Library, views: usize) -> Result<SeriesId, Failure> {
    let mut cat = library.catalogue()?;
    for person in cat.people()? {
        for s in cat.series_of(person.id)? {
            let photos = cat.series_photos(s.id)?;
            let mut seen: Vec<_> = photos.photos.iter().map(|p| p.photo.view).collect();
            seen.dedup();
            seen.sort();
            seen.dedup();
            if seen.len() >= views {
                return Ok(s.id);
            }
        }
    }
    Err(Failure::runtime("the benchmark series was not generated"))
}

pub fn run(args: &BenchReportArgs) -> Result<ExitCode, Failure> {
    let temp = tempfile::tempdir().map_err(Failure::runtime)?;
    let root = args.out.clone().unwrap_or_else(|| temp.path().to_owned());
    std::fs::create_dir_all(&root).map_err(Failure::runtime)?;
    println!("workers: {}", crate::jobs::worker_count());

    // 1. Report of a 10-session, 3-view series (1600×1200 photos, as the demo).
    let lib10 = root.join("ten-sessions");
    let start = Instant::now();
    let library = generate_demo(
        &lib10,
        &DemoOptions {
            sessions: Some(10),
            ..DemoOptions::default()
        },
        &mut |_, _| {},
    )?;
    println!(
        "generated the 10-session demo in {:.1} s",
        start.elapsed().as_secs_f64()
    );
    let series = series_with_views(&library, 3)?;
    let pdf = root.join("report.pdf");
    let request = ReportRequest {
        series,
        purpose: None,
        deidentify: false,
        paper: Paper::A4,
        out: pdf.clone(),
    };
    let (t, summary) = timed(args.runs, || {
        run_report(&library, &request, &AtomicBool::new(false), &mut |_, _| {})
    });
    let summary = summary.map_err(Failure::runtime)?;
    println!(
        "report: {:.0} ms median of {} · {} pages, {} photos · {} KiB, of which JPEGs {} KiB ({:.1} %)",
        t.as_secs_f64() * 1000.0,
        args.runs,
        summary.pages,
        summary.images,
        summary.bytes / 1024,
        summary.image_bytes / 1024,
        100.0 * summary.image_bytes as f64 / summary.bytes as f64
    );

    // 2. A time-lapse of 12 photos at 1080 px.
    let lib12 = root.join("twelve-sessions");
    let library12 = generate_demo(
        &lib12,
        &DemoOptions {
            sessions: Some(12),
            ..DemoOptions::default()
        },
        &mut |_, _| {},
    )?;
    let series12 = series_with_views(&library12, 3)?;
    for (ext, fade) in [("mp4", 0.0), ("mp4", 0.5), ("gif", 0.0), ("webp", 0.0)] {
        let out = root.join(format!("timelapse-fade{fade}.{ext}"));
        let request = TimelapseRequest {
            view: Some(crate::model::View::Frontal),
            fade,
            ..TimelapseRequest::new(series12, out.clone())
        };
        let (t, s) = timed(args.runs, || {
            run_timelapse(
                &library12,
                &request,
                &AtomicBool::new(false),
                &mut |_, _| {},
            )
        });
        let s = s.map_err(Failure::runtime)?;
        println!(
            "time-lapse {ext}, fade {fade} s: {:.0} ms median · {} photos, {} frames, {}×{} · {} KiB",
            t.as_secs_f64() * 1000.0,
            s.photos,
            s.frames,
            s.width,
            s.height,
            s.bytes / 1024
        );
    }
    ffmpeg_baseline(&library12, series12, &root);

    // 3. Measuring a region of a 12 MP photo (pixels decoded already, as in the app).
    let image =
        crate::imaging::synth::render_skin(&crate::imaging::synth::SkinScene::new(4000, 3000, 7));
    for (name, rect) in [
        ("a 1000×1000 px region", (1500, 1000, 1000, 1000)),
        ("the whole 12 MP photo", (0, 0, 4000, 3000)),
    ] {
        let region = Region::plain(pixel_rect(rect.0, rect.1, rect.2, rect.3, 4000, 3000));
        let spec = MeasureSpec {
            region: &region,
            to_region: Similarity::IDENTITY,
            correction: None,
            threshold: SpotThreshold::default(),
        };
        let (t, m) = timed(args.runs.max(5), || measure(&image, &spec));
        let m = m.map_err(|e| Failure::runtime(e.to_string()))?;
        println!(
            "measure {name}: {:.1} ms median · {} pixels sampled · L*a*b* {:.2} {:.2} {:.2}",
            t.as_secs_f64() * 1000.0,
            m.region.pixels,
            m.region.lab[0],
            m.region.lab[1],
            m.region.lab[2]
        );
    }
    colour_science_baseline(&image, &root);
    if args.out.is_some() {
        println!("files kept in {}", root.display());
    }
    Ok(ExitCode::SUCCESS)
}

/// The same 12 frames (aligned, labelled, as PNG) encoded by ffmpeg's libx264, if installed.
fn ffmpeg_baseline(library: &crate::library::Library, series: SeriesId, root: &Path) {
    if Command::new("ffmpeg").arg("-version").output().is_err() {
        println!("ffmpeg: not installed, no comparison");
        return;
    }
    // Write the stills as the time-lapse sees them: a GIF without fades, decoded to PNGs.
    let gif = root.join("stills.gif");
    let request = TimelapseRequest {
        view: Some(crate::model::View::Frontal),
        fade: 0.0,
        ..TimelapseRequest::new(series, gif.clone())
    };
    let Ok(_) = run_timelapse(library, &request, &AtomicBool::new(false), &mut |_, _| {}) else {
        return;
    };
    let frames_dir = root.join("frames");
    let _ = std::fs::create_dir_all(&frames_dir);
    let Ok(bytes) = std::fs::read(&gif) else {
        return;
    };
    let Ok(decoder) = image::codecs::gif::GifDecoder::new(std::io::Cursor::new(bytes)) else {
        return;
    };
    for (i, f) in decoder.into_frames().filter_map(Result::ok).enumerate() {
        let _ = f.into_buffer().save(frames_dir.join(format!("{i:03}.png")));
    }
    let out = root.join("ffmpeg.mp4");
    let start = Instant::now();
    let status = Command::new("ffmpeg")
        .args(["-loglevel", "error", "-y", "-framerate", "1", "-i"])
        .arg(frames_dir.join("%03d.png"))
        .args(["-c:v", "libx264", "-pix_fmt", "yuv420p", "-r", "25"])
        .arg(&out)
        .status();
    if matches!(status, Ok(s) if s.success()) {
        println!(
            "ffmpeg libx264 from the same 12 PNG frames (decode + encode only, no alignment or labels): {:.0} ms · {} KiB",
            start.elapsed().as_secs_f64() * 1000.0,
            std::fs::metadata(&out).map_or(0, |m| m.len() / 1024)
        );
    }
}

/// Mean CIELAB of the same 12 MP photo with colour-science (numpy), if installed.
fn colour_science_baseline(image: &image::RgbImage, root: &Path) {
    let png = root.join("twelve-mp.png");
    if image.save(&png).is_err() {
        return;
    }
    let script = format!(
        "import time, numpy as np, colour\nfrom PIL import Image\n\
         a = np.asarray(Image.open(r'{}').convert('RGB')) / 255.0\n\
         t = time.perf_counter()\n\
         lab = colour.XYZ_to_Lab(colour.sRGB_to_XYZ(a))\n\
         m = lab.reshape(-1, 3).mean(axis=0)\n\
         print('colour-science: %.0f ms · L*a*b* %.2f %.2f %.2f' % ((time.perf_counter() - t) * 1000, *m))\n",
        png.display()
    );
    match Command::new("python3").args(["-c", &script]).output() {
        Ok(o) if o.status.success() => print!("{}", String::from_utf8_lossy(&o.stdout)),
        _ => println!(
            "colour-science: not installed (pip install colour-science pillow), no comparison"
        ),
    }
}
