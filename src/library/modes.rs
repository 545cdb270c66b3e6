//! Private by construction: the library folder and everything below it are readable by their
//! owner only (folders 0700, files 0600), whatever the umask, on every path that creates
//! something; a library made looser (by an older release, a copy, a restore) is tightened.

use std::fs::{self, File, OpenOptions};
use std::io;
use std::path::Path;

/// The permission bits of group and others.
#[cfg(unix)]
const GROUP_OTHER: u32 = 0o077;

/// Creates a folder and its missing parents, each 0700.
pub fn create_private_dir_all(path: &Path) -> io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(path)
}

/// Options that create a file 0600 (the umask can only take bits away).
pub fn private_options() -> OpenOptions {
    let mut options = OpenOptions::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options
}

/// Creates (or truncates) a file for writing, 0600.
pub fn create_private_file(path: &Path) -> io::Result<File> {
    private_options()
        .write(true)
        .create(true)
        .truncate(true)
        .open(path)
}

/// Whether group or others may do anything with `path`.
#[cfg(unix)]
pub fn is_loose(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    fs::symlink_metadata(path).is_ok_and(|m| m.permissions().mode() & GROUP_OTHER != 0)
}

#[cfg(not(unix))]
pub fn is_loose(_path: &Path) -> bool {
    false
}

/// Takes group and other permissions away from `path` and everything below it (links are
/// not followed). Returns how many entries were changed.
#[cfg(unix)]
pub fn tighten_below(path: &Path) -> io::Result<usize> {
    use std::os::unix::fs::PermissionsExt;
    let mut changed = 0;
    let mut stack = vec![path.to_owned()];
    while let Some(path) = stack.pop() {
        let meta = match fs::symlink_metadata(&path) {
            Ok(meta) => meta,
            // Gone meanwhile (a temporary file renamed into place): nothing to tighten.
            Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
            Err(e) => return Err(e),
        };
        if meta.file_type().is_symlink() {
            continue;
        }
        let mode = meta.permissions().mode();
        if mode & GROUP_OTHER != 0 {
            fs::set_permissions(
                &path,
                fs::Permissions::from_mode(mode & !GROUP_OTHER & 0o7777),
            )?;
            changed += 1;
        }
        if meta.is_dir() {
            for entry in fs::read_dir(&path)? {
                stack.push(entry?.path());
            }
        }
    }
    Ok(changed)
}

#[cfg(not(unix))]
pub fn tighten_below(_path: &Path) -> io::Result<usize> {
    Ok(0)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(path: &Path) -> u32 {
        fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn created_private_and_loose_ones_tightened() {
        let dir = tempfile::tempdir().unwrap();
        let nested = dir.path().join("a/b");
        create_private_dir_all(&nested).unwrap();
        assert_eq!(mode(&nested), 0o700);
        let file = nested.join("f");
        create_private_file(&file).unwrap();
        assert_eq!(mode(&file), 0o600);
        assert!(!is_loose(&file));
        fs::set_permissions(&file, fs::Permissions::from_mode(0o644)).unwrap();
        fs::set_permissions(&nested, fs::Permissions::from_mode(0o755)).unwrap();
        assert!(is_loose(&file));
        assert_eq!(tighten_below(&dir.path().join("a")).unwrap(), 2);
        assert_eq!((mode(&file), mode(&nested)), (0o600, 0o700));
    }
}
