//! Photo textures: decoded off the UI thread, cached on the GPU within a byte budget,
//! evicting what was not shown recently. (egui's own loaders never evict.)

use crate::imaging::derive::{decode_upright, resize_to_fit};
use crate::imaging::{DecodeError, decode};
use crate::model::{PhotoFormat, PhotoId};
use egui::{ColorImage, TextureHandle, TextureOptions};
use std::collections::{HashMap, VecDeque};
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Condvar, Mutex};

/// Which rendition of a photo.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Rendition {
    /// 256 px long edge, from the cache folder.
    Thumbnail,
    /// 2048 px long edge, from the cache folder.
    Preview,
    /// The original, decoded and oriented (at most [`MAX_TEXTURE_SIDE`] a side).
    Full,
}

/// Until the renderer says otherwise, assume GPUs refuse textures larger than this.
pub const MAX_TEXTURE_SIDE: u32 = 8192;
/// Requests waiting beyond this are dropped oldest first: they scrolled out of view.
const MAX_QUEUED: usize = 512;

pub type ImageKey = (PhotoId, Rendition);

/// What to load: where the bytes are and what they are.
#[derive(Clone, Debug)]
pub struct ImageRequest {
    pub key: ImageKey,
    pub path: PathBuf,
    pub format: PhotoFormat,
    /// Reads the library's files (opening them in an encrypted library).
    pub files: crate::library::Files,
    /// A clinic workstation's cache may not have a preview or thumbnail another workstation
    /// imported: it is made from the original on the share when missing.
    pub rebuild: Option<Rebuild>,
}

/// What a missing cache file is made again from.
#[derive(Clone, Debug)]
pub struct Rebuild {
    pub library: Arc<crate::library::Library>,
    pub hash: crate::model::ContentHash,
}

impl Rebuild {
    fn run(&self, format: PhotoFormat) -> Result<(), ImageError> {
        let original = self.library.original_path(&self.hash, format);
        let bytes = self.library.read_file(&original)?;
        crate::jobs::verify::rebuild_cache(&self.library, &self.hash, format, &bytes).map_err(
            |reason| ImageError::Rebuild {
                path: original,
                reason,
            },
        )
    }
}

/// Why a rendition could not be shown.
#[derive(Debug, thiserror::Error)]
pub enum ImageError {
    /// The library error names the file.
    #[error(transparent)]
    Read(#[from] crate::library::LibraryError),
    #[error("{path}: {source}")]
    Decode { path: PathBuf, source: DecodeError },
    #[error("{path}: its preview could not be made: {reason}")]
    Rebuild { path: PathBuf, reason: String },
}

struct Loaded {
    key: ImageKey,
    image: Result<ColorImage, ImageError>,
}

struct Queue {
    requests: Mutex<(VecDeque<ImageRequest>, bool)>,
    ready: Condvar,
    /// The renderer's largest texture side, as last reported (decodes are scaled to fit).
    max_side: std::sync::atomic::AtomicU32,
}

/// A cached texture and when it was last drawn.
struct Entry {
    texture: TextureHandle,
    bytes: usize,
    last_used: u64,
}

/// The texture cache and its loader threads.
pub struct ImageCache {
    entries: HashMap<ImageKey, Entry>,
    failed: HashMap<ImageKey, ImageError>,
    pending: std::collections::HashSet<ImageKey>,
    queue: Arc<Queue>,
    results: Receiver<Loaded>,
    budget_bytes: usize,
    used_bytes: usize,
    frame: u64,
    workers: Vec<std::thread::JoinHandle<()>>,
}

impl std::fmt::Debug for ImageCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ImageCache")
            .field("entries", &self.entries.len())
            .field("used_bytes", &self.used_bytes)
            .field("budget_bytes", &self.budget_bytes)
            .finish_non_exhaustive()
    }
}

impl ImageCache {
    pub fn new(ctx: &egui::Context, budget_bytes: usize, threads: usize) -> Self {
        let queue = Arc::new(Queue {
            requests: Mutex::new((VecDeque::new(), false)),
            ready: Condvar::new(),
            max_side: std::sync::atomic::AtomicU32::new(MAX_TEXTURE_SIDE),
        });
        let (tx, results) = channel();
        let workers = (0..threads.max(1))
            .map(|n| {
                let (queue, tx, ctx) = (Arc::clone(&queue), tx.clone(), ctx.clone());
                std::thread::Builder::new()
                    .name(format!("image-loader-{n}"))
                    .spawn(move || load_loop(&queue, &tx, &ctx))
                    .expect("spawning an image loader")
            })
            .collect();
        Self {
            entries: HashMap::new(),
            failed: HashMap::new(),
            pending: std::collections::HashSet::new(),
            queue,
            results,
            budget_bytes,
            used_bytes: 0,
            frame: 0,
            workers,
        }
    }

    /// Call once per frame before drawing: uploads what the loaders finished.
    pub fn begin_frame(&mut self, ctx: &egui::Context) {
        self.frame += 1;
        let max_side = ctx.input(|i| i.max_texture_side).min(u32::MAX as usize) as u32;
        self.queue
            .max_side
            .store(max_side, std::sync::atomic::Ordering::Relaxed);
        while let Ok(loaded) = self.results.try_recv() {
            // Asked for before `clear` (another library opened, or this one locked): its
            // pixels are not shown, nor kept.
            if !self.pending.remove(&loaded.key) {
                continue;
            }
            let too_big = |image: &ColorImage| image.size.iter().any(|&s| s > max_side as usize);
            match loaded.image {
                // Decoded before the renderer reported a smaller limit: ask again.
                Ok(image) if too_big(&image) => {}
                Ok(image) => {
                    let bytes = image.pixels.len() * 4;
                    let name = format!("{:?}", loaded.key);
                    let texture = ctx.load_texture(name, image, TextureOptions::LINEAR);
                    self.used_bytes += bytes;
                    if let Some(old) = self.entries.insert(
                        loaded.key,
                        Entry {
                            texture,
                            bytes,
                            last_used: self.frame,
                        },
                    ) {
                        self.used_bytes -= old.bytes;
                    }
                }
                Err(e) => {
                    self.failed.insert(loaded.key, e);
                }
            }
        }
        self.evict();
    }

    /// The texture for `request`, or `None` while it loads (the request is queued).
    pub fn get(&mut self, request: &ImageRequest) -> Option<TextureHandle> {
        if let Some(entry) = self.entries.get_mut(&request.key) {
            entry.last_used = self.frame;
            return Some(entry.texture.clone());
        }
        if !self.failed.contains_key(&request.key) && self.pending.insert(request.key) {
            let mut guard = self.queue.requests.lock().expect("image queue poisoned");
            guard.0.push_back(request.clone());
            while guard.0.len() > MAX_QUEUED {
                if let Some(dropped) = guard.0.pop_front() {
                    self.pending.remove(&dropped.key);
                }
            }
            self.queue.ready.notify_one();
        }
        None
    }

    /// Why a rendition could not be loaded, if it failed.
    pub fn error(&self, key: &ImageKey) -> Option<&ImageError> {
        self.failed.get(key)
    }

    /// Whether this rendition is loaded.
    pub fn contains(&self, key: &ImageKey) -> bool {
        self.entries.contains_key(key)
    }

    /// Whether anything is still loading.
    pub fn is_loading(&self) -> bool {
        !self.pending.is_empty()
    }

    pub fn used_bytes(&self) -> usize {
        self.used_bytes
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Forgets everything (another library was opened, or files changed).
    pub fn clear(&mut self) {
        self.entries.clear();
        self.failed.clear();
        self.used_bytes = 0;
        self.queue
            .requests
            .lock()
            .expect("image queue poisoned")
            .0
            .clear();
        self.pending.clear();
    }

    /// Drops least recently drawn textures until within budget; never one drawn this frame
    /// or the last (a grid larger than the budget would otherwise thrash).
    fn evict(&mut self) {
        if self.used_bytes <= self.budget_bytes {
            return;
        }
        let mut by_age: Vec<(u64, ImageKey)> = self
            .entries
            .iter()
            .map(|(k, e)| (e.last_used, *k))
            .collect();
        by_age.sort_unstable_by_key(|(used, _)| *used);
        for (used, key) in by_age {
            if self.used_bytes <= self.budget_bytes || used + 1 >= self.frame {
                break;
            }
            if let Some(entry) = self.entries.remove(&key) {
                self.used_bytes -= entry.bytes;
            }
        }
    }
}

impl Drop for ImageCache {
    fn drop(&mut self) {
        self.queue.requests.lock().expect("image queue poisoned").1 = true;
        self.queue.ready.notify_all();
        for worker in self.workers.drain(..) {
            let _ = worker.join();
        }
    }
}

fn load_loop(queue: &Queue, results: &Sender<Loaded>, ctx: &egui::Context) {
    loop {
        let request = {
            let mut guard = queue.requests.lock().expect("image queue poisoned");
            loop {
                if guard.1 {
                    return;
                }
                // Newest first: what was asked for last is what is on screen now.
                if let Some(r) = guard.0.pop_back() {
                    break r;
                }
                guard = queue.ready.wait(guard).expect("image queue poisoned");
            }
        };
        let image = load(
            &request,
            queue.max_side.load(std::sync::atomic::Ordering::Relaxed),
        );
        if results
            .send(Loaded {
                key: request.key,
                image,
            })
            .is_err()
        {
            return;
        }
        ctx.request_repaint();
    }
}

fn load(request: &ImageRequest, max_side: u32) -> Result<ColorImage, ImageError> {
    let bytes = match (request.files.read(&request.path), &request.rebuild) {
        (Err(crate::library::LibraryError::Io { source, .. }), Some(rebuild))
            if source.kind() == std::io::ErrorKind::NotFound
                && request.key.1 != Rendition::Full =>
        {
            rebuild.run(request.format)?;
            request.files.read(&request.path)?
        }
        (read, _) => read?,
    };
    let rgb = match request.key.1 {
        Rendition::Thumbnail | Rendition::Preview => decode(&bytes, PhotoFormat::Jpeg),
        Rendition::Full => decode_upright(&bytes, request.format, max_side),
    }
    .map_err(|source| ImageError::Decode {
        path: request.path.clone(),
        source,
    })?;
    let rgb = if rgb.width().max(rgb.height()) > max_side {
        resize_to_fit(&rgb, max_side)
    } else {
        rgb
    };
    let size = [rgb.width() as usize, rgb.height() as usize];
    Ok(ColorImage::from_rgb(size, rgb.as_raw()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::imaging::synth::{SkinScene, jpeg_with_exif, render_skin};

    /// Frames until `request` is loaded.
    fn load(cache: &mut ImageCache, ctx: &egui::Context, request: &ImageRequest) -> TextureHandle {
        for _ in 0..2000 {
            cache.begin_frame(ctx);
            if let Some(t) = cache.get(request) {
                return t;
            }
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        panic!("{request:?} never loaded");
    }

    #[test]
    fn stays_within_its_budget_evicting_the_least_recently_shown() {
        let dir = tempfile::tempdir().unwrap();
        let requests: Vec<ImageRequest> = (0..6)
            .map(|i| {
                let path = dir.path().join(format!("{i}.jpg"));
                std::fs::write(
                    &path,
                    jpeg_with_exif(&render_skin(&SkinScene::new(32, 32, i)), 90, None),
                )
                .unwrap();
                ImageRequest {
                    key: (PhotoId(i as i64), Rendition::Thumbnail),
                    path,
                    format: PhotoFormat::Jpeg,
                    files: crate::library::Files::default(),
                    rebuild: None,
                }
            })
            .collect();
        let ctx = egui::Context::default();
        let one = 32 * 32 * 4;
        let mut cache = ImageCache::new(&ctx, 3 * one, 1);
        for r in &requests[..3] {
            let _ = load(&mut cache, &ctx, r);
        }
        assert_eq!((cache.len(), cache.used_bytes()), (3, 3 * one));
        // Photo 0 is shown again, so 1 is now the least recently shown.
        cache.begin_frame(&ctx);
        assert!(cache.get(&requests[0]).is_some());
        for r in &requests[3..] {
            let _ = load(&mut cache, &ctx, r);
            cache.begin_frame(&ctx);
            cache.begin_frame(&ctx);
        }
        assert!(
            cache.used_bytes() <= 3 * one,
            "over budget: {}",
            cache.used_bytes()
        );
        cache.begin_frame(&ctx);
        assert!(
            cache.entries.contains_key(&requests[5].key),
            "the newest stays"
        );
        assert!(
            !cache.entries.contains_key(&requests[1].key),
            "the least recently shown went first"
        );
    }

    #[test]
    fn a_missing_file_is_an_error_not_a_retry_loop() {
        let ctx = egui::Context::default();
        let mut cache = ImageCache::new(&ctx, 1 << 20, 1);
        let request = ImageRequest {
            key: (PhotoId(1), Rendition::Preview),
            path: PathBuf::from("/nonexistent/preview.jpg"),
            format: PhotoFormat::Jpeg,
            files: crate::library::Files::default(),
            rebuild: None,
        };
        assert!(cache.get(&request).is_none());
        for _ in 0..2000 {
            cache.begin_frame(&ctx);
            if cache.error(&request.key).is_some() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        assert!(
            cache
                .error(&request.key)
                .unwrap()
                .to_string()
                .contains("/nonexistent/preview.jpg")
        );
        assert!(cache.get(&request).is_none());
        assert!(!cache.is_loading(), "failed images are not requested again");
    }
}
