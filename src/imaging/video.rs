//! Encoding a sequence of frames as an animated GIF, an animated WebP or an H.264 MP4.
//! Pure bytes in and out; no metadata beyond what each format needs to play.
//!
//! - GIF: the `image` crate's encoder (a `NeuQuant` palette per frame).
//! - WebP: lossless VP8L frames from `image-webp` in the animated container (RIFF, VP8X,
//!   ANIM, ANMF chunks, as Google's container specification lays out), in pure Rust.
//! - MP4: H.264 (constrained baseline) from `OpenH264`, built from its bundled source by the
//!   `openh264` crate, muxed by the `mp4` crate with one sample per frame.

use image::RgbImage;

/// A frame and how long it shows.
#[derive(Clone, Debug)]
pub struct Frame {
    pub image: RgbImage,
    pub millis: u32,
}

#[derive(Debug, thiserror::Error)]
pub enum VideoError {
    #[error("no frames to encode")]
    Empty,
    #[error("frames differ in size: all must be {0}×{1}")]
    Size(u32, u32),
    #[error("GIF encoding failed: {0}")]
    Gif(String),
    #[error("WebP encoding failed: {0}")]
    Webp(String),
    #[error("H.264 encoding failed: {0}")]
    H264(String),
    #[error("MP4 writing failed: {0}")]
    Mp4(String),
}

fn same_size(frames: &[Frame]) -> Result<(u32, u32), VideoError> {
    let first = frames.first().ok_or(VideoError::Empty)?;
    let (w, h) = first.image.dimensions();
    if frames.iter().any(|f| f.image.dimensions() != (w, h)) {
        return Err(VideoError::Size(w, h));
    }
    Ok((w, h))
}

/// An animated GIF that loops forever.
pub fn encode_gif(frames: &[Frame]) -> Result<Vec<u8>, VideoError> {
    same_size(frames)?;
    let mut out = Vec::new();
    {
        let mut encoder = image::codecs::gif::GifEncoder::new_with_speed(&mut out, 10);
        encoder
            .set_repeat(image::codecs::gif::Repeat::Infinite)
            .map_err(|e| VideoError::Gif(e.to_string()))?;
        for f in frames {
            let rgba = image::DynamicImage::ImageRgb8(f.image.clone()).into_rgba8();
            let delay = image::Delay::from_numer_denom_ms(f.millis, 1);
            encoder
                .encode_frame(image::Frame::from_parts(rgba, 0, 0, delay))
                .map_err(|e| VideoError::Gif(e.to_string()))?;
        }
    }
    Ok(out)
}

fn chunk(out: &mut Vec<u8>, fourcc: [u8; 4], payload: &[u8]) {
    out.extend_from_slice(&fourcc);
    out.extend_from_slice(&(payload.len() as u32).to_le_bytes());
    out.extend_from_slice(payload);
    if payload.len() % 2 == 1 {
        out.push(0);
    }
}

fn u24(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes()[..3]);
}

/// One frame as a lossless VP8L bitstream (the payload of its VP8L chunk).
fn vp8l(image: &RgbImage) -> Result<Vec<u8>, VideoError> {
    let mut file = Vec::new();
    image_webp::WebPEncoder::new(&mut file)
        .encode(
            image.as_raw(),
            image.width(),
            image.height(),
            image_webp::ColorType::Rgb8,
        )
        .map_err(|e| VideoError::Webp(e.to_string()))?;
    // A simple-format file: "RIFF" size "WEBP" then one VP8L chunk.
    if file.len() < 20 || &file[12..16] != b"VP8L" {
        return Err(VideoError::Webp("unexpected encoder output".into()));
    }
    let size = u32::from_le_bytes([file[16], file[17], file[18], file[19]]) as usize;
    Ok(file[20..20 + size].to_vec())
}

/// An animated, lossless WebP that loops forever.
pub fn encode_webp(frames: &[Frame]) -> Result<Vec<u8>, VideoError> {
    let (w, h) = same_size(frames)?;
    let mut body = Vec::new();
    // VP8X: the animation flag, canvas size − 1.
    let mut vp8x = vec![0b0000_0010, 0, 0, 0];
    u24(&mut vp8x, w - 1);
    u24(&mut vp8x, h - 1);
    chunk(&mut body, *b"VP8X", &vp8x);
    // ANIM: background colour (BGRA), loop count 0 = forever.
    chunk(&mut body, *b"ANIM", &[0, 0, 0, 255, 0, 0]);
    for f in frames {
        let mut anmf = Vec::new();
        u24(&mut anmf, 0);
        u24(&mut anmf, 0);
        u24(&mut anmf, w - 1);
        u24(&mut anmf, h - 1);
        u24(&mut anmf, f.millis.min(0xFF_FFFF));
        // Do not blend (every frame is whole), do not dispose.
        anmf.push(0b0000_0010);
        chunk(&mut anmf, *b"VP8L", &vp8l(&f.image)?);
        chunk(&mut body, *b"ANMF", &anmf);
    }
    let mut out = Vec::with_capacity(body.len() + 12);
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&(body.len() as u32 + 4).to_le_bytes());
    out.extend_from_slice(b"WEBP");
    out.extend_from_slice(&body);
    Ok(out)
}

/// NAL units of an Annex B byte stream (start codes removed).
fn nal_units(stream: &[u8]) -> Vec<&[u8]> {
    let mut starts = Vec::new();
    let mut i = 0;
    while i + 3 <= stream.len() {
        if stream[i] == 0 && stream[i + 1] == 0 && stream[i + 2] == 1 {
            starts.push(i + 3);
            i += 3;
        } else {
            i += 1;
        }
    }
    starts
        .iter()
        .enumerate()
        .map(|(k, &s)| {
            let mut end = starts.get(k + 1).map_or(stream.len(), |n| n - 3);
            // A four-byte start code leaves a zero before the next three-byte one.
            while end > s && stream[end - 1] == 0 && k + 1 < starts.len() {
                end -= 1;
            }
            &stream[s..end]
        })
        .collect()
}

/// An H.264 MP4 at `fps` frames per second (each frame repeated to last its time).
/// Width and height are rounded down to even numbers, as 4:2:0 video needs.
pub fn encode_mp4(frames: &[Frame], fps: u32) -> Result<Vec<u8>, VideoError> {
    use openh264::encoder::{BitRate, Encoder, EncoderConfig, FrameRate, RateControlMode};
    use openh264::formats::{RgbSliceU8, YUVBuffer};
    let (w, h) = same_size(frames)?;
    let (w, h) = (w & !1, h & !1);
    if w < 16 || h < 16 {
        return Err(VideoError::H264(format!("{w}×{h} is too small for video")));
    }
    let fps = fps.clamp(1, 60);
    let bits = (f64::from(w) * f64::from(h) * f64::from(fps) * 0.15) as u32;
    let config = EncoderConfig::new()
        .bitrate(BitRate::from_bps(bits.max(500_000)))
        .max_frame_rate(FrameRate::from_hz(fps as f32))
        .rate_control_mode(RateControlMode::Quality)
        .skip_frames(false);
    let mut encoder = Encoder::with_api_config(openh264::OpenH264API::from_source(), config)
        .map_err(|e| VideoError::H264(e.to_string()))?;
    let (mut sps, mut pps) = (None::<Vec<u8>>, None::<Vec<u8>>);
    let mut samples: Vec<(Vec<u8>, bool)> = Vec::new();
    for f in frames {
        let cropped = if f.image.dimensions() == (w, h) {
            f.image.clone()
        } else {
            image::imageops::crop_imm(&f.image, 0, 0, w, h).to_image()
        };
        let yuv = YUVBuffer::from_rgb8_source(RgbSliceU8::new(
            cropped.as_raw(),
            (w as usize, h as usize),
        ));
        let repeats = (f.millis * fps).div_ceil(1000).max(1);
        for _ in 0..repeats {
            let stream = encoder
                .encode(&yuv)
                .map_err(|e| VideoError::H264(e.to_string()))?
                .to_vec();
            let mut sample = Vec::new();
            let mut sync = false;
            for nal in nal_units(&stream) {
                match nal.first().map(|b| b & 0x1F) {
                    Some(7) => sps = Some(nal.to_vec()),
                    Some(8) => pps = Some(nal.to_vec()),
                    Some(t) => {
                        sync |= t == 5;
                        sample.extend_from_slice(&(nal.len() as u32).to_be_bytes());
                        sample.extend_from_slice(nal);
                    }
                    None => {}
                }
            }
            if !sample.is_empty() {
                samples.push((sample, sync));
            }
        }
    }
    let (Some(sps), Some(pps)) = (sps, pps) else {
        return Err(VideoError::H264(
            "the encoder gave no parameter sets".into(),
        ));
    };
    mux_mp4(w, h, fps, sps, pps, &samples)
}

fn mux_mp4(
    w: u32,
    h: u32,
    fps: u32,
    sps: Vec<u8>,
    pps: Vec<u8>,
    samples: &[(Vec<u8>, bool)],
) -> Result<Vec<u8>, VideoError> {
    let err = |e: mp4::Error| VideoError::Mp4(e.to_string());
    let timescale = fps * 1000;
    let config = mp4::Mp4Config {
        major_brand: "isom".parse().map_err(err)?,
        minor_version: 512,
        compatible_brands: ["isom", "iso2", "avc1", "mp41"]
            .iter()
            .map(|b| b.parse())
            .collect::<Result<_, _>>()
            .map_err(err)?,
        timescale,
    };
    let mut writer =
        mp4::Mp4Writer::write_start(std::io::Cursor::new(Vec::new()), &config).map_err(err)?;
    writer
        .add_track(&mp4::TrackConfig {
            track_type: mp4::TrackType::Video,
            timescale,
            language: "und".into(),
            media_conf: mp4::MediaConfig::AvcConfig(mp4::AvcConfig {
                width: w as u16,
                height: h as u16,
                seq_param_set: sps,
                pic_param_set: pps,
            }),
        })
        .map_err(err)?;
    for (i, (bytes, sync)) in samples.iter().enumerate() {
        writer
            .write_sample(
                1,
                &mp4::Mp4Sample {
                    start_time: i as u64 * 1000,
                    duration: 1000,
                    rendering_offset: 0,
                    is_sync: *sync,
                    bytes: bytes::Bytes::copy_from_slice(bytes),
                },
            )
            .map_err(err)?;
    }
    writer.write_end().map_err(err)?;
    Ok(writer.into_writer().into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames() -> Vec<Frame> {
        (0..3u8)
            .map(|i| Frame {
                image: RgbImage::from_fn(64, 48, |x, y| {
                    image::Rgb([i * 80, (x * 4) as u8, (y * 5) as u8])
                }),
                millis: 500,
            })
            .collect()
    }

    #[test]
    fn gif_and_webp_decode_back_to_the_frames() {
        use image::AnimationDecoder;
        let gif = encode_gif(&frames()).unwrap();
        let decoded = image::codecs::gif::GifDecoder::new(std::io::Cursor::new(&gif))
            .unwrap()
            .into_frames()
            .collect_frames()
            .unwrap();
        assert_eq!(decoded.len(), 3);
        assert_eq!(decoded[1].delay().numer_denom_ms(), (500, 1));
        let webp = encode_webp(&frames()).unwrap();
        let decoded = image::codecs::webp::WebPDecoder::new(std::io::Cursor::new(&webp))
            .unwrap()
            .into_frames()
            .collect_frames()
            .unwrap();
        assert_eq!(decoded.len(), 3);
        // Lossless: the pixels come back exactly.
        let want = &frames()[2].image;
        let got = image::DynamicImage::ImageRgba8(decoded[2].buffer().clone()).into_rgb8();
        assert_eq!(&got, want);
    }

    #[test]
    fn an_mp4_holds_one_h264_track_with_every_frame() {
        let mp4 = encode_mp4(&frames(), 10).unwrap();
        let reader =
            mp4::Mp4Reader::read_header(std::io::Cursor::new(&mp4), mp4.len() as u64).unwrap();
        let track = reader.tracks().get(&1).unwrap();
        assert_eq!(track.media_type().unwrap(), mp4::MediaType::H264);
        assert_eq!((track.width(), track.height()), (64, 48));
        // Three frames of half a second at 10 fps.
        assert_eq!(track.sample_count(), 15);
        assert!(matches!(encode_mp4(&[], 10), Err(VideoError::Empty)));
    }
}
