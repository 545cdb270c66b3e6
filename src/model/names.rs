//! Names people type: a person's name, a series' title, an own term. One spelling per name:
//! "Zoë" typed on a Mac (decomposed, NFD) and on Linux (composed, NFC) is one person.

use unicode_normalization::UnicodeNormalization;

/// Longest name accepted, in characters.
pub const MAX_NAME_CHARS: usize = 200;

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    #[error("must not be empty")]
    Empty,
    #[error("is longer than {MAX_NAME_CHARS} characters")]
    TooLong,
    #[error("contains control characters")]
    ControlCharacters,
}

/// The one spelling a name is stored and looked up by: trimmed, Unicode NFC.
pub fn name_key(name: &str) -> String {
    name.trim().nfc().collect()
}

/// A trimmed, non-empty, NFC name of sensible length without control characters.
pub fn clean_name(name: &str) -> Result<String, NameError> {
    let name = name_key(name);
    if name.is_empty() {
        return Err(NameError::Empty);
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(NameError::TooLong);
    }
    if name.chars().any(char::is_control) {
        return Err(NameError::ControlCharacters);
    }
    Ok(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn composed_and_decomposed_spellings_are_one_name() {
        let nfd = "Zoe\u{308} Ade\u{301}";
        let nfc = "Zo\u{eb} Ad\u{e9}";
        assert_ne!(nfd, nfc);
        assert_eq!(clean_name(nfd).unwrap(), nfc);
        assert_eq!(name_key(&format!(" {nfd} ")), nfc);
        assert_eq!(clean_name("  "), Err(NameError::Empty));
        assert_eq!(clean_name("a\u{7}b"), Err(NameError::ControlCharacters));
        assert_eq!(clean_name(&"x".repeat(201)), Err(NameError::TooLong));
    }
}
