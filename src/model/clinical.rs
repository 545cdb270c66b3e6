//! The clinical record around photos: grading scales with their ranges, mMASI, side
//! effects, contraindications, consent, and when the next session is due. Pure logic.

use super::{Keyed, Series, Session, SessionKind, UnknownKey, parse_keyed};
use chrono::{Duration, NaiveDate};
use std::fmt;
use std::str::FromStr;

keyed_enum!(
    /// A recognised grading scale (or the user's own numeric one).
    GradeScale, "grading scale" {
        GoodmanBaron => "goodman-baron", "Goodman & Baron acne-scar grade (1–4)";
        Mmasi => "mmasi", "mMASI melasma score (0–24)";
        Glogau => "glogau", "Glogau photo-ageing type (I–IV)";
        FitzpatrickWrinkle => "fitzpatrick-wrinkle", "Fitzpatrick wrinkle class (I–III)";
        Gais => "gais", "GAIS (1 very much improved … 5 worse)";
        Satisfaction => "satisfaction", "Patient satisfaction (0–10)";
        Custom => "custom", "Own numeric scale";
    }
);

impl GradeScale {
    /// The values the scale allows, and whether only whole numbers.
    pub fn range(self) -> (f64, f64, bool) {
        match self {
            Self::GoodmanBaron | Self::Glogau => (1.0, 4.0, true),
            Self::Mmasi => (0.0, 24.0, false),
            Self::FitzpatrickWrinkle => (1.0, 3.0, true),
            Self::Gais => (1.0, 5.0, true),
            Self::Satisfaction => (0.0, 10.0, true),
            Self::Custom => (f64::MIN, f64::MAX, false),
        }
    }

    /// Checks a value, naming the scale and its range when it does not fit.
    pub fn validate(self, value: f64) -> Result<f64, String> {
        let (lo, hi, whole) = self.range();
        if !value.is_finite() || value < lo || value > hi {
            return Err(format!(
                "{}: {value} is outside {}",
                self.key(),
                self.range_text()
            ));
        }
        if whole && value.fract() != 0.0 {
            return Err(format!(
                "{}: {value} is not a whole number ({})",
                self.key(),
                self.range_text()
            ));
        }
        Ok(value)
    }

    pub fn range_text(self) -> String {
        let (lo, hi, whole) = self.range();
        match self {
            Self::Custom => "any number".into(),
            _ if whole => format!("{lo:.0}–{hi:.0}, whole numbers"),
            _ => format!("{lo}–{hi}"),
        }
    }
}

/// One mMASI region: area involved (0–6) and darkness (0–4).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MasiRegion {
    pub area: u8,
    pub darkness: u8,
}

/// The four mMASI regions and their weights: forehead, right malar, left malar, chin.
pub const MMASI_REGIONS: [(&str, f64); 4] = [
    ("forehead", 0.3),
    ("right malar", 0.3),
    ("left malar", 0.3),
    ("chin", 0.1),
];

/// The modified MASI: Σ weight × area × darkness over the four regions (0–24).
pub fn mmasi(regions: &[MasiRegion; 4]) -> Result<f64, String> {
    let mut total = 0.0;
    for (region, (name, weight)) in regions.iter().zip(MMASI_REGIONS) {
        if region.area > 6 {
            return Err(format!("mMASI {name} area: {} is outside 0–6", region.area));
        }
        if region.darkness > 4 {
            return Err(format!(
                "mMASI {name} darkness: {} is outside 0–4",
                region.darkness
            ));
        }
        total += weight * f64::from(region.area) * f64::from(region.darkness);
    }
    // Weights are tenths: round away float noise (0.3 × 6 × 4 × 3 + 0.1 × 24 = 24).
    Ok((total * 10.0).round() / 10.0)
}

keyed_enum!(
    /// What a session left behind.
    SideEffectKind, "side effect" {
        Redness => "redness", "Redness";
        Swelling => "swelling", "Swelling";
        Flaking => "flaking", "Flaking";
        Itching => "itching", "Itching";
        Bruising => "bruising", "Bruising";
        Infection => "infection", "Infection";
        Other => "other", "Other";
    }
);

/// Side-effect severity: 0 none … 3 severe.
pub fn validate_severity(severity: i64) -> Result<u8, String> {
    u8::try_from(severity)
        .ok()
        .filter(|s| *s <= 3)
        .ok_or_else(|| format!("severity: {severity} is outside 0–3"))
}

keyed_enum!(
    /// Reasons not to needle, or to needle with care.
    Contraindication, "contraindication" {
        ActiveAcne => "active-acne", "Active acne";
        Keloid => "keloid", "Keloid tendency";
        Pregnancy => "pregnancy", "Pregnancy";
        Diabetes => "diabetes", "Diabetes";
        EczemaPsoriasis => "eczema-psoriasis", "Eczema or psoriasis";
        HerpesSimplex => "herpes-simplex", "Herpes simplex";
        Immunosuppression => "immunosuppression", "Immunosuppression";
        ClottingDisorder => "clotting-disorder", "Clotting disorder";
        RecentRadiation => "radiation", "Radiation therapy in the last year";
        RecentIsotretinoin => "isotretinoin", "Isotretinoin in the last 6 months";
        Other => "other", "Other";
    }
);

keyed_enum!(
    /// What a person may have agreed their photos are used for.
    ConsentScope, "consent scope" {
        ClinicalRecord => "clinical-record", "Clinical record";
        Education => "education", "Education";
        Marketing => "marketing", "Marketing";
    }
);

keyed_enum!(
    /// Who the library is for: one person tracking themself, or a clinic with patients
    /// (consent is recorded and checked on every export).
    Mode, "mode" {
        Personal => "personal", "Personal";
        Clinic => "clinic", "Clinic";
    }
);

keyed_enum!(
    /// The kind of device used in a session.
    DeviceKind, "device" {
        Pen => "pen", "Pen";
        Roller => "roller", "Roller";
        Other => "other", "Other";
    }
);

/// Needle depth in millimetres: 0.1–3.0.
pub fn validate_needle_depth(mm: f64) -> Result<f64, String> {
    if mm.is_finite() && (0.1..=3.0).contains(&mm) {
        Ok(mm)
    } else {
        Err(format!("needle depth: {mm} mm is outside 0.1–3.0 mm"))
    }
}

/// Fitzpatrick skin type I–VI, stored as 1–6.
pub fn validate_skin_type(t: i64) -> Result<u8, String> {
    u8::try_from(t)
        .ok()
        .filter(|v| (1..=6).contains(v))
        .ok_or_else(|| format!("skin type: {t} is outside I–VI (1–6)"))
}

/// A roman numeral for small scale values (I–VI).
pub fn roman(n: u8) -> &'static str {
    ["0", "I", "II", "III", "IV", "V", "VI"]
        .get(usize::from(n))
        .copied()
        .unwrap_or("?")
}

/// When the next treatment session of a series is due, if the series plans one: the last
/// treatment (or baseline) plus the interval, while fewer sessions than planned are done.
pub fn next_due(series: &Series, sessions: &[Session]) -> Option<NaiveDate> {
    let interval = i64::from(series.interval_days?);
    let treatments: Vec<&Session> = sessions
        .iter()
        .filter(|s| s.kind != SessionKind::FollowUp)
        .collect();
    if let Some(planned) = series.planned_sessions
        && treatments.len() >= planned as usize
    {
        return None;
    }
    let last = treatments
        .iter()
        .map(|s| s.date)
        .max()
        .or(series.start_date)?;
    if treatments.is_empty() {
        // Nothing done yet: the start date itself is due.
        return Some(last);
    }
    last.checked_add_signed(Duration::days(interval))
}

/// Days a due session is overdue on `today` (positive), or `None` when it is not.
pub fn overdue_days(due: NaiveDate, today: NaiveDate) -> Option<i64> {
    let days = (today - due).num_days();
    (days > 0).then_some(days)
}

impl fmt::Display for MasiRegion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}×{}", self.area, self.darkness)
    }
}

/// Parses the mMASI regions as `area×darkness` four times, comma separated
/// (`"3x2,4x3,4x3,1x1"`), in the order of [`MMASI_REGIONS`].
pub fn parse_mmasi(text: &str) -> Result<[MasiRegion; 4], String> {
    let parts: Vec<&str> = text.split(',').map(str::trim).collect();
    if parts.len() != 4 {
        return Err(format!(
            "mMASI: give four regions (forehead, right malar, left malar, chin) as AREAxDARKNESS, e.g. 3x2,4x3,4x3,1x1; got {text:?}"
        ));
    }
    let mut out = [MasiRegion {
        area: 0,
        darkness: 0,
    }; 4];
    for (i, part) in parts.iter().enumerate() {
        let (area, darkness) = part.split_once(['x', 'X', '×']).ok_or_else(|| {
            format!(
                "mMASI {}: {part:?} is not AREAxDARKNESS",
                MMASI_REGIONS[i].0
            )
        })?;
        let number = |s: &str, what: &str| {
            s.trim().parse::<u8>().map_err(|_| {
                format!(
                    "mMASI {} {what}: {s:?} is not a whole number",
                    MMASI_REGIONS[i].0
                )
            })
        };
        out[i] = MasiRegion {
            area: number(area, "area")?,
            darkness: number(darkness, "darkness")?,
        };
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{PersonId, SeriesId, SeriesStatus, SessionId};

    fn day(d: &str) -> NaiveDate {
        d.parse().unwrap()
    }

    #[test]
    fn mmasi_from_its_regions_including_the_extremes() {
        let none = [MasiRegion {
            area: 0,
            darkness: 0,
        }; 4];
        assert!((mmasi(&none).unwrap()).abs() < 1e-12);
        let worst = [MasiRegion {
            area: 6,
            darkness: 4,
        }; 4];
        assert!((mmasi(&worst).unwrap() - 24.0).abs() < 1e-12);
        let some = parse_mmasi("3x2, 4x3, 4x3, 1x1").unwrap();
        // 0.3·6 + 0.3·12 + 0.3·12 + 0.1·1 = 9.1
        assert!((mmasi(&some).unwrap() - 9.1).abs() < 1e-9);
        let too_dark = [MasiRegion {
            area: 2,
            darkness: 5,
        }; 4];
        assert_eq!(
            mmasi(&too_dark).unwrap_err(),
            "mMASI forehead darkness: 5 is outside 0–4"
        );
        assert!(parse_mmasi("3x2,4x3").unwrap_err().contains("four regions"));
        assert!(
            parse_mmasi("3x2,4x3,4y3,1x1")
                .unwrap_err()
                .contains("left malar")
        );
    }

    #[test]
    fn every_bounded_field_names_itself_and_its_range() {
        assert_eq!(GradeScale::GoodmanBaron.validate(3.0), Ok(3.0));
        assert_eq!(
            GradeScale::GoodmanBaron.validate(5.0).unwrap_err(),
            "goodman-baron: 5 is outside 1–4, whole numbers"
        );
        assert!(
            GradeScale::GoodmanBaron
                .validate(2.5)
                .unwrap_err()
                .contains("not a whole number")
        );
        assert!(
            GradeScale::Mmasi
                .validate(24.5)
                .unwrap_err()
                .contains("0–24")
        );
        assert!(GradeScale::Glogau.validate(0.0).is_err());
        assert!(GradeScale::FitzpatrickWrinkle.validate(4.0).is_err());
        assert!(GradeScale::Gais.validate(6.0).unwrap_err().contains("1–5"));
        assert!(
            GradeScale::Satisfaction
                .validate(11.0)
                .unwrap_err()
                .contains("0–10")
        );
        assert_eq!(GradeScale::Custom.validate(-3.5), Ok(-3.5));
        assert!(GradeScale::Custom.validate(f64::NAN).is_err());
        assert_eq!(validate_needle_depth(1.5), Ok(1.5));
        assert_eq!(
            validate_needle_depth(3.5).unwrap_err(),
            "needle depth: 3.5 mm is outside 0.1–3.0 mm"
        );
        assert!(validate_needle_depth(0.05).is_err());
        assert_eq!(validate_severity(3), Ok(3));
        assert_eq!(
            validate_severity(4).unwrap_err(),
            "severity: 4 is outside 0–3"
        );
        assert_eq!(validate_skin_type(6), Ok(6));
        assert!(validate_skin_type(7).unwrap_err().contains("I–VI"));
        assert_eq!(roman(4), "IV");
    }

    fn series(interval: Option<u32>, planned: Option<u32>, start: Option<&str>) -> Series {
        Series {
            id: SeriesId(1),
            person: PersonId(1),
            title: "Microneedling".into(),
            planned_sessions: planned,
            interval_days: interval,
            start_date: start.map(day),
            status: SeriesStatus::Active,
            notes: String::new(),
        }
    }

    fn session(id: i64, date: &str, kind: SessionKind) -> Session {
        Session::bare(SessionId(id), SeriesId(1), day(date), kind)
    }

    #[test]
    fn next_due_across_month_ends_and_leap_years_and_overdue() {
        let s = series(Some(28), Some(6), Some("2028-01-05"));
        assert_eq!(
            next_due(&s, &[]),
            Some(day("2028-01-05")),
            "the start is due"
        );
        let done = [
            session(1, "2028-01-05", SessionKind::Baseline),
            session(2, "2028-02-02", SessionKind::Treatment),
            session(9, "2028-02-10", SessionKind::FollowUp),
        ];
        // 2028 is a leap year: 2 February + 28 days = 1 March.
        assert_eq!(next_due(&s, &done), Some(day("2028-03-01")));
        let jan = series(Some(30), None, None);
        assert_eq!(
            next_due(&jan, &[session(1, "2027-01-31", SessionKind::Treatment)]),
            Some(day("2027-03-02")),
            "31 January + 30 days in a common year"
        );
        assert_eq!(
            next_due(&jan, &[session(1, "2024-01-31", SessionKind::Treatment)]),
            Some(day("2024-03-01")),
            "… and in a leap year"
        );
        let over = next_due(&s, &done).unwrap();
        assert_eq!(overdue_days(over, day("2028-03-01")), None);
        assert_eq!(overdue_days(over, day("2028-03-15")), Some(14));
        // All planned sessions done: nothing is due.
        let two = series(Some(28), Some(2), None);
        assert_eq!(next_due(&two, &done), None);
        // No interval: no due date.
        assert_eq!(next_due(&series(None, Some(6), None), &done), None);
    }
}

/// Checks the day consent is given or withdrawn on: not in the future, and a withdrawal not
/// before the consent it withdraws (`given_on`).
pub fn check_consent_day(
    on: NaiveDate,
    today: NaiveDate,
    withdrawing_from: Option<NaiveDate>,
) -> Result<(), String> {
    if on > today {
        return Err(format!("{on} is in the future (today is {today})"));
    }
    if let Some(given) = withdrawing_from
        && on < given
    {
        return Err(format!(
            "{on} is before the consent it withdraws was given ({given})"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod consent_day_tests {
    use super::*;

    #[test]
    fn consent_days_are_not_in_the_future_nor_withdrawn_before_given() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        assert!(check_consent_day(d("2026-01-02"), d("2026-01-02"), None).is_ok());
        assert_eq!(
            check_consent_day(d("2026-01-03"), d("2026-01-02"), None).unwrap_err(),
            "2026-01-03 is in the future (today is 2026-01-02)"
        );
        assert!(
            check_consent_day(d("2025-12-01"), d("2026-01-02"), Some(d("2025-12-05")))
                .unwrap_err()
                .contains("before the consent it withdraws")
        );
    }
}

impl GradeScale {
    /// The scale's short name, as a grade is shown: "Goodman & Baron", "mMASI", "Glogau".
    pub fn short_name(self) -> &'static str {
        match self {
            Self::GoodmanBaron => "Goodman & Baron",
            Self::Mmasi => "mMASI",
            Self::Glogau => "Glogau",
            Self::FitzpatrickWrinkle => "Fitzpatrick wrinkle class",
            Self::Gais => "GAIS",
            Self::Satisfaction => "Satisfaction",
            Self::Custom => "Own scale",
        }
    }

    /// A value on the scale as clinicians write it: "Goodman & Baron 3", "Glogau III",
    /// "GAIS 2 (much improved)", "Satisfaction 7/10", "mMASI 10.2".
    pub fn show(self, value: f64) -> String {
        let whole = value.round() as i64;
        let name = self.short_name();
        match self {
            Self::Glogau | Self::FitzpatrickWrinkle => {
                format!("{name} {}", roman(u8::try_from(whole).unwrap_or(0)))
            }
            Self::Gais => {
                let words = match whole {
                    1 => "very much improved",
                    2 => "much improved",
                    3 => "improved",
                    4 => "no change",
                    _ => "worse",
                };
                format!("{name} {whole} ({words})")
            }
            Self::Satisfaction => format!("{name} {whole}/10"),
            Self::GoodmanBaron => format!("{name} {whole}"),
            Self::Mmasi | Self::Custom => format!("{name} {value}"),
        }
    }
}

#[cfg(test)]
mod grade_words_tests {
    use super::*;

    #[test]
    fn grades_read_as_clinicians_write_them() {
        assert_eq!(GradeScale::GoodmanBaron.show(4.0), "Goodman & Baron 4");
        assert_eq!(GradeScale::Glogau.show(3.0), "Glogau III");
        assert_eq!(GradeScale::Gais.show(2.0), "GAIS 2 (much improved)");
        assert_eq!(GradeScale::Satisfaction.show(7.0), "Satisfaction 7/10");
        assert_eq!(GradeScale::Mmasi.show(10.2), "mMASI 10.2");
    }
}
