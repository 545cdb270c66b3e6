//! A throwaway PostgreSQL cluster for tests: `initdb` into a temporary folder, started on a
//! free loopback port with the installed server binaries, and stopped (its folder removed)
//! when the test process ends, however it ends.
//!
//! The server refuses to run as root, so when the tests run as root (CI does) the folder is
//! given to the `postgres` user and the server binaries run as that user.

use std::fmt::Write as _;
use std::net::TcpListener;
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

/// The superuser's password (host connections need one: the cluster authenticates with
/// SCRAM, as a clinic's server does).
pub const SUPERUSER_PASSWORD: &str = "throwaway-superuser";

/// A running cluster.
#[derive(Debug)]
pub struct Cluster {
    pub port: u16,
    pub dir: PathBuf,
    bin: PathBuf,
    owner: Option<(u32, u32)>,
}

static CLUSTER: OnceLock<Result<Cluster, String>> = OnceLock::new();
static DATABASES: AtomicUsize = AtomicUsize::new(0);

/// The server's settings for tests: nothing is synced (the cluster is thrown away), and the
/// write-ahead log is kept small. Every `CREATE DATABASE` logs its whole template (about
/// 8 MB); with the default `max_wal_size` of 1 GB the log alone grew to 1 GB in a run of the
/// integration suite, and CI's disk ran out.
const SETTINGS: &str = "-c fsync=off -c synchronous_commit=off -c full_page_writes=off \
     -c wal_level=minimal -c max_wal_senders=0 -c max_wal_size=64MB -c min_wal_size=32MB \
     -c max_connections=200";

/// The cluster of this test process, started on first use.
///
/// # Panics
/// When no PostgreSQL server is installed or it does not start: the message says why and
/// how to install it.
pub fn cluster() -> &'static Cluster {
    match CLUSTER.get_or_init(Cluster::start) {
        Ok(c) => c,
        Err(e) => panic!("{e}"),
    }
}

impl Cluster {
    fn start() -> Result<Self, String> {
        let bin = server_bin()?;
        let owner = if rustix::process::geteuid().is_root() {
            Some(postgres_user()?)
        } else {
            None
        };
        let dir = tempfile::Builder::new()
            .prefix("skinlapse-pg-")
            .tempdir()
            .map_err(|e| format!("a folder for the test cluster: {e}"))?
            .keep();
        let cluster = Self {
            port: 0,
            dir,
            bin,
            owner,
        };
        if let Some((uid, gid)) = owner {
            std::os::unix::fs::chown(&cluster.dir, Some(uid), Some(gid))
                .map_err(|e| format!("giving {} to postgres: {e}", cluster.dir.display()))?;
        }
        let pwfile = cluster.dir.join("pw");
        std::fs::write(&pwfile, SUPERUSER_PASSWORD).map_err(|e| e.to_string())?;
        if let Some((uid, gid)) = owner {
            std::os::unix::fs::chown(&pwfile, Some(uid), Some(gid)).map_err(|e| e.to_string())?;
        }
        let data = cluster.dir.join("data");
        cluster.run(
            "initdb",
            &[
                "-D".as_ref(),
                data.as_os_str(),
                "-U".as_ref(),
                "postgres".as_ref(),
                "--auth-local=trust".as_ref(),
                "--auth-host=scram-sha-256".as_ref(),
                format!("--pwfile={}", pwfile.display()).as_ref(),
                "-E".as_ref(),
                "UTF8".as_ref(),
                "--locale=C".as_ref(),
                "--no-sync".as_ref(),
            ],
        )?;
        let mut last = String::new();
        for _ in 0..5 {
            let port = free_port()?;
            let options = format!(
                "-c port={port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={} \
                 {SETTINGS}",
                cluster.dir.display()
            );
            let log = cluster.dir.join("log");
            match cluster.run(
                "pg_ctl",
                &[
                    "-D".as_ref(),
                    data.as_os_str(),
                    "-l".as_ref(),
                    log.as_os_str(),
                    "-w".as_ref(),
                    "-o".as_ref(),
                    options.as_ref(),
                    "start".as_ref(),
                ],
            ) {
                Ok(()) => {
                    let cluster = Self { port, ..cluster };
                    cluster.stop_when_process_ends(&data)?;
                    return Ok(cluster);
                }
                Err(e) => last = e,
            }
        }
        Err(last)
    }

    /// Runs a server binary (as `postgres` when we are root), failing with its output.
    fn run(&self, name: &str, args: &[&std::ffi::OsStr]) -> Result<(), String> {
        let mut cmd = Command::new(self.bin.join(name));
        cmd.args(args).stdin(Stdio::null()).current_dir(&self.dir);
        if let Some((uid, gid)) = self.owner {
            cmd.uid(uid).gid(gid).env("HOME", &self.dir);
        }
        let out = cmd
            .output()
            .map_err(|e| format!("running {}: {e}", self.bin.join(name).display()))?;
        if out.status.success() {
            Ok(())
        } else {
            Err(format!(
                "{name} failed ({}): {}{}",
                out.status,
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ))
        }
    }

    /// A detached watchdog stops the server and removes its folder once this process is
    /// gone (statics are never dropped, and a test binary may be killed).
    fn stop_when_process_ends(&self, data: &Path) -> Result<(), String> {
        let mut script = String::new();
        let _ = write!(
            script,
            "while kill -0 {pid} 2>/dev/null; do sleep 1; done; ",
            pid = std::process::id()
        );
        let stop = format!(
            "'{}' -D '{}' stop -m immediate >/dev/null 2>&1",
            self.bin.join("pg_ctl").display(),
            data.display()
        );
        match self.owner {
            Some(_) => {
                let _ = write!(script, "su postgres -s /bin/sh -c \"{stop}\"; ");
            }
            None => {
                let _ = write!(script, "{stop}; ");
            }
        }
        let _ = write!(script, "rm -rf '{}'", self.dir.display());
        Command::new("sh")
            .args(["-c", &script])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .map(drop)
            .map_err(|e| format!("starting the cluster's watchdog: {e}"))
    }

    /// A connection string for `user` on `database`.
    pub fn url(&self, database: &str) -> String {
        format!("postgresql://127.0.0.1:{}/{database}", self.port)
    }

    /// The superuser's configuration for `database`.
    pub fn superuser(&self, database: &str) -> postgres::Config {
        let mut config: postgres::Config = self.url(database).parse().expect("a valid url");
        config.user("postgres").password(SUPERUSER_PASSWORD);
        config
    }

    /// A database name no other test in this process uses.
    pub fn fresh_name(&self, stem: &str) -> String {
        format!("{stem}_{}", DATABASES.fetch_add(1, Ordering::Relaxed))
    }
}

/// When a test is finished with a database of the cluster.
#[derive(Debug)]
pub enum FinishedWhen {
    /// The test's library folder is gone (its temporary folder was removed at the end of the
    /// test). Seen gone twice, a second apart.
    FolderGone(PathBuf),
    /// The thread that made the database has ended (each test runs on a thread of its own).
    ThreadEnds,
}

/// Drops `database` once its test is finished with it (`DROP DATABASE … WITH (FORCE)`), on a
/// thread of its own, so a run of hundreds of tests holds only the databases of the tests
/// still running: each is about 10 MB, and they are not dropped with the cluster until the
/// test process ends.
pub fn drop_when_finished(database: &str, when: FinishedWhen) {
    static REAPER: OnceLock<()> = OnceLock::new();
    let finished: Box<dyn FnMut() -> bool + Send> = match when {
        FinishedWhen::FolderGone(root) => {
            let mut seen_gone = false;
            Box::new(move || {
                let gone = std::fs::symlink_metadata(&root)
                    .is_err_and(|e| e.kind() == std::io::ErrorKind::NotFound);
                let finished = gone && seen_gone;
                seen_gone = gone;
                finished
            })
        }
        FinishedWhen::ThreadEnds => {
            let ended = THREAD_ENDED.with(|flag| Arc::clone(&flag.0));
            Box::new(move || ended.load(Ordering::Relaxed))
        }
    };
    doomed()
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .push((database.to_owned(), finished));
    REAPER.get_or_init(|| {
        std::thread::Builder::new()
            .name("test-database-reaper".into())
            .spawn(reap)
            .map(drop)
            .expect("starting the test database reaper");
    });
}

type Doomed = Vec<(String, Box<dyn FnMut() -> bool + Send>)>;

fn doomed() -> &'static Mutex<Doomed> {
    static DOOMED: Mutex<Doomed> = Mutex::new(Vec::new());
    &DOOMED
}

/// Set when the thread that owns it ends.
struct ThreadEnd(Arc<AtomicBool>);

impl Drop for ThreadEnd {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

thread_local! {
    static THREAD_ENDED: ThreadEnd = ThreadEnd(Arc::new(AtomicBool::new(false)));
}

/// The reaper: every second, drops the databases whose tests are finished.
fn reap() {
    let mut client: Option<postgres::Client> = None;
    loop {
        std::thread::sleep(Duration::from_secs(1));
        let finished: Vec<String> = {
            let mut doomed = doomed()
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            let mut finished = Vec::new();
            doomed.retain_mut(|(database, is_finished)| {
                let done = is_finished();
                if done {
                    finished.push(database.clone());
                }
                !done
            });
            finished
        };
        for database in finished {
            let result = match &mut client {
                Some(c) => Ok(c),
                None => cluster()
                    .superuser("postgres")
                    .connect(postgres::NoTls)
                    .map(|c| client.insert(c)),
            }
            .and_then(|c| {
                c.batch_execute(&format!(
                    "DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)"
                ))
            });
            if let Err(e) = result {
                // Said once and left: the cluster goes with the test process anyway.
                eprintln!("dropping the finished test database {database}: {e}");
                client = None;
            }
        }
    }
}

/// The newest installed server's binaries (`SKINLAPSE_PG_BIN` overrides).
fn server_bin() -> Result<PathBuf, String> {
    if let Some(dir) = std::env::var_os("SKINLAPSE_PG_BIN") {
        return Ok(PathBuf::from(dir));
    }
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let version = e.file_name().to_str()?.parse().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").exists().then_some((version, bin))
        })
        .collect();
    found.sort();
    found.pop().map(|(_, bin)| bin).ok_or_else(|| {
        "no PostgreSQL server is installed (no /usr/lib/postgresql/*/bin/initdb): \
         `apt-get install postgresql`, or set SKINLAPSE_PG_BIN"
            .to_owned()
    })
}

/// The `postgres` user's uid and gid, from /etc/passwd.
fn postgres_user() -> Result<(u32, u32), String> {
    let passwd = std::fs::read_to_string("/etc/passwd").map_err(|e| e.to_string())?;
    passwd
        .lines()
        .find_map(|line| {
            let f: Vec<&str> = line.split(':').collect();
            (f.first() == Some(&"postgres") && f.len() > 3)
                .then(|| Some((f[2].parse().ok()?, f[3].parse().ok()?)))
                .flatten()
        })
        .ok_or_else(|| "running as root, but there is no `postgres` user to run the server".into())
}

fn free_port() -> Result<u16, String> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|e| e.to_string())
}
