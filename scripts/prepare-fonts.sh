#!/usr/bin/env bash
# Prepares fonts/generated/ from Debian's font packages (fonts-noto-cjk, fonts-hanazono).
#
# The stock Noto CJK fonts are CFF collections whose glyphs share global subroutines; a PDF subset
# of them carries ~500 KB of subroutines however few glyphs it uses. Extracting the SC face and
# desubroutinizing it (hb-subset, keeping every code point, layout feature and name) lets cairo
# embed only the glyphs a document uses. Hints are dropped too: they only steer low-resolution
# screen rasterisers, and a print-ready PDF is rasterised at printer resolution.
# HanaMin A/B are TrueType (no subroutines) and are linked as they are.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
out="$here/fonts/generated"
noto=/usr/share/fonts/opentype/noto
hana=/usr/share/fonts/truetype/hanazono
mkdir -p "$out"

# TTC face order in Noto CJK collections: 0 JP, 1 KR, 2 SC, 3 TC, 4 HK.
sc_face=2
extract_sc() {   # source collection, output file
  local src=$1 dst=$2
  if [ ! -s "$dst" ] || [ "$src" -nt "$dst" ]; then
    echo "prepare-fonts: extracting SC face of $(basename "$src")"
    hb-subset --face-index=$sc_face --unicodes='*' --layout-features='*' --name-IDs='*' \
      --desubroutinize --no-hinting --output-file="$dst.tmp" "$src"
    mv "$dst.tmp" "$dst"
  fi
}
extract_sc "$noto/NotoSerifCJK-Regular.ttc" "$out/NotoSerifCJKsc-Regular.otf" &
extract_sc "$noto/NotoSerifCJK-Bold.ttc"    "$out/NotoSerifCJKsc-Bold.otf" &
wait
extract_sc "$noto/NotoSansCJK-Regular.ttc"  "$out/NotoSansCJKsc-Regular.otf" &
extract_sc "$noto/NotoSansCJK-Bold.ttc"     "$out/NotoSansCJKsc-Bold.otf" &
wait
ln -sf "$hana/HanaMinA.ttf" "$out/HanaMinA.ttf"
ln -sf "$hana/HanaMinB.ttf" "$out/HanaMinB.ttf"
echo "prepare-fonts: fonts ready in $out"
