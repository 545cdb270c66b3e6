//! Names as they may be printed: a file name is whatever bytes the file system allows, and a
//! name holding a terminal escape sequence, a newline or a right-to-left override must not
//! reach a terminal or split a script's line. Control and direction characters are written
//! as escapes (`\n`, `\u{1b}`), bytes that are not UTF-8 as `\xE9`.

use std::borrow::Cow;
use std::ffi::OsStr;
use std::fmt::Write;
use std::path::Path;

/// Characters that change how the text around them is shown without being seen themselves.
fn is_direction_control(c: char) -> bool {
    matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

fn needs_escape(c: char) -> bool {
    c.is_control() || is_direction_control(c)
}

fn push_escaped(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if needs_escape(c) => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
}

/// `text` with control and direction characters escaped.
pub fn printable(text: &str) -> Cow<'_, str> {
    if text.chars().any(needs_escape) {
        let mut out = String::with_capacity(text.len() + 8);
        push_escaped(&mut out, text);
        Cow::Owned(out)
    } else {
        Cow::Borrowed(text)
    }
}

/// Bytes that should be text: UTF-8 runs escaped as [`printable`], other bytes as `\xNN`.
pub fn printable_bytes(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        push_escaped(&mut out, chunk.valid());
        for b in chunk.invalid() {
            let _ = write!(out, "\\x{b:02X}");
        }
    }
    out
}

/// A file name or path as it may be printed.
pub fn printable_os(name: &OsStr) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        printable_bytes(name.as_bytes())
    }
    #[cfg(not(unix))]
    {
        printable(&name.to_string_lossy()).into_owned()
    }
}

pub fn printable_path(path: &Path) -> String {
    printable_os(path.as_os_str())
}

/// A file's name as the catalogue keeps it: the printable form, and the exact bytes too when
/// they differ from it (not UTF-8, or holding characters that had to be escaped).
pub fn stored_name(name: &OsStr) -> (String, Option<Vec<u8>>) {
    let shown = printable_os(name);
    #[cfg(unix)]
    let raw = {
        use std::os::unix::ffi::OsStrExt;
        name.as_bytes().to_vec()
    };
    #[cfg(not(unix))]
    let raw = name.to_string_lossy().as_bytes().to_vec();
    let exact = (shown.as_bytes() != raw.as_slice()).then_some(raw);
    (shown, exact)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_a_terminal_would_act_on() {
        assert_eq!(printable("plain name.jpg"), "plain name.jpg");
        assert!(matches!(printable("Zoë.jpg"), Cow::Borrowed(_)));
        assert_eq!(
            printable("a\u{1b}[31mred\nb\t\u{202e}gpj.exe"),
            "a\\u{1b}[31mred\\nb\\t\\u{202e}gpj.exe"
        );
        assert_eq!(printable_bytes(b"caf\xe9 \x1b.jpg"), "caf\\xE9 \\u{1b}.jpg");
    }

    #[cfg(unix)]
    #[test]
    fn stored_names_keep_the_exact_bytes_when_they_differ() {
        use std::os::unix::ffi::OsStrExt;
        let (shown, raw) = stored_name(OsStr::from_bytes(b"caf\xe9.jpg"));
        assert_eq!(shown, "caf\\xE9.jpg");
        assert_eq!(raw.as_deref(), Some(&b"caf\xe9.jpg"[..]));
        assert_eq!(stored_name(OsStr::new("Zoë.jpg")), ("Zoë.jpg".into(), None));
    }
}
