//! A clinic library shown live: a worker listens for the database's change notices (another
//! workstation imported, tagged or edited) and the app reads again what they touch, at
//! most once a second, without a restart.

use super::cx::Stale;
use crate::catalogue::clinic::ClinicSession;
use crate::library::clinic::ClinicLogin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

/// The fastest the app reads again after changes elsewhere.
const MIN_INTERVAL: Duration = Duration::from_secs(1);

/// The listening worker; it stops (within a second) when this is dropped.
#[derive(Debug)]
pub struct ChangeWatch {
    stop: Arc<AtomicBool>,
    changes: Receiver<String>,
    /// What changed and was not read again yet.
    pending: Stale,
    last: Option<Instant>,
}

impl ChangeWatch {
    /// Starts listening as the signed-in user (their own connection).
    pub fn start(login: Arc<ClinicLogin>, ctx: egui::Context) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let (tx, changes) = channel();
        let halt = Arc::clone(&stop);
        std::thread::Builder::new()
            .name("clinic-changes".into())
            .spawn(move || {
                while !halt.load(Ordering::Relaxed) {
                    let heard = ClinicSession::sign_in(&login.server, &login.user, &login.password)
                        .and_then(|mut session| {
                            session.watch_changes(&halt, |table| {
                                let _ = tx.send(table.to_owned());
                                ctx.request_repaint();
                            })
                        });
                    if heard.is_err() {
                        // The server went away: listen again once it is back.
                        std::thread::sleep(Duration::from_secs(5));
                    }
                }
            })
            .expect("spawning the change listener");
        Self {
            stop,
            changes,
            pending: Stale::NONE,
            last: None,
        }
    }

    /// What to read again now (at most once a second), given the changes heard.
    pub fn due(&mut self, ctx: &egui::Context) -> Stale {
        for table in self.changes.try_iter() {
            self.pending |= stale_for(&table);
        }
        if self.pending == Stale::NONE {
            return Stale::NONE;
        }
        if let Some(wait) = self
            .last
            .map(|t| MIN_INTERVAL.saturating_sub(t.elapsed()))
            .filter(|w| !w.is_zero())
        {
            ctx.request_repaint_after(wait);
            return Stale::NONE;
        }
        self.last = Some(Instant::now());
        std::mem::replace(&mut self.pending, Stale::NONE)
    }
}

impl Drop for ChangeWatch {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// What a change to `table` makes stale.
fn stale_for(table: &str) -> Stale {
    match table {
        "person" | "term" => Stale::PEOPLE | Stale::SERIES | Stale::GRID | Stale::PAGES,
        "series" | "session" | "series_term" | "series_view" => {
            Stale::SERIES | Stale::GRID | Stale::PAGES
        }
        "photo" | "photo_term" | "photo_companion" | "photo_warning" => {
            Stale::PEOPLE | Stale::GRID | Stale::DETAILS | Stale::PAGES
        }
        "alignment" | "landmark" => Stale::PAGES | Stale::LANDMARKS,
        "face" => Stale::PAGES | Stale::FACES,
        "setting" => Stale::LIBRARY,
        _ => Stale::PAGES | Stale::DETAILS,
    }
}
