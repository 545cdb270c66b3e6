#!/usr/bin/env bash
# Import throughput for 12 MP HEIC against vipsthumbnail (a 2048 px preview and a 256 px
# thumbnail of the same files, two at a time: both cores), and RAW import through the embedded
# previews, in one run.
# Usage: benches/heic_raw_vs_vips.sh [PHOTOS] [MEGAPIXELS]   (after `cargo build --release`;
# needs heif-enc (libheif-examples), vipsthumbnail (libvips-tools) and python3)
set -euo pipefail
cd "$(dirname "$0")/.."
bin="$PWD/target/release/skinlapse"
n="${1:-12}"
mp="${2:-12}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/heic" "$work/out"

"$bin" bench generate --out "$work/jpg" --count "$n" --megapixels "$mp" >/dev/null
for f in "$work"/jpg/*.jpg; do
  heif-enc -q 60 -o "$work/heic/$(basename "${f%.jpg}").heic" "$f" >/dev/null
done
# Each JPEG wrapped as a DNG with a 24 MiB stand-in for the sensor data and the JPEG as its
# full-size preview, as a camera's RAW carries one.
python3 benches/wrap_dng.py "$work/jpg" "$work/dng"
echo "HEIC: $(ls "$work"/heic | wc -l) files, $(du -sm "$work/heic" | cut -f1) MB;" \
  "DNG: $(ls "$work"/dng | wc -l) files, $(du -sm "$work/dng" | cut -f1) MB"

t() { local start end; start=$(date +%s.%N); "$@" >/dev/null 2>&1; end=$(date +%s.%N); awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }'; }
vips_both() {
  ls "$work"/heic/*.heic | xargs -P2 -I{} sh -c \
    'vipsthumbnail "$1" -s 2048 -o "$2/%s.jpg" && vipsthumbnail "$1" -s 256 -o "$2/%s_t.jpg"' \
    _ {} "$work/out"
}

sync
"$bin" bench import "$work/heic"
v=$(t vips_both)
awk -v s="$v" -v n="$n" 'BEGIN { printf "vipsthumbnail -s 2048 + -s 256, 2 at a time: wall %.2f s: %.2f photos/s, %.1f ms per photo\n", s, n / s, s * 1000 / n }'
"$bin" bench import "$work/heic" --workers 1
"$bin" bench import "$work/dng"
"$bin" bench import "$work/jpg"
