//! The vocabulary of areas and concerns: built-in terms plus the user's own.

use super::TermId;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum VocabKind {
    Area,
    Concern,
}

impl VocabKind {
    pub fn noun(self) -> &'static str {
        match self {
            Self::Area => "area",
            Self::Concern => "concern",
        }
    }
}

/// One area or concern.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VocabTerm {
    pub id: TermId,
    pub kind: VocabKind,
    /// Stable identifier used on the command line and in JSON: `left-cheek`.
    pub key: String,
    /// What people read: `Left cheek`.
    pub name: String,
    pub builtin: bool,
}

/// Built-in areas (key, name), in the order they are offered.
pub const BUILTIN_AREAS: &[(&str, &str)] = &[
    ("forehead", "Forehead"),
    ("glabella", "Glabella"),
    ("periorbital", "Periorbital"),
    ("nose", "Nose"),
    ("left-cheek", "Left cheek"),
    ("right-cheek", "Right cheek"),
    ("perioral", "Perioral"),
    ("chin", "Chin"),
    ("jawline", "Jawline"),
    ("neck", "Neck"),
    ("decollete", "Décolleté"),
    ("scalp", "Scalp"),
    ("abdomen", "Abdomen"),
    ("thighs", "Thighs"),
    ("arms", "Arms"),
    ("back", "Back"),
];

/// Built-in concerns (key, name), in the order they are offered.
pub const BUILTIN_CONCERNS: &[(&str, &str)] = &[
    ("acne-scars", "Acne scars"),
    ("scars", "Other scars"),
    ("enlarged-pores", "Enlarged pores"),
    ("hyperpigmentation", "Hyperpigmentation"),
    ("melasma", "Melasma"),
    ("sun-spots", "Sun spots"),
    ("wrinkles", "Wrinkles"),
    ("fine-lines", "Fine lines"),
    ("stretch-marks", "Stretch marks"),
    ("uneven-tone", "Uneven tone"),
    ("uneven-texture", "Uneven texture"),
    ("loss-of-elasticity", "Loss of elasticity"),
    ("alopecia", "Alopecia"),
    ("redness", "Redness"),
];

/// The key a name is matched by: lower case, accents folded, words joined by `-`.
/// `"Décolleté"`, `"decollete"` and `"DECOLLETE "` all give `decollete`;
/// `"Left cheek"`, `"left_cheek"` and `"left-cheek"` all give `left-cheek`.
pub fn vocab_key(name: &str) -> String {
    let mut key = String::with_capacity(name.len());
    for c in name.trim().chars().flat_map(char::to_lowercase) {
        let c = match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => 'a',
            'è' | 'é' | 'ê' | 'ë' => 'e',
            'ì' | 'í' | 'î' | 'ï' => 'i',
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' => 'o',
            'ù' | 'ú' | 'û' | 'ü' => 'u',
            'ç' => 'c',
            'ñ' => 'n',
            c if c.is_alphanumeric() => c,
            _ => '-',
        };
        if c == '-' && (key.is_empty() || key.ends_with('-')) {
            continue;
        }
        key.push(c);
    }
    while key.ends_with('-') {
        key.pop();
    }
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_fold_case_accents_and_separators() {
        assert_eq!(vocab_key("Décolleté"), "decollete");
        assert_eq!(vocab_key("  Left_cheek "), "left-cheek");
        assert_eq!(vocab_key("acne  scars"), "acne-scars");
        assert_eq!(vocab_key("--"), "");
    }

    #[test]
    fn builtin_keys_are_already_normal_and_unique() {
        for list in [BUILTIN_AREAS, BUILTIN_CONCERNS] {
            let mut seen = std::collections::HashSet::new();
            for (key, name) in list {
                assert_eq!(vocab_key(key), *key);
                assert!(!vocab_key(name).is_empty());
                assert!(seen.insert(key), "{key} twice");
            }
        }
    }
}
