//! A clinic's idle time: after how many minutes without input the app signs out. A setting
//! of the clinic's database (`idle_timeout_minutes`), the same for every workstation.

use std::time::Duration;

/// The setting's key.
pub const SETTING: &str = "idle_timeout_minutes";
/// Without the setting (or with one the app cannot use): 15 minutes.
pub const DEFAULT_MINUTES: u32 = 15;
/// The shortest idle time an admin may set.
pub const MIN_MINUTES: u32 = 1;
/// The longest: a working day (480 minutes).
pub const MAX_MINUTES: u32 = 480;

/// The setting's stored text for `minutes`.
///
/// # Errors
/// Out of range, in a sentence naming the setting.
pub fn check(minutes: u32) -> Result<String, String> {
    if (MIN_MINUTES..=MAX_MINUTES).contains(&minutes) {
        Ok(minutes.to_string())
    } else {
        Err(out_of_range(&minutes.to_string()))
    }
}

/// Minutes as typed (in the app's Settings window or on the command line).
///
/// # Errors
/// Not a whole number of minutes from 1 to 480, in a sentence naming the setting.
pub fn parse(text: &str) -> Result<u32, String> {
    let text = text.trim();
    match text.parse::<u32>() {
        Ok(minutes) if (MIN_MINUTES..=MAX_MINUTES).contains(&minutes) => Ok(minutes),
        _ => Err(out_of_range(text)),
    }
}

fn out_of_range(text: &str) -> String {
    format!(
        "Idle time ({SETTING}): \"{text}\" is not a whole number of minutes from {MIN_MINUTES} to {MAX_MINUTES}."
    )
}

/// The idle time a stored setting gives: the default when there is none or it is unusable.
pub fn from_setting(value: Option<&str>) -> u32 {
    value.and_then(|v| parse(v).ok()).unwrap_or(DEFAULT_MINUTES)
}

/// "1 minute", "20 minutes".
pub fn words(minutes: u32) -> String {
    if minutes == 1 {
        "1 minute".to_owned()
    } else {
        format!("{minutes} minutes")
    }
}

/// Minutes as a duration.
pub fn duration(minutes: u32) -> Duration {
    Duration::from_mins(u64::from(minutes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idle_minutes_are_checked_and_a_bad_setting_falls_back_to_fifteen() {
        assert_eq!(parse(" 20 "), Ok(20));
        assert_eq!(parse("1"), Ok(1));
        assert_eq!(parse("480"), Ok(480));
        for bad in ["0", "481", "-5", "2.5", "soon", ""] {
            let e = parse(bad).unwrap_err();
            assert!(e.starts_with("Idle time (idle_timeout_minutes):"), "{e}");
            assert!(e.contains(&format!("\"{bad}\"")), "{e}");
        }
        assert_eq!(check(30), Ok("30".to_owned()));
        assert!(check(0).is_err());
        assert_eq!(from_setting(None), 15);
        assert_eq!(from_setting(Some("2")), 2);
        assert_eq!(from_setting(Some("0")), 15);
        assert_eq!(duration(2), Duration::from_mins(2));
        assert_eq!(
            (words(1).as_str(), words(20).as_str()),
            ("1 minute", "20 minutes")
        );
    }
}
