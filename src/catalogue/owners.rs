//! Owner locks of a clinic library, held in the clinic's database: each process that opens
//! the library holds a session-level advisory lock named by its owner token on a connection
//! of its own, for as long as it lives. Another workstation's recovery asks the database
//! whether that lock is free, rather than `flock` on the share, which SMB and NFS clients do
//! not reliably pass on to other machines. The server frees the lock when the connection
//! ends: at exit, or when the workstation has gone away (keepalive probes notice within
//! about a minute).

use super::db::Conn;
use super::{Catalogue, CatalogueError, Result};

/// The lock key of an owner token: its 16 hex digits as a 64-bit number (any other claim
/// owner, a test's or a benchmark's name, by its hash: nobody holds that lock).
fn key(token: &str) -> i64 {
    let bits = match u64::from_str_radix(token, 16) {
        Ok(k) if token.len() == 16 => k,
        _ => {
            let hash = blake3::hash(token.as_bytes());
            let mut first = [0u8; 8];
            first.copy_from_slice(&hash.as_bytes()[..8]);
            u64::from_le_bytes(first)
        }
    };
    bits.cast_signed()
}

/// How soon the server notices a workstation that went away without closing its
/// connection: probes after 30 s of silence, every 10 s, given up after 3.
const KEEPALIVES: &str =
    "SET tcp_keepalives_idle = 30; SET tcp_keepalives_interval = 10; SET tcp_keepalives_count = 3";

impl Catalogue {
    fn pg_only(&self, what: &'static str) -> Result<()> {
        match &self.conn {
            Conn::Pg(_) => Ok(()),
            Conn::Sqlite(_) => Err(CatalogueError::Unsupported { what }),
        }
    }

    /// Holds the owner lock of `token` until this connection closes (keep it open, unused,
    /// for the process's life). Waits for nobody: a fresh token is nobody else's.
    pub fn hold_owner_lock(&mut self, token: &str) -> Result<()> {
        self.pg_only("owner locks in the database (a personal library locks files)")?;
        let key = key(token);
        if let Conn::Pg(c) = &self.conn {
            c.batch(KEEPALIVES)?;
        }
        let held: bool = self
            .conn
            .query_row("SELECT pg_try_advisory_lock(?1)", [key], |r| r.get(0))?;
        if held {
            Ok(())
        } else {
            Err(CatalogueError::Invalid {
                field: "owner token",
                reason: format!("{token} is held by another process already"),
            })
        }
    }

    /// Whether the process that held `token`'s owner lock is gone: then this connection
    /// takes the lock (so no other workstation cleans up after it at the same time) and holds
    /// it until it closes or [`Catalogue::release_owner_lock`].
    pub fn take_dead_owner_lock(&mut self, token: &str) -> Result<bool> {
        self.pg_only("owner locks in the database (a personal library locks files)")?;
        let key = key(token);
        Ok(self
            .conn
            .query_row("SELECT pg_try_advisory_lock(?1)", [key], |r| r.get(0))?)
    }

    /// Lets go of an owner lock taken by [`Catalogue::take_dead_owner_lock`].
    pub fn release_owner_lock(&mut self, token: &str) -> Result<()> {
        self.pg_only("owner locks in the database (a personal library locks files)")?;
        let key = key(token);
        let _: bool = self
            .conn
            .query_row("SELECT pg_advisory_unlock(?1)", [key], |r| r.get(0))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two connections of one clinic stand for two workstations: the lock one holds is not
    /// free to the other until its connection closes; on SQLite there are none.
    #[test]
    fn an_owner_lock_is_held_until_its_connection_closes() {
        if crate::testing::backend() == super::super::Backend::Sqlite {
            let mut cat = crate::testing::catalogue();
            let e = cat.hold_owner_lock("00ff00ff00ff00ff").unwrap_err();
            assert!(matches!(e, CatalogueError::Unsupported { .. }), "{e:?}");
            return;
        }
        let (config, database) = crate::testing::clinic_database();
        let admin = crate::testing::admin_name(&database);
        let open =
            || Catalogue::open_clinic(&config, &admin, crate::testing::ADMIN_PASSWORD).unwrap();
        let mut room_1 = open();
        let mut room_2 = open();
        let token = "8f00aa00bb00cc01";
        room_1.hold_owner_lock(token).unwrap();
        assert!(!room_2.take_dead_owner_lock(token).unwrap(), "alive");
        assert!(room_2.hold_owner_lock(token).is_err());
        drop(room_1);
        // The server frees it once it has seen the connection close.
        let start = std::time::Instant::now();
        while !room_2.take_dead_owner_lock(token).unwrap() {
            assert!(
                start.elapsed() < std::time::Duration::from_secs(10),
                "never freed"
            );
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        let mut room_3 = open();
        assert!(
            !room_3.take_dead_owner_lock(token).unwrap(),
            "room 2 cleans up"
        );
        room_2.release_owner_lock(token).unwrap();
        assert!(room_3.take_dead_owner_lock(token).unwrap());
        assert_eq!(key("station-2"), key("station-2"));
        assert_ne!(key("station-2"), key("station-3"));
    }
}
