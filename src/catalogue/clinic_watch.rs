//! Other workstations' changes, as they happen: the clinic database's change triggers
//! `NOTIFY skinlapse_change` with the table's name, and a listening connection hears it.

use super::clinic::{ClinicError, ClinicSession};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// The channel the change triggers notify on (`pg/002_clinic.sql`).
const CHANNEL: &str = "skinlapse_change";

impl ClinicSession {
    /// Listens for changes until `stop` is set (checked every second), calling `changed`
    /// with each changed table's name.
    ///
    /// # Errors
    /// The connection was lost.
    pub fn watch_changes(
        &mut self,
        stop: &AtomicBool,
        mut changed: impl FnMut(&str),
    ) -> Result<(), ClinicError> {
        let client = self.client();
        client
            .batch_execute(&format!("LISTEN {CHANNEL}"))
            .map_err(ClinicError::Sql)?;
        while !stop.load(Ordering::Relaxed) {
            let mut notifications = client.notifications();
            let mut wait = notifications.timeout_iter(Duration::from_secs(1));
            while let Some(n) = postgres::fallible_iterator::FallibleIterator::next(&mut wait)
                .map_err(ClinicError::Sql)?
            {
                changed(n.payload());
                if stop.load(Ordering::Relaxed) {
                    return Ok(());
                }
            }
        }
        Ok(())
    }
}
