//! Colour management: every preview, thumbnail, export and measurement is sRGB, converted
//! from the profile embedded in the original (ICC, or CICP/nclx in HEIF and AVIF) with
//! `moxcms`. The original itself is never touched.

use image::RgbImage;
use moxcms::{
    CicpColorPrimaries, CicpProfile, ColorProfile, Layout, MatrixCoefficients, ProfileText,
    RenderingIntent, TransferCharacteristics, TransformOptions,
};

/// What the decoder found about an image's colours.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Embedded {
    /// No profile: the image is taken to be sRGB, as the web and most software assume.
    None,
    /// An ICC profile's bytes.
    Icc(Vec<u8>),
    /// Coding-independent code points (ITU-T H.273), as HEIF and AVIF carry them in `nclx`.
    Cicp { primaries: u8, transfer: u8 },
}

/// The result of bringing an image to sRGB.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Conversion {
    /// The embedded profile's name, e.g. "Display P3" (None when there was none).
    pub profile: Option<String>,
    /// What could not be done, as a sentence (an unreadable profile, HDR shown without tone
    /// mapping).
    pub warning: Option<String>,
}

/// Converts `image` to sRGB in place from its embedded colour description.
pub fn to_srgb(image: &mut RgbImage, embedded: &Embedded) -> Conversion {
    match embedded {
        Embedded::None => Conversion::default(),
        Embedded::Icc(bytes) => icc_to_srgb(image, bytes),
        Embedded::Cicp {
            primaries,
            transfer,
        } => cicp_to_srgb(image, *primaries, *transfer),
    }
}

fn icc_to_srgb(image: &mut RgbImage, bytes: &[u8]) -> Conversion {
    let profile = match ColorProfile::new_from_slice(bytes) {
        Ok(profile) => profile,
        Err(e) => {
            return Conversion {
                profile: None,
                warning: Some(format!(
                    "the embedded colour profile cannot be read ({e}); colours are shown as if sRGB"
                )),
            };
        }
    };
    let name = match (profile_name(&profile), known_gamut(&profile)) {
        // Compact profiles call themselves "sP3" or "A98C": say what they are.
        (Some(n), Some(gamut)) if n.len() <= 4 => Some(gamut.to_owned()),
        (None, gamut) => gamut.map(str::to_owned),
        (name, _) => name,
    };
    if name.as_deref().is_some_and(is_srgb_name) {
        return Conversion {
            profile: name,
            warning: None,
        };
    }
    let warning = convert(image, &profile).err();
    Conversion {
        profile: Some(name.unwrap_or_else(|| "unnamed ICC profile".into())),
        warning,
    }
}

fn cicp_to_srgb(image: &mut RgbImage, primaries: u8, transfer: u8) -> Conversion {
    // 1 = BT.709 (sRGB's primaries), 2 = unspecified; transfer 13 = sRGB, 1/6/14/15 = the
    // BT.709 family, which sRGB displays show as they are.
    let srgb_primaries = matches!(primaries, 1 | 2);
    let srgb_transfer = matches!(transfer, 1 | 2 | 6 | 13 | 14 | 15);
    if srgb_primaries && srgb_transfer {
        return Conversion::default();
    }
    let name = cicp_name(primaries, transfer);
    let (Ok(p), Ok(t)) = (
        CicpColorPrimaries::try_from(primaries),
        TransferCharacteristics::try_from(transfer),
    ) else {
        return Conversion {
            profile: Some(name),
            warning: Some(
                "the colour description (nclx) uses codes this version does not know; colours are shown as if sRGB"
                    .into(),
            ),
        };
    };
    let mut profile = ColorProfile::new_srgb();
    profile.update_rgb_colorimetry_from_cicp(CicpProfile {
        color_primaries: p,
        transfer_characteristics: t,
        matrix_coefficients: MatrixCoefficients::Bt709,
        full_range: true,
    });
    let mut warning = convert(image, &profile).err();
    if warning.is_none() && matches!(transfer, 16 | 18) {
        warning = Some(
            "HDR image (PQ or HLG) shown without tone mapping: highlights are clipped and it may look darker than on an HDR screen"
                .into(),
        );
    }
    Conversion {
        profile: Some(name),
        warning,
    }
}

fn convert(image: &mut RgbImage, from: &ColorProfile) -> Result<(), String> {
    let options = TransformOptions {
        rendering_intent: RenderingIntent::RelativeColorimetric,
        ..TransformOptions::default()
    };
    let transform = from
        .create_transform_8bit(Layout::Rgb, &ColorProfile::new_srgb(), Layout::Rgb, options)
        .map_err(|e| {
            format!(
                "the embedded colour profile cannot be applied ({e}); colours are shown as if sRGB"
            )
        })?;
    let mut out = vec![0; image.as_raw().len()];
    transform
        .transform(image.as_raw(), &mut out)
        .map_err(|e| format!("colour conversion failed ({e}); colours are shown as if sRGB"))?;
    image.copy_from_slice(&out);
    Ok(())
}

/// The standard space whose primaries and white point a matrix profile has.
fn known_gamut(profile: &ColorProfile) -> Option<&'static str> {
    let close = |a: &moxcms::Xyzd, b: &moxcms::Xyzd| {
        (a.x - b.x).abs() < 0.003 && (a.y - b.y).abs() < 0.003 && (a.z - b.z).abs() < 0.003
    };
    [
        ("sRGB", ColorProfile::new_srgb()),
        ("Display P3", ColorProfile::new_display_p3()),
        ("Adobe RGB (1998)", ColorProfile::new_adobe_rgb()),
    ]
    .into_iter()
    .find(|(_, known)| {
        close(&profile.red_colorant, &known.red_colorant)
            && close(&profile.green_colorant, &known.green_colorant)
            && close(&profile.blue_colorant, &known.blue_colorant)
    })
    .map(|(name, _)| name)
}

fn is_srgb_name(name: &str) -> bool {
    name.to_ascii_lowercase().contains("srgb")
}

/// The profile's own description ("Display P3", "Adobe RGB (1998)", "sRGB IEC61966-2.1").
pub fn profile_name(profile: &ColorProfile) -> Option<String> {
    let text = match profile.description.as_ref()? {
        ProfileText::PlainString(s) => s.clone(),
        ProfileText::Localizable(list) => list
            .iter()
            .find(|l| l.language == "en")
            .or_else(|| list.first())?
            .value
            .clone(),
        ProfileText::Description(d) => {
            if d.ascii_string.trim().is_empty() {
                d.unicode_string.clone()
            } else {
                d.ascii_string.clone()
            }
        }
    };
    let text = text.trim_matches(|c: char| c == '\0' || c.is_whitespace());
    (!text.is_empty()).then(|| text.to_owned())
}

/// A name for CICP code points, as a person would say it: "Display P3 (nclx)".
fn cicp_name(primaries: u8, transfer: u8) -> String {
    let gamut = match primaries {
        1 => "BT.709",
        9 => "BT.2020",
        11 => "DCI-P3",
        12 => "Display P3",
        _ => "other primaries",
    };
    let curve = match transfer {
        16 => " PQ",
        18 => " HLG",
        8 => " linear",
        _ => "",
    };
    format!("{gamut}{curve} (nclx)")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn patch(rgb: [u8; 3]) -> RgbImage {
        RgbImage::from_pixel(2, 2, image::Rgb(rgb))
    }

    #[test]
    fn display_p3_red_is_more_saturated_than_srgb_can_show() {
        let mut image = patch([200, 120, 100]);
        let icc = ColorProfile::new_display_p3().encode().unwrap();
        let done = to_srgb(&mut image, &Embedded::Icc(icc));
        let [r, g, b] = image.get_pixel(0, 0).0;
        assert!(r > 205 && g < 120 && b < 100, "{r} {g} {b}");
        assert!(done.profile.is_some());
        assert_eq!(done.warning, None);
    }

    #[test]
    fn srgb_and_no_profile_leave_pixels_alone() {
        let mut image = patch([200, 120, 100]);
        assert_eq!(to_srgb(&mut image, &Embedded::None), Conversion::default());
        let done = to_srgb(
            &mut image,
            &Embedded::Cicp {
                primaries: 1,
                transfer: 13,
            },
        );
        assert_eq!(done.profile, None);
        assert_eq!(image.get_pixel(1, 1).0, [200, 120, 100]);
    }

    #[test]
    fn p3_nclx_converts_and_is_named() {
        let mut image = patch([200, 120, 100]);
        let done = to_srgb(
            &mut image,
            &Embedded::Cicp {
                primaries: 12,
                transfer: 13,
            },
        );
        assert_eq!(done.profile.as_deref(), Some("Display P3 (nclx)"));
        assert!(image.get_pixel(0, 0).0[0] > 205);
    }

    #[test]
    fn a_broken_profile_is_a_warning_not_a_failure() {
        let mut image = patch([1, 2, 3]);
        let done = to_srgb(&mut image, &Embedded::Icc(b"not a profile".to_vec()));
        assert!(done.warning.unwrap().contains("cannot be read"));
        assert_eq!(image.get_pixel(0, 0).0, [1, 2, 3]);
    }
}
