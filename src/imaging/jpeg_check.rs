//! Damage the JPEG decoder does not report. Cameras put restart markers (RST0–RST7, in turn)
//! every few blocks; a run of lost or overwritten bytes breaks their sequence. The pure-Rust
//! decoder carries on past such damage without a word, so the file is checked here: the
//! markers of a baseline scan must come in order and as many as the image's size requires.

/// Where the restart markers of a baseline JPEG first go wrong, as the pixel row of the damage.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RestartDamage {
    pub row: u32,
    pub found: usize,
    pub expected: usize,
}

struct Frame {
    width: u32,
    height: u32,
    /// Largest horizontal and vertical sampling factors.
    h_max: u32,
    v_max: u32,
    components: usize,
}

/// Checks a baseline, single-scan JPEG with restart markers. None when it is sound or when the
/// check does not apply (no restart interval, progressive, several scans).
pub fn restart_damage(bytes: &[u8]) -> Option<RestartDamage> {
    let mut interval = 0usize;
    let mut frame = None;
    let mut i = 2;
    while i + 4 <= bytes.len() {
        if bytes[i] != 0xFF {
            return None;
        }
        let marker = bytes[i + 1];
        if marker == 0xFF {
            i += 1;
            continue;
        }
        let len = usize::from(u16::from_be_bytes([bytes[i + 2], bytes[i + 3]]));
        let body = bytes.get(i + 4..i + 2 + len)?;
        match marker {
            0xDD => interval = usize::from(u16::from_be_bytes([*body.first()?, *body.get(1)?])),
            0xC0 | 0xC1 => frame = Some(parse_frame(body)?),
            0xC2 | 0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF => return None,
            0xDA => {
                let frame = frame?;
                // Only a scan holding every component covers the whole image.
                if interval == 0 || usize::from(*body.first()?) != frame.components {
                    return None;
                }
                return check_scan(&bytes[i + 2 + len..], &frame, interval);
            }
            _ => {}
        }
        i += 2 + len;
    }
    None
}

fn parse_frame(body: &[u8]) -> Option<Frame> {
    let height = u32::from(u16::from_be_bytes([*body.get(1)?, *body.get(2)?]));
    let width = u32::from(u16::from_be_bytes([*body.get(3)?, *body.get(4)?]));
    let components = usize::from(*body.get(5)?);
    let mut h_max = 1;
    let mut v_max = 1;
    for c in 0..components {
        let sampling = *body.get(6 + c * 3 + 1)?;
        h_max = h_max.max(u32::from(sampling >> 4));
        v_max = v_max.max(u32::from(sampling & 0x0F));
    }
    Some(Frame {
        width,
        height,
        h_max,
        v_max,
        components,
    })
}

fn check_scan(data: &[u8], frame: &Frame, interval: usize) -> Option<RestartDamage> {
    let mcu_w = 8 * frame.h_max;
    let mcu_h = 8 * frame.v_max;
    let per_row = frame.width.div_ceil(mcu_w) as usize;
    let mcus = per_row * frame.height.div_ceil(mcu_h) as usize;
    let expected = mcus.div_ceil(interval).saturating_sub(1);
    let mut found = 0usize;
    let mut first_bad = None;
    let mut i = 0;
    while i + 1 < data.len() {
        if data[i] != 0xFF {
            i += 1;
            continue;
        }
        match data[i + 1] {
            0x00 | 0xFF => {}
            m @ 0xD0..=0xD7 => {
                if first_bad.is_none() && usize::from(m - 0xD0) != found % 8 {
                    first_bad = Some(found);
                }
                found += 1;
            }
            // The end of the scan (EOI, or any other marker).
            _ => break,
        }
        i += 2;
    }
    if found == expected && first_bad.is_none() {
        return None;
    }
    let interval_index = first_bad.unwrap_or(found.min(expected));
    let mcu = interval_index * interval;
    let row = ((mcu / per_row) as u32 * mcu_h).min(frame.height.saturating_sub(1));
    Some(RestartDamage {
        row,
        found,
        expected,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 64×32 baseline JPEG (4:4:4, one MCU = 8×8) with a restart marker every MCU row.
    fn with_restarts() -> Vec<u8> {
        let mut out = vec![0xFF, 0xD8];
        out.extend([0xFF, 0xDD, 0, 4, 0, 8]);
        out.extend([
            0xFF, 0xC0, 0, 17, 8, 0, 32, 0, 64, 3, 1, 0x11, 0, 2, 0x11, 1, 3, 0x11, 1,
        ]);
        out.extend([0xFF, 0xDA, 0, 12, 3, 1, 0, 2, 0x11, 3, 0x11, 0, 63, 0]);
        for n in 0..3u8 {
            out.extend([0x12, 0x34, 0xFF, 0x00, 0x56]);
            out.extend([0xFF, 0xD0 + n]);
        }
        out.extend([0x12, 0xFF, 0xD9]);
        out
    }

    #[test]
    fn sound_restart_sequence_passes() {
        assert_eq!(restart_damage(&with_restarts()), None);
    }

    #[test]
    fn a_lost_run_is_found_with_its_row() {
        let mut jpeg = with_restarts();
        // Drop the second interval and its marker (RST1): RST0 is followed by RST2.
        let rst1 = jpeg.windows(2).position(|w| w == [0xFF, 0xD1]).unwrap();
        jpeg.drain(rst1 - 5..rst1 + 2);
        let damage = restart_damage(&jpeg).unwrap();
        assert_eq!((damage.found, damage.expected), (2, 3));
        assert_eq!(damage.row, 8);
    }

    #[test]
    fn no_restart_interval_means_no_verdict() {
        let mut jpeg = with_restarts();
        jpeg.drain(2..8);
        assert_eq!(restart_damage(&jpeg), None);
    }
}

#[cfg(test)]
mod real_file {
    #[test]
    fn the_committed_cut_file_is_found() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/data/formats/jpeg/damaged_entropy.jpg"
        );
        let damage = super::restart_damage(&std::fs::read(path).unwrap());
        assert_eq!(damage.map(|d| (d.found, d.expected)), Some((67, 74)));
    }
}
