#!/usr/bin/env python3
"""Reference vectors for Skinlapse's colour maths, computed with colour-science.

    pip install colour-science==0.4.7 && python3 tests/data/colour/make_vectors.py

Writes, beside this script:
  srgb_lab.csv        8-bit sRGB (IEC 61966-2-1) -> CIE L*a*b* (D65, CIE 1931 2 deg) of
                      standard test colours: neutrals, primaries and secondaries, skin tones
                      and the 24 ColorChecker patches as sRGB renders them.
  colorchecker24.csv  the ColorChecker Classic (X-Rite, after November 2014) published
                      L*a*b* (D50), and what Skinlapse needs from them: linear sRGB (D65,
                      Bradford adaptation) and L*a*b* (D65).
  sharma_check.csv    colour-science's CIEDE2000 of Sharma, Wu & Dalal's 34 pairs (a
                      cross-check of the published table, which the tests use as is).
"""
import csv
import os

import numpy as np
import colour

HERE = os.path.dirname(os.path.abspath(__file__))
D65 = colour.CCS_ILLUMINANTS["CIE 1931 2 Degree Standard Observer"]["D65"]
D50 = colour.CCS_ILLUMINANTS["CIE 1931 2 Degree Standard Observer"]["D50"]
SRGB = colour.RGB_COLOURSPACES["sRGB"]


def srgb8_to_lab(rgb8):
    rgb = np.asarray(rgb8, dtype=float) / 255.0
    xyz = colour.RGB_to_XYZ(
        rgb, SRGB, illuminant=D65, chromatic_adaptation_transform=None, apply_cctf_decoding=True
    )
    return colour.XYZ_to_Lab(xyz, D65)


checker = colour.CCS_COLOURCHECKERS["ColorChecker24 - After November 2014"]
names = list(checker.data.keys())
xyY = np.array(list(checker.data.values()))
lab_d50 = colour.XYZ_to_Lab(colour.xyY_to_XYZ(xyY), checker.illuminant)
# The published values are given to two decimals; use those as the source of truth.
lab_d50 = np.round(lab_d50, 2)
xyz_d50 = colour.Lab_to_XYZ(lab_d50, checker.illuminant)
xyz_d65 = colour.chromatic_adaptation(
    xyz_d50,
    colour.xy_to_XYZ(checker.illuminant),
    colour.xy_to_XYZ(D65),
    method="Von Kries",
    transform="Bradford",
)
linear = colour.XYZ_to_RGB(
    xyz_d65, SRGB, illuminant=D65, chromatic_adaptation_transform=None, apply_cctf_encoding=False
)
lab_d65 = colour.XYZ_to_Lab(xyz_d65, D65)
encoded = colour.cctf_encoding(np.clip(linear, 0, 1), function="sRGB")
checker_srgb8 = np.round(encoded * 255).astype(int)

with open(os.path.join(HERE, "colorchecker24.csv"), "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["patch", "name", "L_d50", "a_d50", "b_d50", "lin_r", "lin_g", "lin_b",
                "L_d65", "a_d65", "b_d65"])
    for i, name in enumerate(names):
        w.writerow([i + 1, name, *(f"{v:.2f}" for v in lab_d50[i]),
                    *(f"{v:.6f}" for v in linear[i]), *(f"{v:.4f}" for v in lab_d65[i])])

colours = [
    (0, 0, 0), (255, 255, 255), (128, 128, 128), (119, 119, 119), (50, 50, 50), (200, 200, 200),
    (255, 0, 0), (0, 255, 0), (0, 0, 255), (0, 255, 255), (255, 0, 255), (255, 255, 0),
    # Skin tones, light to dark.
    (255, 219, 172), (241, 194, 125), (224, 172, 105), (198, 134, 66), (141, 85, 36),
    (92, 51, 23), (232, 190, 172), (194, 120, 110), (60, 35, 30),
] + [tuple(int(c) for c in rgb) for rgb in checker_srgb8]

with open(os.path.join(HERE, "srgb_lab.csv"), "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["r", "g", "b", "L", "a", "b_star"])
    for rgb in colours:
        L, a, b = srgb8_to_lab(rgb)
        w.writerow([*rgb, f"{L:.6f}", f"{a:.6f}", f"{b:.6f}"])

pairs = np.loadtxt(os.path.join(HERE, "sharma_ciede2000.txt"), comments="#")
with open(os.path.join(HERE, "sharma_check.csv"), "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["pair", "published", "colour_science"])
    for i, row in enumerate(pairs):
        de = colour.delta_E(row[0:3], row[3:6], method="CIE 2000")
        assert abs(de - row[6]) < 1e-4, (i + 1, de, row[6])
        w.writerow([i + 1, f"{row[6]:.4f}", f"{de:.6f}"])
print("wrote", len(colours), "colours,", len(names), "patches,", len(pairs), "pairs")
