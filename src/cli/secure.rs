//! `skinlapse create [--encrypted]`, `encrypt`, `decrypt`, `change-passphrase`, and where a
//! passphrase comes from: `--passphrase-file FILE`, else `SKINLAPSE_PASSPHRASE`, else a
//! prompt on the terminal (never echoed).

use super::{Failure, library_root};
use crate::library::{Conversion, Library, LibraryError, OpenOptions};
use crate::model::printable::printable_path;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::OnceLock;
use zeroize::Zeroizing;

pub const PASSPHRASE_ENV: &str = "SKINLAPSE_PASSPHRASE";
pub const NEW_PASSPHRASE_ENV: &str = "SKINLAPSE_NEW_PASSPHRASE";
use crate::library::crypto::MIN_PASSPHRASE_CHARS as MIN_CHARS;

/// `--passphrase-file`, set once from the command line.
static PASSPHRASE_FILE: OnceLock<Option<PathBuf>> = OnceLock::new();

pub fn set_passphrase_file(file: Option<PathBuf>) {
    let _ = PASSPHRASE_FILE.set(file);
}

/// Who signs in to a clinic library (`--user`, `SKINLAPSE_USER`).
static USER: OnceLock<Option<String>> = OnceLock::new();

pub fn set_user(user: Option<String>) {
    let _ = USER.set(user);
}

/// Opens the clinic library at `root` as `--user` with their password (from
/// `SKINLAPSE_PASSWORD`, else asked); its previews are cached on this machine. Read-only, it
/// writes nothing to the share.
fn open_clinic(root: &Path, read_only: bool) -> Result<Library, Failure> {
    use crate::library::clinic::{self, ClinicLogin};
    let settings = clinic::read(root)
        .map_err(|e| Failure::runtime(e.to_string()))?
        .ok_or_else(|| {
            Failure::usage(format!("{} is not a clinic library", printable_path(root)))
        })?;
    let user = USER.get().and_then(Option::as_deref).ok_or_else(|| {
        Failure::usage(format!(
            "{} is a clinic library: sign in with --user NAME (or SKINLAPSE_USER)",
            printable_path(root)
        ))
    })?;
    let password = super::clinic::password_of(user)?;
    let server = clinic::server_config(&settings).map_err(Failure::usage)?;
    let login = ClinicLogin {
        settings,
        server,
        user: user.to_owned(),
        password,
        cache_root: clinic::default_cache_root()
            .unwrap_or_else(|| std::env::temp_dir().join("skinlapse-clinics")),
    };
    let login = std::sync::Arc::new(login);
    let library = if read_only {
        Library::open_clinic_for_reading(root, login)
    } else {
        Library::open_clinic(root, login)
    }
    .map_err(|e| cannot_open(root, &e))?;
    // One sign-in of a person per command, however many connections its threads open.
    library
        .catalogue()
        .and_then(|mut cat| {
            cat.record_sign_in(crate::catalogue::clinic::SignInVia::Command)
                .map_err(Into::into)
        })
        .map_err(|e| cannot_open(root, &e))?;
    Ok(library)
}

#[derive(Debug, clap::Args)]
pub struct CreateArgs {
    /// Encrypt the catalogue and every photo file under a passphrase.
    #[arg(long)]
    pub encrypted: bool,
}

#[derive(Debug, clap::Args)]
pub struct ChangePassphraseArgs {
    /// Read the new passphrase from this file (else `SKINLAPSE_NEW_PASSPHRASE`, else a prompt).
    #[arg(long, value_name = "FILE")]
    pub new_passphrase_file: Option<PathBuf>,
}

/// A passphrase file's content, without its final line break.
fn read_passphrase_file(path: &Path) -> Result<Zeroizing<String>, Failure> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Failure::usage(format!("passphrase file {}: {e}", printable_path(path))))?;
    let text = Zeroizing::new(text);
    let trimmed = text
        .strip_suffix("\r\n")
        .or_else(|| text.strip_suffix('\n'))
        .unwrap_or(&text);
    Ok(Zeroizing::new(trimmed.to_owned()))
}

/// A passphrase given without asking: the file, else the environment.
fn given(file: Option<&Path>, env: &str) -> Result<Option<Zeroizing<String>>, Failure> {
    if let Some(path) = file {
        return read_passphrase_file(path).map(Some);
    }
    Ok(std::env::var(env).ok().map(Zeroizing::new))
}

fn prompt(question: &str) -> Result<Zeroizing<String>, Failure> {
    prompt_secret(question, "passphrase")
}

/// Asks for a secret (`what`: passphrase, password) without echoing it.
pub(super) fn prompt_secret(question: &str, what: &str) -> Result<Zeroizing<String>, Failure> {
    rpassword::prompt_password(question)
        .map(Zeroizing::new)
        .map_err(|e| Failure::usage(format!("cannot read the {what}: {e}")))
}

/// The passphrase of an existing library.
fn existing(root: &Path) -> Result<Zeroizing<String>, Failure> {
    let file = PASSPHRASE_FILE.get().and_then(Option::as_deref);
    if let Some(p) = given(file, PASSPHRASE_ENV)? {
        return Ok(p);
    }
    if !std::io::stdin().is_terminal() {
        return Err(Failure::usage(format!(
            "the library {} is encrypted and no passphrase was given: use --passphrase-file FILE or {PASSPHRASE_ENV}",
            printable_path(root)
        )));
    }
    prompt(&format!("Passphrase for {}: ", printable_path(root)))
}

/// A new passphrase: given, or typed twice.
fn new_passphrase(file: Option<&Path>, env: &str) -> Result<Zeroizing<String>, Failure> {
    let passphrase = match given(file, env)? {
        Some(p) => p,
        None if std::io::stdin().is_terminal() => {
            let first = prompt("New passphrase: ")?;
            if *prompt("The same again: ")? != *first {
                return Err(Failure::usage(
                    "the two passphrases differ; nothing was changed",
                ));
            }
            first
        }
        None => {
            return Err(Failure::usage(format!(
                "no passphrase was given: use --passphrase-file FILE or {env}"
            )));
        }
    };
    if passphrase.chars().count() < MIN_CHARS {
        return Err(Failure::usage(format!(
            "the passphrase is shorter than {MIN_CHARS} characters; nothing was changed"
        )));
    }
    Ok(passphrase)
}

/// Opens a library, asking for its passphrase only when it turns out to be encrypted.
pub fn open(root: &Path, read_only: bool) -> Result<Library, Failure> {
    let file = PASSPHRASE_FILE.get().and_then(Option::as_deref);
    let mut options = OpenOptions {
        read_only,
        passphrase: given(file, PASSPHRASE_ENV)?,
    };
    let open = |options: &OpenOptions| {
        if read_only {
            Library::open_for_reading(root, options)
        } else {
            Library::open_with(root, options)
        }
    };
    match open(&options) {
        Err(LibraryError::Locked { .. }) if options.passphrase.is_none() => {
            options.passphrase = Some(existing(root)?);
            open(&options).map_err(|e| cannot_open(root, &e))
        }
        Err(LibraryError::ClinicLibrary { .. }) => open_clinic(root, read_only),
        other => other.map_err(|e| cannot_open(root, &e)),
    }
}

/// A library that cannot be opened: a wrong or missing passphrase is a usage error (2).
pub fn cannot_open(root: &Path, e: &LibraryError) -> Failure {
    let message = format!("cannot open library {}: {e}", printable_path(root));
    match e {
        LibraryError::WrongPassphrase { .. }
        | LibraryError::Locked { .. }
        | LibraryError::Catalogue(crate::catalogue::CatalogueError::SignIn { .. }) => {
            Failure::usage(message)
        }
        _ => Failure::runtime(message),
    }
}

pub fn run_create(library: Option<PathBuf>, args: &CreateArgs) -> Result<ExitCode, Failure> {
    let root = library_root(library)?;
    let file = PASSPHRASE_FILE.get().and_then(Option::as_deref);
    let passphrase = if args.encrypted {
        Some(new_passphrase(file, PASSPHRASE_ENV)?)
    } else {
        None
    };
    let library = Library::create(&root, passphrase.as_deref().map(String::as_str))
        .map_err(|e| Failure::usage(format!("cannot create a library: {e}")))?;
    println!(
        "created {} library {}",
        if args.encrypted { "an encrypted" } else { "a" },
        printable_path(library.root())
    );
    Ok(ExitCode::SUCCESS)
}

pub fn run_convert(library: Option<PathBuf>, to: Conversion) -> Result<ExitCode, Failure> {
    let root = library_root(library)?;
    let file = PASSPHRASE_FILE.get().and_then(Option::as_deref);
    // Encrypting a plain library chooses a passphrase; anything else needs the current one.
    let key_file = root.join(crate::library::KEY_FILE);
    let passphrase = if to == Conversion::Encrypt && !key_file.exists() {
        new_passphrase(file, PASSPHRASE_ENV)?
    } else {
        match given(file, PASSPHRASE_ENV)? {
            Some(p) => p,
            None => existing(&root)?,
        }
    };
    let library = Library::open_with(
        &root,
        &OpenOptions {
            read_only: false,
            passphrase: Some(passphrase.clone()),
        },
    )
    .map_err(|e| cannot_open(&root, &e))?;
    if to == Conversion::Decrypt && !library.is_encrypted() {
        return Err(Failure::usage(format!(
            "the library {} is not encrypted",
            printable_path(&root)
        )));
    }
    if to == Conversion::Encrypt
        && library.key_state() == Some(crate::library::crypto::KeyState::Encrypted)
    {
        println!("the library {} is encrypted already", printable_path(&root));
        return Ok(ExitCode::SUCCESS);
    }
    let verb = match to {
        Conversion::Encrypt => "encrypting",
        Conversion::Decrypt => "decrypting",
    };
    let mut last = 0;
    library
        .convert(to, &passphrase, &mut |done, total| {
            crate::jobs::failpoint::failpoint("converted_file");
            // Progress on stderr, about every 5 %.
            let percent = done * 100 / total.max(1);
            if percent >= last + 5 || done == total {
                last = percent;
                eprintln!("{verb}: {done} of {total} files ({percent} %)");
            }
        })
        .map_err(|e| Failure::runtime(format!("{verb} {}: {e}", printable_path(&root))))?;
    println!(
        "{} {}",
        match to {
            Conversion::Encrypt => "encrypted",
            Conversion::Decrypt => "decrypted",
        },
        printable_path(&root)
    );
    Ok(ExitCode::SUCCESS)
}

pub fn run_change_passphrase(
    library: Option<PathBuf>,
    args: &ChangePassphraseArgs,
) -> Result<ExitCode, Failure> {
    let root = library_root(library)?;
    let library = open(&root, false)?;
    if !library.is_encrypted() {
        return Err(Failure::usage(format!(
            "the library {} is not encrypted: use encrypt",
            printable_path(&root)
        )));
    }
    let new = new_passphrase(args.new_passphrase_file.as_deref(), NEW_PASSPHRASE_ENV)?;
    library
        .change_passphrase(&new)
        .map_err(|e| Failure::runtime(format!("changing the passphrase: {e}")))?;
    println!("changed the passphrase of {}", printable_path(&root));
    Ok(ExitCode::SUCCESS)
}
