#!/usr/bin/env bash
# Backup and restore speed against tar of the same library folder, in one run.
# Usage: benches/backup_vs_tar.sh [PHOTOS] [MEGAPIXELS]   (after `cargo build --release`)
set -euo pipefail
cd "$(dirname "$0")/.."
bin="$PWD/target/release/skinlapse"
n="${1:-60}"
mp="${2:-12}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export SKINLAPSE_PASSPHRASE="benchmark passphrase"

"$bin" bench generate --out "$work/photos" --count "$n" --megapixels "$mp" >/dev/null
for kind in plain encrypted; do
  lib="$work/$kind"
  if [ "$kind" = encrypted ]; then "$bin" create --library "$lib" --encrypted >/dev/null; fi
  "$bin" --library "$lib" import "$work/photos" >/dev/null 2>&1
  mb=$(du -sm "$lib" | cut -f1)
  t() { local start end; start=$(date +%s.%N); "$@" >/dev/null 2>&1; end=$(date +%s.%N); awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }'; }
  rate() { awk -v m="$mb" -v s="$1" 'BEGIN { printf "%.0f", m / s }'; }
  sync
  b=$(t "$bin" --library "$lib" backup --to "$work/$kind.tar")
  tc=$(t tar -cf "$work/$kind-tar.tar" -C "$lib" .)
  v=$(t "$bin" backup verify "$work/$kind.tar")
  r=$(t "$bin" restore "$work/$kind.tar" --library "$work/$kind-restored")
  mkdir "$work/$kind-untar"
  tx=$(t tar -xf "$work/$kind-tar.tar" -C "$work/$kind-untar")
  mkdir "$work/$kind-folder"
  f1=$(t "$bin" --library "$lib" backup --to "$work/$kind-folder")
  f2=$(t "$bin" --library "$lib" backup --to "$work/$kind-folder")
  echo "$kind library: $n photos of $mp MP, $mb MB"
  printf '  skinlapse backup --to FILE   %6.2f s  %5s MB/s\n' "$b" "$(rate "$b")"
  printf '  tar -cf                      %6.2f s  %5s MB/s\n' "$tc" "$(rate "$tc")"
  printf '  skinlapse backup verify      %6.2f s  %5s MB/s\n' "$v" "$(rate "$v")"
  printf '  skinlapse restore (+verify)  %6.2f s  %5s MB/s\n' "$r" "$(rate "$r")"
  printf '  tar -xf                      %6.2f s  %5s MB/s\n' "$tx" "$(rate "$tx")"
  printf '  backup to a folder, first    %6.2f s  %5s MB/s\n' "$f1" "$(rate "$f1")"
  printf '  backup to a folder, again    %6.2f s\n' "$f2"
  rm -rf "$work/$kind-tar.tar" "$work/$kind.tar" "$work/$kind-restored" "$work/$kind-untar" "$work/$kind-folder"
done
