//! Grey images in floats: sampling, smoothing, gradients and fine detail for alignment.

// Image maths: x, y, w, h, a, b, p read as in the formulas they implement.
#![allow(clippy::many_single_char_names, clippy::needless_range_loop)]

use image::RgbImage;

/// A grey image in floats (0–255), row-major.
#[derive(Clone, Debug)]
pub struct Gray {
    pub width: usize,
    pub height: usize,
    pub px: Vec<f32>,
}

impl Gray {
    pub fn from_rgb(image: &RgbImage) -> Self {
        Self {
            width: image.width() as usize,
            height: image.height() as usize,
            px: image
                .pixels()
                .map(|p| {
                    0.299 * f32::from(p[0]) + 0.587 * f32::from(p[1]) + 0.114 * f32::from(p[2])
                })
                .collect(),
        }
    }

    /// Bilinear sample at index coordinates (pixel `i`'s centre is at `i`); `None` outside.
    #[inline]
    pub(super) fn sample(&self, x: f64, y: f64) -> Option<f32> {
        if x < 0.0 || y < 0.0 || x > (self.width - 1) as f64 || y > (self.height - 1) as f64 {
            return None;
        }
        let (x0, y0) = (x as usize, y as usize);
        let (x1, y1) = ((x0 + 1).min(self.width - 1), (y0 + 1).min(self.height - 1));
        let (fx, fy) = ((x - x0 as f64) as f32, (y - y0 as f64) as f32);
        let row0 = y0 * self.width;
        let row1 = y1 * self.width;
        let top = self.px[row0 + x0] * (1.0 - fx) + self.px[row0 + x1] * fx;
        let bottom = self.px[row1 + x0] * (1.0 - fx) + self.px[row1 + x1] * fx;
        Some(top * (1.0 - fy) + bottom * fy)
    }

    /// Gaussian blur with a 5-tap binomial kernel (σ ≈ 1), edges clamped.
    pub(super) fn smoothed(&self) -> Self {
        const K: [f32; 5] = [1.0 / 16.0, 4.0 / 16.0, 6.0 / 16.0, 4.0 / 16.0, 1.0 / 16.0];
        let (w, h) = (self.width, self.height);
        let mut tmp = vec![0.0; w * h];
        for y in 0..h {
            for x in 0..w {
                let mut s = 0.0;
                for (k, weight) in K.iter().enumerate() {
                    let xx = (x + k).saturating_sub(2).min(w - 1);
                    s += weight * self.px[y * w + xx];
                }
                tmp[y * w + x] = s;
            }
        }
        let mut out = vec![0.0; w * h];
        for y in 0..h {
            for x in 0..w {
                let mut s = 0.0;
                for (k, weight) in K.iter().enumerate() {
                    let yy = (y + k).saturating_sub(2).min(h - 1);
                    s += weight * tmp[yy * w + x];
                }
                out[y * w + x] = s;
            }
        }
        Self {
            width: w,
            height: h,
            px: out,
        }
    }

    /// Central-difference gradients in x and y.
    pub(super) fn gradients(&self) -> (Self, Self) {
        let (w, h) = (self.width, self.height);
        let mut gx = vec![0.0; w * h];
        let mut gy = vec![0.0; w * h];
        for y in 0..h {
            for x in 0..w {
                let l = self.px[y * w + x.saturating_sub(1)];
                let r = self.px[y * w + (x + 1).min(w - 1)];
                let u = self.px[y.saturating_sub(1) * w + x];
                let d = self.px[(y + 1).min(h - 1) * w + x];
                gx[y * w + x] = (r - l) * 0.5;
                gy[y * w + x] = (d - u) * 0.5;
            }
        }
        let make = |px| Self {
            width: w,
            height: h,
            px,
        };
        (make(gx), make(gy))
    }

    /// Box blur of radius `r`, three passes (close to a Gaussian), edges clamped.
    pub(super) fn box_blurred(&self, r: usize) -> Self {
        let (w, h) = (self.width, self.height);
        let mut px = self.px.clone();
        let mut tmp = vec![0.0f32; w * h];
        let norm = 1.0 / (2 * r + 1) as f32;
        for _ in 0..3 {
            for y in 0..h {
                let row = &px[y * w..(y + 1) * w];
                let mut sum: f32 = (0..=2 * r)
                    .map(|k| row[k.saturating_sub(r).min(w - 1)])
                    .sum();
                for x in 0..w {
                    tmp[y * w + x] = sum * norm;
                    sum += row[(x + r + 1).min(w - 1)] - row[x.saturating_sub(r)];
                }
            }
            for x in 0..w {
                let mut sum: f32 = (0..=2 * r)
                    .map(|k| tmp[k.saturating_sub(r).min(h - 1) * w + x])
                    .sum();
                for y in 0..h {
                    px[y * w + x] = sum * norm;
                    sum += tmp[(y + r + 1).min(h - 1) * w + x] - tmp[y.saturating_sub(r) * w + x];
                }
            }
        }
        Self {
            width: w,
            height: h,
            px,
        }
    }

    /// Fine detail only (pores, spot and scar edges): the image minus a broad blur. Shading
    /// and slow colour changes correlate even when misaligned; detail does not.
    pub(super) fn detail(&self) -> Self {
        let broad = self.box_blurred(4);
        Self {
            width: self.width,
            height: self.height,
            px: self.px.iter().zip(&broad.px).map(|(a, b)| a - b).collect(),
        }
    }

    /// Mean gradient magnitude: how much texture there is to align on.
    pub(super) fn texture(&self) -> f64 {
        let (gx, gy) = self.smoothed().gradients();
        let sum: f64 = gx
            .px
            .iter()
            .zip(&gy.px)
            .map(|(x, y)| f64::from(x.hypot(*y)))
            .sum();
        sum / gx.px.len() as f64
    }
}
