//! Reading a file to import, as a hostile folder would test it: only regular files (a FIFO
//! named `x.jpg` would block for ever, a link to `/dev/zero` would never end), through a
//! reader bounded by the size limit, with the type sniffed from the first bytes before the
//! rest is read.

use super::import::ImportError;
use crate::imaging::sniff;
use crate::model::PhotoFormat;
use std::fs::{self, File, Metadata};
use std::io::{self, Read};
use std::path::Path;
use std::time::SystemTime;

/// Files larger than this are refused before they are read into memory.
pub const MAX_FILE_BYTES: u64 = 512 * 1024 * 1024;

/// How much of a file is read to tell its type before the rest is read (an ISO media file's
/// brands or a TIFF's first directory fit; the whole file is looked at again once read).
const HEAD_BYTES: usize = 4096;

/// An import source read whole.
#[derive(Debug)]
pub struct Source {
    pub bytes: Vec<u8>,
    pub format: PhotoFormat,
    /// The file's modification time, the capture time of last resort.
    pub modified: Option<SystemTime>,
}

/// What a path is when it is not a regular file, in words.
fn kind_of(meta: &Metadata) -> Option<&'static str> {
    let t = meta.file_type();
    if t.is_file() {
        return None;
    }
    if t.is_dir() {
        return Some("a folder");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return Some("a named pipe (FIFO)");
        }
        if t.is_char_device() || t.is_block_device() {
            return Some("a device");
        }
        if t.is_socket() {
            return Some("a socket");
        }
    }
    Some("not a regular file")
}

fn check_regular(meta: &Metadata) -> Result<(), ImportError> {
    match kind_of(meta) {
        None => Ok(()),
        Some(kind) => Err(ImportError::NotAFile(kind)),
    }
}

/// Opens without blocking: even if the path turned into a FIFO after it was checked, opening
/// it must not wait for a writer.
fn open_nonblocking(path: &Path) -> io::Result<File> {
    let mut options = fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY);
    }
    options.open(path)
}

/// Reads up to `buf.len()` bytes, fewer only at the end of the file.
fn read_up_to(file: &mut File, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match file.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

/// Reads a file to import: a regular file (checked before opening, so a link to a device is
/// never opened, and again on the open file), its type from its first bytes, then the rest
/// through a reader that stops past the size limit whatever the file claims its size is.
pub fn read_source(path: &Path) -> Result<Source, ImportError> {
    let meta = fs::metadata(path).map_err(ImportError::Read)?;
    check_regular(&meta)?;
    let too_big = |size| ImportError::TooBig {
        size,
        limit: MAX_FILE_BYTES >> 20,
    };
    if meta.len() > MAX_FILE_BYTES {
        return Err(too_big(meta.len()));
    }
    let mut file = open_nonblocking(path).map_err(ImportError::Read)?;
    let meta = file.metadata().map_err(ImportError::Read)?;
    check_regular(&meta)?;
    let mut head = [0u8; HEAD_BYTES];
    let got = read_up_to(&mut file, &mut head).map_err(ImportError::Read)?;
    let format = sniff(&head[..got])?;
    let expected = meta.len().min(MAX_FILE_BYTES) as usize;
    let mut bytes = Vec::with_capacity(expected.max(got));
    bytes.extend_from_slice(&head[..got]);
    // One byte past the limit tells a file that grew beyond it.
    (&mut file)
        .take(MAX_FILE_BYTES + 1 - got as u64)
        .read_to_end(&mut bytes)
        .map_err(ImportError::Read)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_big(bytes.len() as u64));
    }
    // A camera RAW names its maker in a TIFF directory that may lie past the head.
    let format = sniff(&bytes).unwrap_or(format);
    Ok(Source {
        bytes,
        format,
        modified: meta.modified().ok(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_type_is_told_from_the_head_and_the_rest_is_read_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.png");
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        png.extend(std::iter::repeat_n(7u8, 100_000));
        fs::write(&path, &png).unwrap();
        let source = read_source(&path).unwrap();
        assert_eq!(source.format, PhotoFormat::Png);
        assert_eq!(source.bytes, png);
        fs::write(&path, b"GIF89a and more").unwrap();
        let err = read_source(&path).unwrap_err().to_string();
        assert!(err.contains("GIF"), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn devices_and_folders_are_refused_without_reading() {
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("zero.jpg");
        std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
        let err = read_source(&link).unwrap_err().to_string();
        assert!(err.contains("a device"), "{err}");
        let err = read_source(dir.path()).unwrap_err().to_string();
        assert!(err.contains("a folder"), "{err}");
    }
}
