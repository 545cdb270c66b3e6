//! `skinlapse clinic …`: report settings, and a clinic's database, users and audit trail.

// The doc comments below are the command's --help: plain words, no Markdown.
#![allow(clippy::doc_markdown)]

use super::{Failure, library_root, open_library};
use crate::catalogue::clinic::{
    self, AuditFilter, AuditRow, ClinicError, ClinicSession, Role, SignInVia,
};
use crate::library::clinic::{self as clinic_folder, ClinicSettings};
use chrono::{Local, NaiveDate, TimeZone as _};
use std::fmt::Write as _;
use std::io::IsTerminal as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use zeroize::Zeroizing;

/// The password of the signed-in user, for scripts.
pub const PASSWORD_ENV: &str = "SKINLAPSE_PASSWORD";
/// A new user's first password (or a new clinic admin's), for scripts.
pub const NEW_PASSWORD_ENV: &str = "SKINLAPSE_NEW_PASSWORD";
/// The shortest password a user may choose.
const MIN_PASSWORD: usize = 8;

/// `skinlapse clinic …`.
#[derive(Debug, clap::Subcommand)]
pub enum ClinicCommand {
    /// The clinic's name and logo printed at the top of PDF reports, and on a clinic library
    /// the idle time after which the app signs out (shown when given no options).
    Settings(ClinicArgs),
    /// Make a clinic library: its PostgreSQL database (roles, schema, the first admin) and
    /// the shared folder naming it. The server account that creates it comes from PGUSER
    /// (default postgres) and PGPASSWORD (else you are asked); the admin's password from a
    /// prompt or SKINLAPSE_NEW_PASSWORD.
    Create(CreateArgs),
    /// The clinic's users (admins only): add, list, disable.
    #[command(subcommand)]
    User(UserCommand),
    /// The audit trail (admins only): who viewed, changed, imported or exported what, when.
    Audit(AuditArgs),
    /// Move a personal library into this clinic (--library is the clinic), resumable and
    /// verified.
    ///
    /// Everything comes along: people, series, sessions, photos and their RAW companions,
    /// tags, grades, side effects, contraindications, consent and its history, alignments,
    /// faces, regions, measurements, card corrections, and the settings the clinic has none
    /// of. A clinician or an admin signs in with --user. Refused, with nothing written, when
    /// a patient of the library has the name of one the clinic has. Safe to interrupt: run
    /// it again to finish. Ends by counting every kind of row in both and checking every
    /// original by its content hash.
    ImportLibrary(super::clinic_import::ImportLibraryArgs),
    /// Bring the clinic's database to this Skinlapse's schema, after Skinlapse was updated
    /// (workstations refuse to sign in until it is). Runs as the server account that made the
    /// clinic: PGUSER (default postgres) and PGPASSWORD (else you are asked). Safe to run
    /// twice or from two workstations at once.
    Upgrade,
}

#[derive(Debug, clap::Args)]
pub struct CreateArgs {
    /// The clinic's database, as postgresql://HOST[:PORT]/DB (made when missing).
    #[arg(long, value_name = "URL")]
    pub database: String,
    /// The first admin's user name (lower-case letters, digits, ".", "_", "-").
    #[arg(long, value_name = "NAME")]
    pub admin: String,
}

#[derive(Debug, clap::Subcommand)]
pub enum UserCommand {
    /// Add a user; their first password comes from a prompt or SKINLAPSE_NEW_PASSWORD, and
    /// they change it at their first sign-in.
    Add {
        name: String,
        /// admin (users, settings), clinician (everything clinical, exports within consent)
        /// or assistant (import, tag, compare; no export, no clinical record).
        #[arg(long, value_name = "ROLE", default_value = "assistant")]
        role: String,
    },
    /// List the users with their role and status.
    List {
        /// One JSON object per user, in an array.
        #[arg(long)]
        json: bool,
    },
    /// Disable a user: no more sign-ins; their open sessions end.
    Disable { name: String },
}

#[derive(Debug, clap::Args)]
pub struct AuditArgs {
    /// Only actions concerning this patient (by name).
    #[arg(long, value_name = "NAME")]
    pub patient: Option<String>,
    /// Only actions from this day on (YYYY-MM-DD, local time).
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Only the actions of this user (--user is who signs in).
    #[arg(long, value_name = "NAME")]
    pub by: Option<String>,
    /// An array of objects {at, user, workstation, action, target_kind, target_id, patient,
    /// purpose, detail}.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
pub struct ClinicArgs {
    /// The clinic's name, printed at the top of reports ("" removes it).
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// The clinic's logo (PNG or JPEG), printed beside the name.
    #[arg(long, value_name = "FILE", conflicts_with = "remove_logo")]
    pub logo: Option<PathBuf>,
    /// Remove the logo.
    #[arg(long)]
    pub remove_logo: bool,
    /// On a clinic library (admins only): after how many minutes without input the app signs
    /// out, 1 to 480 (default 15). Every signed-in workstation applies it within seconds.
    #[arg(long, value_name = "MINUTES")]
    pub idle_timeout_minutes: Option<String>,
}

pub fn run(
    library: Option<PathBuf>,
    user: Option<&str>,
    command: &ClinicCommand,
) -> Result<ExitCode, Failure> {
    match command {
        ClinicCommand::Settings(args) => run_settings(library, args),
        ClinicCommand::Create(args) => run_create(library, args),
        ClinicCommand::User(command) => run_user(library, user, command),
        ClinicCommand::Audit(args) => run_audit(library, user, args),
        ClinicCommand::ImportLibrary(args) => super::clinic_import::run(library, user, args),
        ClinicCommand::Upgrade => run_upgrade(library),
    }
}

/// Report settings: the clinic's name and logo.
fn run_settings(library: Option<PathBuf>, args: &ClinicArgs) -> Result<ExitCode, Failure> {
    let logo = match &args.logo {
        Some(path) => {
            let bytes = std::fs::read(path)
                .map_err(|e| Failure::usage(format!("{}: {e}", path.display())))?;
            image::load_from_memory(&bytes).map_err(|e| {
                Failure::usage(format!("{}: not a PNG or JPEG image ({e})", path.display()))
            })?;
            Some(bytes)
        }
        None => None,
    };
    let idle = args
        .idle_timeout_minutes
        .as_deref()
        .map(|m| {
            crate::model::idle::parse(m)
                .map_err(|e| Failure::usage(format!("--idle-timeout-minutes: {e}")))
        })
        .transpose()?;
    let library = open_library(library)?;
    if idle.is_some() && !library.is_clinic() {
        return Err(Failure::usage(format!(
            "--idle-timeout-minutes: {} is a personal library, which never signs out; the idle time is a clinic's setting",
            library.root().display()
        )));
    }
    let mut cat = library.catalogue()?;
    if let Some(minutes) = idle {
        let text = crate::model::idle::check(minutes).map_err(Failure::usage)?;
        cat.set_setting(crate::model::idle::SETTING, Some(&text))?;
    }
    if let Some(name) = &args.name {
        let name = name.trim();
        cat.set_setting(
            crate::catalogue::CLINIC_NAME,
            (!name.is_empty()).then_some(name),
        )?;
    }
    if logo.is_some() || args.remove_logo {
        cat.set_clinic_logo(logo.as_deref())?;
    }
    println!(
        "clinic name: {}",
        cat.setting(crate::catalogue::CLINIC_NAME)?
            .unwrap_or_else(|| "(none)".into())
    );
    println!(
        "logo: {}",
        cat.clinic_logo()?
            .map_or("(none)".to_owned(), |b| format!("{} bytes", b.len()))
    );
    if library.is_clinic() {
        let minutes =
            crate::model::idle::from_setting(cat.setting(crate::model::idle::SETTING)?.as_deref());
        println!("idle timeout: {}", crate::model::idle::words(minutes));
    }
    Ok(ExitCode::SUCCESS)
}

impl From<ClinicError> for Failure {
    fn from(e: ClinicError) -> Self {
        match e {
            ClinicError::Refused(_)
            | ClinicError::Forbidden { .. }
            | ClinicError::AlreadyClinic { .. }
            | ClinicError::NameTaken(_) => Self::usage(e.to_string()),
            other => Self::runtime(other.to_string()),
        }
    }
}

/// `--database`, checked: a PostgreSQL URL with a host and a database.
pub(super) fn database_config(url: &str) -> Result<(postgres::Config, String), Failure> {
    let bad = |why: &str| {
        Failure::usage(format!(
            "--database {url}: {why} (expected postgresql://HOST[:PORT]/DB)"
        ))
    };
    if !(url.starts_with("postgresql://") || url.starts_with("postgres://")) {
        return Err(bad("not a postgresql:// address"));
    }
    let config: postgres::Config = url.parse().map_err(|e| bad(&format!("{e}")))?;
    if config.get_hosts().is_empty() {
        return Err(bad("no host"));
    }
    let db = config
        .get_dbname()
        .filter(|d| !d.is_empty())
        .ok_or_else(|| bad("no database name"))?
        .to_owned();
    Ok((config, db))
}

pub(super) fn prompt(question: &str) -> Result<Zeroizing<String>, Failure> {
    super::secure::prompt_secret(question, "password")
}

/// A new password: from `SKINLAPSE_NEW_PASSWORD`, else typed twice.
fn new_password(whose: &str) -> Result<Zeroizing<String>, Failure> {
    let password = match std::env::var(NEW_PASSWORD_ENV) {
        Ok(p) => Zeroizing::new(p),
        Err(_) if std::io::stdin().is_terminal() => {
            let first = prompt(&format!("{whose}'s first password: "))?;
            if *prompt("The same again: ")? != *first {
                return Err(Failure::usage(
                    "the two passwords differ; nothing was changed",
                ));
            }
            first
        }
        Err(_) => {
            return Err(Failure::usage(format!(
                "no password for {whose} was given: type it when asked, or set {NEW_PASSWORD_ENV}"
            )));
        }
    };
    if password.chars().count() < MIN_PASSWORD {
        return Err(Failure::usage(format!(
            "{whose}'s password is shorter than {MIN_PASSWORD} characters; nothing was changed"
        )));
    }
    Ok(password)
}

fn run_create(library: Option<PathBuf>, args: &CreateArgs) -> Result<ExitCode, Failure> {
    let root = library_root(library)?;
    let (mut server, database) = database_config(&args.database)?;
    // The folder is checked before the database is touched.
    if std::fs::read_dir(&root).is_ok_and(|mut d| d.next().is_some()) {
        return Err(Failure::usage(format!(
            "{} is not empty: a clinic library is made only in an empty or new folder",
            root.display()
        )));
    }
    let bootstrap_user = std::env::var("PGUSER").unwrap_or_else(|_| "postgres".into());
    let bootstrap_password = match std::env::var("PGPASSWORD") {
        Ok(p) => Some(Zeroizing::new(p)),
        Err(_) if std::io::stdin().is_terminal() => Some(prompt(&format!(
            "Password of the PostgreSQL account {bootstrap_user} (it creates the clinic): "
        ))?),
        Err(_) => None,
    };
    let admin_password = new_password(&args.admin)?;
    server.user(&bootstrap_user);
    if let Some(p) = &bootstrap_password {
        server.password(p.as_str());
    }
    let mut admin_db = server.clone();
    admin_db.dbname("postgres");
    clinic::create(&admin_db, &database, &args.admin, &admin_password)?;
    let mut id = [0u8; 16];
    getrandom::fill(&mut id).map_err(|e| Failure::runtime(format!("no randomness: {e}")))?;
    let settings = ClinicSettings {
        format: 1,
        database: args.database.clone(),
        clinic_id: id.iter().fold(String::new(), |mut hex, b| {
            let _ = write!(hex, "{b:02x}");
            hex
        }),
    };
    clinic_folder::create(&root, &settings).map_err(|e| {
        Failure::runtime(format!(
            "the clinic database {database} was made, but the folder was not: {e}"
        ))
    })?;
    println!(
        "created the clinic library {} on {}; admin: {}",
        root.display(),
        args.database,
        args.admin
    );
    Ok(ExitCode::SUCCESS)
}

/// The clinic's server as the account that made it (PGUSER, default postgres; PGPASSWORD,
/// else asked, saying `why`), and the database's name.
pub(super) fn server_account(url: &str, why: &str) -> Result<(postgres::Config, String), Failure> {
    let (mut server, database) = database_config(url)?;
    let account = std::env::var("PGUSER").unwrap_or_else(|_| "postgres".into());
    let password = match std::env::var("PGPASSWORD") {
        Ok(p) => Zeroizing::new(p),
        Err(_) if std::io::stdin().is_terminal() => prompt(&format!(
            "The password of the PostgreSQL account {account} (it made the clinic) {why}: "
        ))?,
        Err(_) => {
            return Err(Failure::usage(format!(
                "the clinic database {database}: set PGUSER and PGPASSWORD naming the server account that made the clinic ({why}); nothing was changed"
            )));
        }
    };
    server.user(&account).password(password.as_str());
    Ok((server, database))
}

/// Brings the clinic database at `url` to the latest schema as the server account that made
/// it (asked for, saying `why`): the version it had, and the database's name.
pub(super) fn upgrade_schema(url: &str, why: &str) -> Result<(usize, String), Failure> {
    let (server, database) = server_account(url, why)?;
    let found = clinic::upgrade(&server, &database).map_err(|e| match e {
        ClinicError::Connect { .. } => Failure::usage(e.to_string()),
        other => other.into(),
    })?;
    Ok((found, database))
}

fn run_upgrade(library: Option<PathBuf>) -> Result<ExitCode, Failure> {
    let root = library_root(library)?;
    let settings = clinic_folder::read(&root)
        .map_err(|e| Failure::runtime(e.to_string()))?
        .ok_or_else(|| not_a_clinic(&root))?;
    let (found, database) = upgrade_schema(&settings.database, "to upgrade its schema")?;
    let latest = clinic::latest_schema_version();
    if found >= latest {
        println!("the clinic database {database} is up to date (schema version {latest})");
    } else {
        println!("upgraded the clinic database {database} from schema version {found} to {latest}");
    }
    Ok(ExitCode::SUCCESS)
}

/// Signs in to the clinic library at `library` as `user` (password from
/// `SKINLAPSE_PASSWORD`, else asked).
pub(super) fn sign_in(
    library: Option<PathBuf>,
    user: Option<&str>,
) -> Result<ClinicSession, Failure> {
    let root = library_root(library)?;
    let settings = clinic_folder::read(&root)
        .map_err(|e| Failure::runtime(e.to_string()))?
        .ok_or_else(|| not_a_clinic(&root))?;
    let user = user.ok_or_else(|| {
        Failure::usage(format!(
            "{} is a clinic library: sign in with --user NAME (or SKINLAPSE_USER)",
            root.display()
        ))
    })?;
    let password = password_of(user)?;
    let (server, _) = database_config(&settings.database)?;
    let mut session = ClinicSession::sign_in(&server, user, &password).map_err(|e| match e {
        ClinicError::Connect { .. } => Failure::usage(format!("{user} cannot sign in: {e}")),
        other => other.into(),
    })?;
    session.record_sign_in(SignInVia::Command)?;
    Ok(session)
}

/// The password `user` signs in with: `SKINLAPSE_PASSWORD`, else asked.
pub(super) fn password_of(user: &str) -> Result<Zeroizing<String>, Failure> {
    match std::env::var(PASSWORD_ENV) {
        Ok(p) => Ok(Zeroizing::new(p)),
        Err(_) if std::io::stdin().is_terminal() => prompt(&format!("Password for {user}: ")),
        Err(_) => Err(Failure::usage(format!(
            "no password for {user}: type it when asked, or set {PASSWORD_ENV}"
        ))),
    }
}

fn not_a_clinic(root: &Path) -> Failure {
    Failure::usage(format!(
        "{} is a personal library: users and the audit trail belong to clinic libraries (skinlapse clinic create)",
        root.display()
    ))
}

fn run_user(
    library: Option<PathBuf>,
    user: Option<&str>,
    command: &UserCommand,
) -> Result<ExitCode, Failure> {
    // A role or a name is checked before anyone is asked for a password.
    if let UserCommand::Add { role, .. } = command {
        Role::from_key(role).map_err(|e| Failure::usage(format!("--role: {e}")))?;
    }
    let mut session = sign_in(library, user)?;
    match command {
        UserCommand::Add { name, role } => {
            let role = Role::from_key(role)?;
            let password = new_password(name)?;
            session.add_user(name, role, &password)?;
            println!(
                "added {name} ({}); they choose their own password at their first sign-in",
                role.key()
            );
        }
        UserCommand::List { json } => {
            let users = session.users()?;
            if *json {
                let rows: Vec<serde_json::Value> = users
                    .iter()
                    .map(|u| {
                        serde_json::json!({
                            "name": u.name,
                            "role": u.role.key(),
                            "must_change_password": u.must_change_password,
                            "disabled_at": u.disabled_at.map(|t| t.to_rfc3339()),
                            "created_by": u.created_by,
                            "created_at": u.created_at.to_rfc3339(),
                        })
                    })
                    .collect();
                println!("{}", serde_json::Value::Array(rows));
            } else {
                for u in users {
                    let status = match (u.disabled_at, u.must_change_password) {
                        (Some(t), _) => format!("disabled since {}", local(t)),
                        (None, true) => "must change password".to_owned(),
                        (None, false) => "active".to_owned(),
                    };
                    println!(
                        "{:<24} {:<10} {:<28} added by {} on {}",
                        u.name,
                        u.role.key(),
                        status,
                        u.created_by,
                        local(u.created_at)
                    );
                }
            }
        }
        UserCommand::Disable { name } => {
            session.disable_user(name)?;
            println!("disabled {name}: they cannot sign in, and their open sessions ended");
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn local(t: chrono::DateTime<chrono::Utc>) -> String {
    t.with_timezone(&Local).format("%Y-%m-%d %H:%M").to_string()
}

fn run_audit(
    library: Option<PathBuf>,
    user: Option<&str>,
    args: &AuditArgs,
) -> Result<ExitCode, Failure> {
    let since = args
        .since
        .as_deref()
        .map(|d| {
            let day = NaiveDate::parse_from_str(d, "%Y-%m-%d")
                .map_err(|e| Failure::usage(format!("--since {d}: not a date YYYY-MM-DD ({e})")))?;
            let midnight = day.and_hms_opt(0, 0, 0).expect("midnight exists");
            Local
                .from_local_datetime(&midnight)
                .earliest()
                .map(|t| t.with_timezone(&chrono::Utc))
                .ok_or_else(|| Failure::usage(format!("--since {d}: no such local time")))
        })
        .transpose()?;
    let mut session = sign_in(library, user)?;
    let filter = AuditFilter {
        patient: args.patient.clone(),
        user: args.by.clone(),
        since,
    };
    // Rows are printed as the server sends them, never all held at once.
    let mut out = std::io::stdout().lock();
    let mut written = 0usize;
    let mut failed = None;
    let mut print = |text: std::fmt::Arguments<'_>| {
        if failed.is_none()
            && let Err(e) = out.write_fmt(text)
        {
            failed = Some(e);
        }
    };
    if args.json {
        print(format_args!("["));
    }
    session.audit_each(&filter, |r| {
        if args.json {
            let sep = if written == 0 { "" } else { "," };
            print(format_args!("{sep}{}", audit_json(&r)));
        } else {
            print(format_args!("{}\n", audit_line(&r)));
        }
        written += 1;
    })?;
    if args.json {
        print(format_args!("]\n"));
    } else if written == 0 {
        print(format_args!("(no recorded actions match)\n"));
    }
    if let Some(e) = failed.or_else(|| out.flush().err()) {
        return Err(Failure::runtime(format!(
            "cannot write the audit trail: {e}"
        )));
    }
    Ok(ExitCode::SUCCESS)
}

/// One row of `clinic audit --json`.
fn audit_json(r: &AuditRow) -> serde_json::Value {
    serde_json::json!({
        "at": r.at.to_rfc3339(),
        "user": r.user,
        "workstation": r.workstation,
        "action": r.action,
        "target_kind": r.target_kind,
        "target_id": r.target_id,
        "patient": r.patient,
        "purpose": r.purpose,
        "detail": r.detail.as_deref().and_then(|d| serde_json::from_str::<serde_json::Value>(d).ok()),
    })
}

/// One line of `clinic audit`.
fn audit_line(r: &AuditRow) -> String {
    let target = match r.target_id {
        Some(id) => format!("{} {id}", r.target_kind),
        None => r.target_kind.clone(),
    };
    format!(
        "{}  {:<16} {:<22} {:<8} {:<18} {:<20} {}{}",
        local(r.at),
        r.user,
        r.workstation,
        r.action,
        target,
        r.patient.as_deref().unwrap_or("-"),
        r.purpose
            .as_deref()
            .map(|p| format!("[{p}] "))
            .unwrap_or_default(),
        r.detail.as_deref().unwrap_or("")
    )
}
