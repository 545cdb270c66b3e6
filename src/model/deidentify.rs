//! De-identification rules: what replaces a person's name in a de-identified export, when an
//! export must be de-identified, and whether a file name still gives the person away.
//! Pure rules; the pixels (the band over the eyes) are `imaging::deidentify`.

use super::clinical::{ConsentScope, Mode};
use super::{Keyed, PersonId};
use std::fmt;
use std::str::FromStr;

/// What stands for the person's name in a de-identified export.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum NameStyle {
    /// "J. D." for Jane Doe.
    Initials,
    /// "Case 0017": nothing of the name at all (the default: initials can still identify).
    #[default]
    CaseNumber,
}

impl Keyed for NameStyle {
    const ALL: &'static [Self] = &[Self::Initials, Self::CaseNumber];
    const WHAT: &'static str = "name style";
    fn key(self) -> &'static str {
        match self {
            Self::Initials => "initials",
            Self::CaseNumber => "case-number",
        }
    }
    fn label(self) -> &'static str {
        match self {
            Self::Initials => "Initials",
            Self::CaseNumber => "Case number",
        }
    }
}

impl fmt::Display for NameStyle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

impl FromStr for NameStyle {
    type Err = super::UnknownKey;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        super::parse_keyed(s)
    }
}

/// Whether an export is de-identified.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Deidentify {
    /// As the purpose has it: in clinic mode, education and marketing are de-identified
    /// (with a case number); everything else is not.
    #[default]
    ByPurpose,
    /// Eyes covered, the name replaced as the style says.
    Yes(NameStyle),
    /// As taken, with the name.
    No,
}

impl Deidentify {
    /// The name style to use, or `None` for an identified export.
    pub fn resolve(self, mode: Mode, purpose: Option<ConsentScope>) -> Option<NameStyle> {
        match self {
            Self::Yes(style) => Some(style),
            Self::No => None,
            Self::ByPurpose => {
                deidentify_by_default(mode, purpose).then_some(NameStyle::CaseNumber)
            }
        }
    }
}

/// The person's initials: the first letter of each word, upper-case, each followed by a dot
/// ("jane van der berg" → "J. V. D. B."). Empty names give "?".
pub fn initials(name: &str) -> String {
    let letters: Vec<String> = name
        .split(|c: char| c.is_whitespace() || c == '-' || c == '.')
        .filter_map(|w| w.chars().find(|c| c.is_alphanumeric()))
        .map(|c| format!("{}.", c.to_uppercase()))
        .collect();
    if letters.is_empty() {
        "?".to_owned()
    } else {
        letters.join(" ")
    }
}

/// A stable case number for a person (from their id, never from their name).
pub fn case_number(person: PersonId) -> String {
    format!("Case {:04}", person.0)
}

/// What stands for `name` in a de-identified export.
pub fn pseudonym(name: &str, person: PersonId, style: NameStyle) -> String {
    match style {
        NameStyle::Initials => initials(name),
        NameStyle::CaseNumber => case_number(person),
    }
}

/// Replaces every whole-word occurrence of the name's words (3+ letters, any case) in `text`
/// with `replacement` (once for a run of them, "Jane Doe" → one replacement): series titles
/// like "Jane's peel" lose the name too.
pub fn scrub(text: &str, name: &str, replacement: &str) -> String {
    let words: Vec<String> = name
        .split_whitespace()
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase()
        })
        .filter(|w| w.chars().count() >= 3)
        .collect();
    // Alternating runs: words and what lies between them.
    let mut tokens: Vec<(bool, String)> = Vec::new();
    for c in text.chars() {
        let is_word = c.is_alphanumeric();
        match tokens.last_mut() {
            Some((w, t)) if *w == is_word => t.push(c),
            _ => tokens.push((is_word, c.to_string())),
        }
    }
    let mut out = String::with_capacity(text.len());
    let mut pending_space = String::new();
    let mut last_replaced = false;
    for (is_word, token) in tokens {
        if !is_word {
            if last_replaced && token.chars().all(char::is_whitespace) {
                pending_space = token;
            } else {
                out.push_str(&pending_space);
                pending_space.clear();
                out.push_str(&token);
                last_replaced = false;
            }
            continue;
        }
        if words.contains(&token.to_lowercase()) {
            if !last_replaced {
                out.push_str(&pending_space);
                out.push_str(replacement);
            }
            pending_space.clear();
            last_replaced = true;
        } else {
            out.push_str(&pending_space);
            pending_space.clear();
            out.push_str(&token);
            last_replaced = false;
        }
    }
    out.push_str(&pending_space);
    out
}

/// Whether an export for `purpose` is de-identified when the user did not choose: in clinic
/// mode, teaching and marketing material never shows who the patient is.
pub fn deidentify_by_default(mode: Mode, purpose: Option<ConsentScope>) -> bool {
    mode == Mode::Clinic
        && matches!(
            purpose,
            Some(ConsentScope::Education | ConsentScope::Marketing)
        )
}

/// `Err(reason)` when a de-identified export's file name contains a word of the person's name
/// (3+ letters, any case): the file name would give them away.
pub fn check_file_name(file_name: &str, name: &str) -> Result<(), String> {
    let lower = file_name.to_lowercase();
    for word in name.split_whitespace() {
        let w = word
            .trim_matches(|c: char| !c.is_alphanumeric())
            .to_lowercase();
        if w.chars().count() >= 3 && lower.contains(&w) {
            return Err(format!(
                "the file name {file_name:?} contains the person's name ({word:?}); a de-identified export needs a name without it"
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_become_initials_or_a_case_number() {
        assert_eq!(initials("Jane Doe"), "J. D.");
        assert_eq!(initials("jane van der berg"), "J. V. D. B.");
        assert_eq!(initials("Anne-Marie O'Neil"), "A. M. O.");
        assert_eq!(initials("  "), "?");
        assert_eq!(case_number(PersonId(17)), "Case 0017");
        assert_eq!(
            pseudonym("Jane Doe", PersonId(3), NameStyle::default()),
            "Case 0003"
        );
        assert_eq!("initials".parse::<NameStyle>(), Ok(NameStyle::Initials));
    }

    #[test]
    fn scrubbing_removes_the_name_from_titles() {
        assert_eq!(
            scrub("Jane Doe · Jane's peel · Frontal", "Jane Doe", "Case 0003"),
            "Case 0003 · Case 0003's peel · Frontal"
        );
        assert_eq!(scrub("Janet", "Jane", "X"), "Janet");
        assert_eq!(
            scrub("Me · Home", "Me", "X"),
            "Me · Home",
            "too short to be sure"
        );
    }

    #[test]
    fn clinic_teaching_and_marketing_are_de_identified_by_default() {
        assert!(deidentify_by_default(
            Mode::Clinic,
            Some(ConsentScope::Education)
        ));
        assert!(deidentify_by_default(
            Mode::Clinic,
            Some(ConsentScope::Marketing)
        ));
        assert!(!deidentify_by_default(
            Mode::Clinic,
            Some(ConsentScope::ClinicalRecord)
        ));
        assert!(!deidentify_by_default(
            Mode::Personal,
            Some(ConsentScope::Marketing)
        ));
    }

    #[test]
    fn the_choice_resolves_by_purpose_unless_made() {
        let clinic = Mode::Clinic;
        let teaching = Some(ConsentScope::Education);
        assert_eq!(
            Deidentify::ByPurpose.resolve(clinic, teaching),
            Some(NameStyle::CaseNumber)
        );
        assert_eq!(Deidentify::No.resolve(clinic, teaching), None);
        assert_eq!(
            Deidentify::Yes(NameStyle::Initials).resolve(Mode::Personal, None),
            Some(NameStyle::Initials)
        );
        assert_eq!(
            Deidentify::ByPurpose.resolve(Mode::Personal, teaching),
            None
        );
    }

    #[test]
    fn a_file_name_with_the_name_in_it_is_refused() {
        let err = check_file_name("doe-before-after.png", "Jane Doe").unwrap_err();
        assert!(err.contains("\"Doe\""), "{err}");
        assert!(check_file_name("case-0003.png", "Jane Doe").is_ok());
    }
}
